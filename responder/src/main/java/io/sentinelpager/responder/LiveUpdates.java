package io.sentinelpager.responder;

import io.javalin.http.sse.SseClient;
import io.sentinelpager.schemas.AlertLifecycle;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-sent events to the apps that are open: each new state of an alert goes, as its summary, to every client
 * allowed to see it. Sending runs on a thread of its own, so a slow phone never holds up the stream thread that
 * materializes the alert states.
 *
 * <p>A change of what Azure has from us (sync.state) is sent the same way, as the summary of each page with that
 * alert: Azure taking or refusing a write changes nothing else on the page, so without it an app would show a
 * refused write only after a reload.
 *
 * <p>A stream lasts as long as its caller would still be let in: every {@link #CHECK_EVERY} each stream's session is
 * checked again, and the stream closed once it has expired, was logged out on any instance, or its person was deleted
 * from the on-call configuration.
 */
final class LiveUpdates implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiveUpdates.class);
    /** How soon an ended session's stream closes. */
    static final Duration CHECK_EVERY = Duration.ofSeconds(1);

    /** What the apps are sent, read from the responder's view. */
    interface View {

        /** The page's summary, as GET /api/alerts lists it. */
        Map<String, Object> summary(AlertLifecycle page);

        /** The pages that have any of these alerts: its own page, or its incident's. */
        List<AlertLifecycle> pagesWith(Set<String> alertKeys);

        /** Whether the caller would still be let in now. */
        boolean stillAllowed(Principal who);
    }

    private record Client(SseClient sse, Principal who, Predicate<AlertLifecycle> maySee) {
    }

    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final Set<String> changedInAzure = ConcurrentHashMap.newKeySet();
    /** One thread for sending and for closing, so that a stream is never written to while it is closed. */
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "responder-live-updates");
        t.setDaemon(true);
        return t;
    });
    private volatile View view;

    /** Set by the service before its view starts, since the view's topology is built with this object's callbacks. */
    void readFrom(View view) {
        this.view = view;
        sender.scheduleWithFixedDelay(this::closeEnded, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    void add(SseClient sse, Principal who, Predicate<AlertLifecycle> maySee) {
        Client client = new Client(sse, who, maySee);
        clients.add(client);
        sse.onClose(() -> clients.remove(client));
        sse.keepAlive();
        sse.sendComment("connected");
    }

    void publish(AlertLifecycle state) {
        sender.execute(() -> send(state));
    }

    /** What Azure has from us of this alert changed. */
    void azureChanged(String alertKey) {
        changedInAzure.add(alertKey);
        // Collected until the sender gets to them: a write to a large incident changes many alerts at once, and one
        // look for their pages serves them all.
        sender.execute(() -> {
            Set<String> keys = Set.copyOf(changedInAzure);
            changedInAzure.removeAll(keys);
            if (keys.isEmpty()) {
                return;
            }
            try {
                view.pagesWith(keys).forEach(this::send);
            } catch (RuntimeException e) {
                // The alert state is not readable while Streams rebalances; apps show the change on their next load.
                log.debug("could not send what Azure has of {} to the apps: {}", keys, e.toString());
            }
        });
    }

    private void send(AlertLifecycle state) {
        Object summary = view.summary(state);
        for (Client client : clients) {
            if (client.sse().terminated()) {
                clients.remove(client);
            } else if (client.maySee().test(state)) {
                client.sse().sendEvent("alert", summary);
            }
        }
    }

    /** Closes the streams whose callers would no longer be let in. */
    private void closeEnded() {
        for (Client client : clients) {
            try {
                if (!view.stillAllowed(client.who())) {
                    clients.remove(client);
                    client.sse().close();
                }
            } catch (RuntimeException e) {
                // The config tables are not readable yet: checked again next time, and never a reason to stop checking.
                log.debug("could not check the session of a live stream: {}", e.toString());
            }
        }
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
