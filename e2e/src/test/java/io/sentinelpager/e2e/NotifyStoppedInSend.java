package io.sentinelpager.e2e;

import io.sentinelpager.notify.Channel;
import io.sentinelpager.notify.DeliveryFailure;
import io.sentinelpager.notify.Message;
import io.sentinelpager.notify.NotifyApp;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.service.ServiceRunner;
import io.sentinelpager.schemas.ContactMethodType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * {@code pager notify --config FILE} in a child JVM, stopped at an exact point of its first inbox send so that a
 * test can kill it there with kill -9: {@code NotifyStoppedInSend SETTINGS after-line|before-line SIGNAL_FILE}. At
 * that point it writes the delivery id to the signal file and blocks the stream thread for good, so nothing after
 * it (the receipt, the commit) can happen before the kill. The inbox is the real channel; only the stop is added.
 */
public final class NotifyStoppedInSend {

    private NotifyStoppedInSend() {
    }

    public static void main(String[] args) throws Exception {
        PagerConfig settings = PagerConfig.load(Optional.of(Path.of(args[0])));
        boolean afterLine = switch (args[1]) {
            case "after-line" -> true;
            case "before-line" -> false;
            default -> throw new IllegalArgumentException("after-line or before-line, not " + args[1]);
        };
        Path signal = Path.of(args[2]);
        try (ServiceRunner runner = ServiceRunner.start(settings, Map.of(NotifyApp.NAME, context -> NotifyApp.create(
                context, channel -> channel.type() == ContactMethodType.INBOX
                        ? new StoppingChannel(channel, afterLine, signal) : channel)), Clock.systemUTC())) {
            runner.awaitShutdown();
        }
    }

    /** The real channel, with the process stopped right before or right after its first send. */
    private record StoppingChannel(Channel channel, boolean afterLine, Path signal) implements Channel {

        @Override
        public ContactMethodType type() {
            return channel.type();
        }

        @Override
        public String describe() {
            return channel.describe();
        }

        @Override
        public void init(ProcessorContext<?, ?> context) {
            channel.init(context);
        }

        @Override
        public boolean idempotent() {
            return channel.idempotent();
        }

        @Override
        public Trace trace(String deliveryId, String address) {
            return channel.trace(deliveryId, address);
        }

        @Override
        public void send(Message message) throws DeliveryFailure {
            if (!afterLine) {
                stop(message);
            }
            channel.send(message);
            stop(message);
        }

        private void stop(Message message) {
            try {
                Path next = signal.resolveSibling(signal.getFileName() + ".next");
                Files.writeString(next, message.id());
                Files.move(next, signal, StandardCopyOption.ATOMIC_MOVE);
                new CountDownLatch(1).await(); // until the kill
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("stopped in a send, and then interrupted instead of killed", e);
            }
        }
    }
}
