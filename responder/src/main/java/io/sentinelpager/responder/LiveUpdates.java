package io.sentinelpager.responder;

import io.javalin.http.sse.SseClient;
import io.sentinelpager.schemas.AlertLifecycle;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * Server-sent events to the apps that are open: each new state of an alert goes, as its summary, to every client
 * allowed to see it. Sending runs on a thread of its own, so a slow phone never holds up the stream thread that
 * materializes the alert states.
 */
final class LiveUpdates implements AutoCloseable {

    private record Client(SseClient sse, Predicate<AlertLifecycle> maySee) {
    }

    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "responder-live-updates");
        t.setDaemon(true);
        return t;
    });

    void add(SseClient sse, Predicate<AlertLifecycle> maySee) {
        Client client = new Client(sse, maySee);
        clients.add(client);
        sse.onClose(() -> clients.remove(client));
        sse.keepAlive();
        sse.sendComment("connected");
    }

    void publish(AlertLifecycle state) {
        sender.execute(() -> {
            Object summary = AlertViews.summary(state);
            for (Client client : clients) {
                if (client.sse().terminated()) {
                    clients.remove(client);
                } else if (client.maySee().test(state)) {
                    client.sse().sendEvent("alert", summary);
                }
            }
        });
    }

    int connected() {
        return clients.size();
    }

    @Override
    public void close() {
        sender.shutdownNow();
        clients.forEach(c -> c.sse().close());
    }
}
