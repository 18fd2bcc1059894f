package io.sentinelpager.notify;

import io.sentinelpager.platform.kafka.CompletedIds;
import io.sentinelpager.schemas.ContactMethod;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.DeliveryOutcome;
import io.sentinelpager.schemas.DeliveryReceipt;
import io.sentinelpager.schemas.DeliveryStarted;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.PendingDelivery;
import io.sentinelpager.schemas.Urgency;
import io.sentinelpager.schemas.UserConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers each notification at most once per contact method, also across a crash: no provider is ever asked twice
 * for the same delivery (the page's id and the method) unless it deduplicates by that id itself.
 *
 * <p>Completion alone cannot promise that. The delivery id goes into a changelogged store in the same transaction as
 * the receipt and the input offset, and a request whose id is there, or waiting in the queue, is skipped; but a kill
 * between a provider accepting a message and that commit rolls all of it back, and the replayed request would be sent
 * again. So before calling a provider the processor writes a mark to the {@link SendLog} and waits until it is
 * durable: outside the transaction, so the crash does not take it back. After a restart (or on another instance after
 * a rebalance) the marks are in the {@link NotifyTopology#SENDS_STORE} global store, which Streams loads before any
 * task runs, and a delivery with a mark for the attempt about to be made, but no committed outcome, is one whose
 * outcome is unknown:
 * <ul>
 *   <li>a channel whose receiver deduplicates by the delivery id (the webhook) is sent it again with the same id:
 *       exactly once as its receiver counts;</li>
 *   <li>a channel that can look where it wrote (the inbox, {@link Channel#trace}) is asked: a page it finds is
 *       delivered, without a second line; one it does not find is sent now, once;</li>
 *   <li>any other channel (SMS, e-mail, Teams, ntfy, a call, Web Push) is not sent it again: the person most likely
 *       has that page already, and a second SMS or call for one alert is the page twice that a responder learns to
 *       distrust. The outcome is reported {@code UNKNOWN}, and the page falls back to the user's next contact method,
 *       so that it is not lost either when the first send did not get out. If that fallback fails too, or there is
 *       none, the page's outcome stays {@code UNKNOWN}, never {@code FAILED}: escalate then lets the step wait its
 *       planned time, since the person may well have been paged, instead of paging the next step at once.</li>
 * </ul>
 * What this leaves: the crash window becomes "maybe once" instead of "maybe twice" for channels that cannot
 * deduplicate, and a mark from the instance's own last milliseconds can be missing from its global store if the task
 * is revived in the same process before the global thread has read it (a fenced or corrupted task, not a crash: a
 * crashed instance's partitions move only after its session times out).
 *
 * <p>What cannot go now waits in the changelogged queue and a punctuator picks it up when due, so nothing sleeps on
 * the stream thread and a restart resumes the waits: a transient failure (timeout, 5xx, 429) is retried with
 * exponential backoff and jitter, longer if the provider's {@code Retry-After} says so; a low-urgency page to an
 * address that its rate limit holds (one SMS a minute per number) joins the others held for that address and all go
 * out as one digest. A high-urgency page is never held: it goes at once. A permanent failure, or the last failed
 * retry, falls back to the user's next contact method (from the compacted users topic); only when none is left is the
 * notification reported failed (or unknown, when an earlier method's outcome was).
 *
 * <p>Receipts carry the request's notification id with the final outcome; each method given up on before a fallback
 * gets its own receipt, under the notification id with {@code /failed/<method>} appended, for the timeline.
 */
final class DeliveryProcessor implements Processor<String, NotificationRequest, String, DeliveryReceipt> {

    static final Duration QUEUE_SCAN = Duration.ofSeconds(1);
    /**
     * How often the pages {@link #process} accepted are sent, as one batch. Not shorter: every punctuation that runs
     * makes Streams halve the records it processes before the next, so a 1 ms one would shrink each batch to a page.
     */
    static final Duration SEND_ACCEPTED = Duration.ofMillis(20);
    /** Prefix of the completed ids that say a notification id has had its receipt. */
    private static final String RECEIPTED = "receipt:";
    /** Prefix of the completed ids that say an alert's page has gone out once: its time to page is measured. */
    private static final String PAGED = "paged:";

    private static final Logger log = LoggerFactory.getLogger(DeliveryProcessor.class);

    private final Map<ContactMethodType, Channel> channels;
    private final SendLog sendLog;
    private final Messages messages;
    private final NotifyConfig.Retry retry;
    private final Map<ContactMethodType, Duration> minIntervals;
    private final Clock clock;
    private final RandomGenerator random;
    private final NotifyMetrics metrics;
    private ProcessorContext<String, DeliveryReceipt> context;
    private CompletedIds delivered;
    private KeyValueStore<String, PendingDelivery> queue;
    private KeyValueStore<String, Long> lastSent;
    private KeyValueStore<String, ValueAndTimestamp<UserConfig>> users;
    private KeyValueStore<String, ValueAndTimestamp<DeliveryStarted>> started;
    /**
     * Pages accepted since the last {@link #sendAccepted}, in arrival order, for a channel that can make a cut-short
     * send good (see {@link #batched}); each is in the queue too, so that it is not lost if this instance stops first.
     */
    private final Map<String, PendingDelivery> accepted = new LinkedHashMap<>();

    DeliveryProcessor(Map<ContactMethodType, Channel> channels, SendLog sendLog, Messages messages,
                      NotifyConfig.Retry retry, Map<ContactMethodType, Duration> minIntervals, Clock clock,
                      RandomGenerator random, NotifyMetrics metrics) {
        this.channels = channels;
        this.sendLog = sendLog;
        this.messages = messages;
        this.retry = retry;
        this.minIntervals = minIntervals;
        this.clock = clock;
        this.random = random;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, DeliveryReceipt> context) {
        this.context = context;
        this.delivered = CompletedIds.open(context, NotifyTopology.DELIVERED_STORE);
        this.queue = context.getStateStore(NotifyTopology.QUEUE_STORE);
        this.lastSent = context.getStateStore(NotifyTopology.LAST_SENT_STORE);
        this.users = context.getStateStore(NotifyTopology.USERS_STORE);
        channels.values().forEach(channel -> channel.init(context));
        this.started = context.getStateStore(NotifyTopology.SENDS_STORE);
        context.schedule(QUEUE_SCAN, PunctuationType.WALL_CLOCK_TIME, ignored -> sendDue());
        context.schedule(SEND_ACCEPTED, PunctuationType.WALL_CLOCK_TIME, ignored -> sendAccepted());
    }

    @Override
    public void process(Record<String, NotificationRequest> record) {
        NotificationRequest request = record.value();
        String id = deliveryId(request, request.getContactMethod());
        Instant now = clock.instant();
        if (delivered.contains(id) || queue.get(id) != null) {
            if (delivered.contains(id) && !delivered.contains(RECEIPTED + request.getNotificationId())) {
                // Another method's fallback reached this one for the same page first: this request is done too,
                // and escalate waits for its receipt.
                forward(receipt(request, request.getNotificationId(), request.getContactMethod(), DeliveryOutcome.SENT,
                        "already reached by " + name(request.getContactMethod()) + " for this page", now));
            }
            log.debug("notification {} already delivered or queued, skipped", id);
            return;
        }
        PendingDelivery page = pending(request, request.getContactMethod(), request.getAddress(), now, null, false);
        if (batched(request.getContactMethod()) && !startedBefore(page)) {
            // Committed with this record's offset: if this instance stops before the batch goes, the queue scan (here
            // or on the partition's next owner) sends it.
            queue.put(id, page);
            accepted.put(id, page);
            return;
        }
        attempt(List.of(page), now);
    }

    /**
     * Sends the pages {@link #process} accepted since the last call, after one durable write of all their marks: the
     * wait for a mark, about 2 ms on a busy broker, is paid once per batch instead of once per page. A page waits at
     * most {@link #SEND_ACCEPTED} for its batch.
     *
     * <p>A crash between the marks and the sends leaves several pages "started" instead of one; only channels that
     * settle that without a second message or an unknown outcome are batched (see {@link #batched}).
     */
    void sendAccepted() {
        if (accepted.isEmpty()) {
            return;
        }
        List<PendingDelivery> batch = new ArrayList<>(accepted.values());
        accepted.clear();
        Instant now = clock.instant();
        try {
            sendLog.started(batch.stream().map(p -> mark(p, now)).toList());
        } catch (DeliveryFailure failure) {
            failed(batch, failure, now);
            return;
        }
        for (PendingDelivery p : batch) {
            send(List.of(p), true, Set.of(), Set.of(), now);
        }
    }

    /**
     * Whether a page by this method waits for {@link #sendAccepted}: when its channel can tell after a crash whether a
     * started send got out (the inbox reads its file) or its receiver deduplicates a second one (a webhook), and no
     * rate limit holds pages by it. An SMS, a call or an e-mail is sent at once, marked on its own: a crash leaves
     * at most that one page's outcome unknown, and the provider's call outlasts the mark anyway.
     */
    private boolean batched(ContactMethodType method) {
        Channel channel = channels.get(method);
        return channel != null && (channel.idempotent() || channel.traceable()) && !minIntervals.containsKey(method);
    }

    /** Sends what is due, grouped by address so that the pages a rate limit held go out as one digest. */
    void sendDue() {
        Instant now = clock.instant();
        Map<String, List<PendingDelivery>> due = new LinkedHashMap<>();
        try (KeyValueIterator<String, PendingDelivery> all = queue.all()) {
            all.forEachRemaining(entry -> {
                if (!entry.value.getDueAt().isAfter(now) && !accepted.containsKey(entry.key)) {
                    due.computeIfAbsent(addressKey(entry.value.getContactMethod(), entry.value.getAddress()),
                            k -> new ArrayList<>()).add(entry.value);
                }
            });
        }
        due.values().forEach(batch -> attempt(batch, now));
    }

    /** One send to one address, of one page or of a digest of several; all of the batch share method and address. */
    private void attempt(List<PendingDelivery> candidates, Instant now) {
        ContactMethodType method = candidates.get(0).getContactMethod();
        Channel channel = channels.get(method);
        boolean resend = channel != null && channel.idempotent();
        List<PendingDelivery> batch = new ArrayList<>();
        Set<String> resending = new HashSet<>();
        Set<String> missing = new HashSet<>();
        for (PendingDelivery p : candidates) {
            if (!startedBefore(p)) {
                batch.add(p);
            } else if (resend) {
                resending.add(id(p));
                batch.add(p);
            } else {
                switch (channel == null ? Channel.Trace.CANNOT_TELL : channel.trace(id(p), p.getAddress())) {
                    case ABSENT -> { // never got out: this is its one send
                        missing.add(id(p));
                        batch.add(p);
                    }
                    case FOUND -> foundAfterRestart(p, now);
                    case CANNOT_TELL -> {
                        queue.delete(id(p));
                        metrics.delivery(method, NotifyMetrics.Outcome.UNKNOWN);
                        fallBack(p, DeliveryOutcome.UNKNOWN, name(method) + " outcome unknown: notify stopped after "
                                + "starting this send and before recording its result; not sent again, so as not to "
                                + "page twice", now);
                    }
                }
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        PendingDelivery first = batch.get(0);
        String address = first.getAddress();
        Duration interval = minIntervals.get(method);
        // A high-urgency page is not held: the limit spares a phone a burst of low pages, not the page that matters.
        boolean urgent = batch.stream().anyMatch(p -> p.getRequest().getUrgency() != Urgency.LOW);
        Long last = interval == null || urgent ? null : lastSent.get(addressKey(method, address));
        if (last != null) {
            Instant free = Instant.ofEpochMilli(last).plus(interval);
            if (now.isBefore(free)) {
                for (PendingDelivery p : batch) {
                    queue.put(id(p), PendingDelivery.newBuilder(p).setHeld(true).setDueAt(free).build());
                }
                return;
            }
        }
        send(batch, false, resending, missing, now);
    }

    /**
     * One message to one address, of one page or a digest of several, its mark written first unless {@code marked}
     * says {@link #sendAccepted} wrote it; then each page's receipt, or its retry or fallback.
     */
    private void send(List<PendingDelivery> batch, boolean marked, Set<String> resending, Set<String> missing,
                      Instant now) {
        PendingDelivery first = batch.get(0);
        ContactMethodType method = first.getContactMethod();
        Channel channel = channels.get(method);
        String address = first.getAddress();
        Duration interval = minIntervals.get(method);
        List<NotificationRequest> requests = batch.stream().map(PendingDelivery::getRequest).toList();
        List<String> deliveryIds = batch.stream().map(DeliveryProcessor::id).toList();
        String messageId = batch.size() == 1 ? id(first) : id(first) + "+" + (batch.size() - 1);
        try {
            if (channel == null) {
                throw DeliveryFailure.permanent("no " + name(method) + " channel is configured");
            }
            if (!marked) {
                sendLog.started(batch.stream().map(p -> mark(p, now)).toList());
            }
            channel.send(messages.digest(requests, deliveryIds, address));
        } catch (DeliveryFailure failure) {
            failed(batch, failure, now);
            return;
        } catch (RuntimeException bug) {
            // A channel that throws anything else is broken for this message; falling back still reaches the person.
            log.error("{} channel failed unexpectedly on {}", name(method), messageId, bug);
            failed(batch, DeliveryFailure.permanent("internal error in the " + name(method) + " channel: "
                    + bug.getClass().getSimpleName()), now);
            return;
        }
        if (interval != null) {
            lastSent.put(addressKey(method, address), now.toEpochMilli());
        }
        for (PendingDelivery p : batch) {
            delivered.add(id(p), now);
            queue.delete(id(p));
            sent(p, now);
            forward(receipt(p.getRequest(), p.getRequest().getNotificationId(), method, DeliveryOutcome.SENT,
                    sentDetail(p, batch.size(), interval, resending.contains(id(p)), missing.contains(id(p))), now));
        }
        log.info("sent {} to {} by {}{}", messageId, first.getRequest().getUserId(), name(method),
                batch.size() > 1 ? " as a digest of " + batch.size() : "");
    }

    private static DeliveryStarted mark(PendingDelivery p, Instant now) {
        return DeliveryStarted.newBuilder().setDeliveryId(id(p)).setNotificationId(p.getRequest().getNotificationId())
                .setContactMethod(p.getContactMethod()).setAttempt(p.getAttempt()).setStartedAt(now).build();
    }

    /**
     * Counts a delivery that got out; the first of an alert's pages to get out, to anyone by any method, measures its
     * time to page, once: the mark is committed with the receipt, so a replay does not measure it again.
     */
    private void sent(PendingDelivery p, Instant now) {
        metrics.delivery(p.getContactMethod(), NotifyMetrics.Outcome.SENT);
        NotificationRequest request = p.getRequest();
        if (request.getAlertCreatedAt() != null && !delivered.contains(PAGED + request.getAlertKey())) {
            delivered.add(PAGED + request.getAlertKey(), now);
            metrics.firstPage(request, now);
        }
    }

    /** The channel found the page a crash cut short where it writes: delivered then, and not written again. */
    private void foundAfterRestart(PendingDelivery p, Instant now) {
        delivered.add(id(p), now);
        queue.delete(id(p));
        sent(p, now);
        String found = "found in the " + name(p.getContactMethod()) + " after a restart that cut its send short; not "
                + "written again";
        forward(receipt(p.getRequest(), p.getRequest().getNotificationId(), p.getContactMethod(), DeliveryOutcome.SENT,
                p.getHistory() == null ? found : found + "; by " + name(p.getContactMethod()) + " after "
                        + p.getHistory(), now));
        log.info("{} to {} was written before notify stopped: delivered, not written again", id(p),
                p.getRequest().getUserId());
    }

    private void failed(List<PendingDelivery> batch, DeliveryFailure failure, Instant now) {
        for (PendingDelivery p : batch) {
            if (failure.kind() != DeliveryFailure.Kind.PERMANENT && p.getAttempt() < retry.attempts()) {
                Instant due = now.plus(backoff(p.getAttempt(), failure));
                queue.put(id(p), PendingDelivery.newBuilder(p).setAttempt(p.getAttempt() + 1).setHeld(false)
                        .setDueAt(due).build());
                metrics.delivery(p.getContactMethod(), NotifyMetrics.Outcome.RETRIED);
                log.info("{} by {} failed ({}), attempt {} of {} at {}", id(p), name(p.getContactMethod()),
                        failure.getMessage(), p.getAttempt() + 1, retry.attempts(), due);
            } else {
                queue.delete(id(p));
                boolean limited = failure.kind() == DeliveryFailure.Kind.RATE_LIMITED;
                metrics.delivery(p.getContactMethod(), limited ? NotifyMetrics.Outcome.RATE_LIMITED
                        : NotifyMetrics.Outcome.FAILED);
                fallBack(p, limited ? DeliveryOutcome.RATE_LIMITED : DeliveryOutcome.FAILED,
                        name(p.getContactMethod()) + " failed"
                                + (p.getAttempt() > 1 ? " after " + p.getAttempt() + " attempts" : "") + ": "
                                + failure.getMessage(), now);
            }
        }
    }

    /**
     * True when the attempt about to be made was started before, by a process that did not live to commit its
     * outcome: the send log holds a mark for it, while the committed queue still says it is to come. A committed
     * failure of an earlier attempt left a mark with a lower attempt number.
     */
    private boolean startedBefore(PendingDelivery p) {
        ValueAndTimestamp<DeliveryStarted> mark = started.get(id(p));
        return mark != null && mark.value() != null && mark.value().getAttempt() >= p.getAttempt();
    }

    /** Gives up on this method for this page, with the outcome and why, and goes on to the user's next method. */
    private void fallBack(PendingDelivery p, DeliveryOutcome outcome, String failedHere, Instant now) {
        NotificationRequest request = p.getRequest();
        ContactMethodType method = p.getContactMethod();
        String history = p.getHistory() == null ? failedHere : p.getHistory() + "; " + failedHere;
        // Once one method may have reached the person, the page as a whole is not failed, whatever the next ones do.
        boolean unknown = outcome == DeliveryOutcome.UNKNOWN || p.getUnknownBefore();
        Optional<ContactMethod> next = nextMethod(request.getUserId(), method, p.getAddress());
        if (next.isEmpty()) {
            log.warn("{} to {}: no contact method left: {}", request.getNotificationId(), request.getUserId(),
                    history);
            forward(receipt(request, request.getNotificationId(), method, unknown ? DeliveryOutcome.UNKNOWN : outcome,
                    history, now));
            return;
        }
        ContactMethodType nextType = next.get().getType();
        String given = outcome == DeliveryOutcome.UNKNOWN ? "/unknown/" : "/failed/";
        forward(receipt(request, request.getNotificationId() + given + name(method), method, outcome,
                failedHere + "; falling back to " + name(nextType), now));
        String nextId = deliveryId(request, nextType);
        if (delivered.contains(nextId)) {
            forward(receipt(request, request.getNotificationId(), nextType, DeliveryOutcome.SENT,
                    history + "; already reached by " + name(nextType) + " for this page", now));
        } else if (queue.get(nextId) == null) {
            attempt(List.of(pending(request, nextType, next.get().getAddress(), now, history, unknown)), now);
        }
    }

    /** The user's contact method after the failed one, in the order the user listed them. */
    private Optional<ContactMethod> nextMethod(String userId, ContactMethodType failed, String failedAddress) {
        ValueAndTimestamp<UserConfig> user = users.get(userId);
        if (user == null || user.value() == null) {
            return Optional.empty();
        }
        List<ContactMethod> methods = user.value().getContactMethods();
        int at = -1;
        for (int i = 0; i < methods.size(); i++) {
            if (methods.get(i).getType() == failed && methods.get(i).getAddress().equals(failedAddress)) {
                at = i;
                break;
            }
        }
        // Only forward through the list: a chain of failures ends at its end instead of going round.
        return methods.subList(at + 1, methods.size()).stream()
                .filter(m -> m.getType() != failed && m.getType() != ContactMethodType.UNKNOWN).findFirst();
    }

    private Duration backoff(int attempt, DeliveryFailure failure) {
        long base = retry.backoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, retry.maxBackoff().toMillis());
        // Jitter of ±20% so that a provider's outage does not end in a thundering herd of retries.
        long jittered = (long) (capped * (0.8 + 0.4 * random.nextDouble()));
        Duration wait = Duration.ofMillis(Math.max(jittered, 1));
        return failure.retryAfter().filter(after -> after.compareTo(wait) > 0).orElse(wait);
    }

    private String sentDetail(PendingDelivery p, int batchSize, Duration interval, boolean resent, boolean missing) {
        List<String> parts = new ArrayList<>();
        if (resent) {
            parts.add("sent again after a restart that could not tell whether the first send arrived, with the same "
                    + "delivery id for the receiver to deduplicate");
        }
        if (missing) {
            parts.add("not in the " + name(p.getContactMethod()) + " after a restart that cut its send short; "
                    + "written once now");
        }
        if (p.getHistory() != null) {
            parts.add("by " + name(p.getContactMethod()) + " after " + p.getHistory());
        }
        if (p.getAttempt() > 1) {
            parts.add("on attempt " + p.getAttempt());
        }
        if (batchSize > 1) {
            parts.add("in a digest of " + batchSize + " alerts (at most one " + name(p.getContactMethod()) + " per "
                    + interval.toSeconds() + " s to this address)");
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    private void forward(DeliveryReceipt receipt) {
        // In the same transaction as the receipt: a replay of a request that has its receipt is skipped silently.
        delivered.add(RECEIPTED + receipt.getNotificationId(), receipt.getAt());
        context.forward(new Record<>(receipt.getAlertKey(), receipt, receipt.getAt().toEpochMilli()));
    }

    private static PendingDelivery pending(NotificationRequest request, ContactMethodType method, String address,
                                           Instant now, String history, boolean unknownBefore) {
        return PendingDelivery.newBuilder().setRequest(request).setContactMethod(method).setAddress(address)
                .setAttempt(1).setDueAt(now).setHeld(false).setHistory(history).setUnknownBefore(unknownBefore)
                .build();
    }

    private static String id(PendingDelivery p) {
        return deliveryId(p.getRequest(), p.getContactMethod());
    }

    /**
     * The id that is delivered at most once: the page's id and the contact method. For escalate's ids, which end in
     * the request's method, the primary delivery id is the notification id itself; a fallback swaps the method, so a
     * page that escalate also sent to that method directly is still sent there once.
     */
    static String deliveryId(NotificationRequest request, ContactMethodType method) {
        String id = request.getNotificationId();
        String suffix = "/" + name(request.getContactMethod());
        String page = id.endsWith(suffix) ? id.substring(0, id.length() - suffix.length()) : id;
        return page + "/" + name(method);
    }

    private static String addressKey(ContactMethodType method, String address) {
        return name(method) + ":" + address;
    }

    static String name(ContactMethodType method) {
        return method.name().toLowerCase(Locale.ROOT);
    }

    static DeliveryReceipt receipt(NotificationRequest request, String notificationId, ContactMethodType method,
                                   DeliveryOutcome outcome, String detail, Instant at) {
        return DeliveryReceipt.newBuilder().setNotificationId(notificationId).setAlertKey(request.getAlertKey())
                .setUserId(request.getUserId()).setContactMethod(method).setOutcome(outcome)
                .setDetail(RecordLimits.cut(detail, RecordLimits.DETAIL_BYTES))
                .setAt(at).build();
    }
}
