package io.sentinelpager.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.schemas.ContactMethod;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.DeliveryOutcome;
import io.sentinelpager.schemas.DeliveryReceipt;
import io.sentinelpager.schemas.DeliveryStarted;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.PendingDelivery;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.Urgency;
import io.sentinelpager.schemas.UserConfig;
import io.sentinelpager.testkit.MutableClock;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery rules, driven through the processor with Kafka's MockProcessorContext and real in-memory stores:
 * the clock is moved by hand and the queue punctuator fired by hand, so minutes of backoff pass in no time.
 * Channels here are scripted stand-ins (each channel's own IT talks to a real server); what is under test is what the
 * processor does with their outcomes.
 */
class DeliveryProcessorTest {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");

    final MutableClock clock = new MutableClock(T0);
    final Map<ContactMethodType, ScriptedChannel> channels = new EnumMap<>(ContactMethodType.class);
    MockProcessorContext<String, DeliveryReceipt> context;
    DeliveryProcessor processor;
    KeyValueStore<String, Long> delivered;
    KeyValueStore<String, PendingDelivery> queue;
    TimestampedKeyValueStore<String, UserConfig> users;

    @BeforeEach
    void setUp() {
        inbox = new InboxChannel(inboxDir);
        for (ContactMethodType type : List.of(ContactMethodType.SMS, ContactMethodType.EMAIL, ContactMethodType.NTFY)) {
            channels.put(type, new ScriptedChannel(type, false));
        }
        channels.put(ContactMethodType.WEBHOOK, new ScriptedChannel(ContactMethodType.WEBHOOK, true));
        start();
    }

    /** A fresh processor over the same stores: what a restart looks like to the stores' contents. */
    void start() {
        context = new MockProcessorContext<>();
        if (delivered == null) {
            delivered = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(NotifyTopology.DELIVERED_STORE),
                    Serdes.String(), Serdes.Long()).withLoggingDisabled().build();
            queue = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(NotifyTopology.QUEUE_STORE),
                    Serdes.String(), avro(PendingDelivery.class)).withLoggingDisabled().build();
            users = Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore(NotifyTopology.USERS_STORE),
                    Serdes.String(), avro(UserConfig.class)).withLoggingDisabled().build();
            lastSent = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(NotifyTopology.LAST_SENT_STORE),
                    Serdes.String(), Serdes.Long()).withLoggingDisabled().build();
            started = Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore(NotifyTopology.SENDS_STORE),
                    Serdes.String(), avro(DeliveryStarted.class)).withLoggingDisabled().build();
            for (var store : List.of(delivered, queue, users, lastSent, started)) {
                store.init(context.getStateStoreContext(), store);
            }
        }
        for (var store : List.of(delivered, queue, users, lastSent, started)) {
            context.addStateStore(store);
        }
        Messages messages = new Messages("https://pager.example", Optional.empty(), Duration.ofHours(1));
        // The inbox is the real channel on a directory of the test's: it is what it finds in its file that counts.
        Map<ContactMethodType, Channel> all = new EnumMap<>(channels);
        all.put(ContactMethodType.INBOX, inbox);
        processor = new DeliveryProcessor(Map.copyOf(all), sendLog, messages,
                new NotifyConfig.Retry(3, Duration.ofSeconds(2), Duration.ofMinutes(1)),
                Map.of(ContactMethodType.SMS, Duration.ofMinutes(1)), clock, new Random(7), new NotifyMetrics(metrics));
        processor.init(context);
    }

    KeyValueStore<String, Long> lastSent;
    /** Survives a restart of the processor, as a process's registry does when a task moves within it. */
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    TimestampedKeyValueStore<String, DeliveryStarted> started;
    @TempDir
    Path inboxDir;
    InboxChannel inbox;
    /** Writes its marks straight into the global store, as the global thread would read them back. */
    final ScriptedSendLog sendLog = new ScriptedSendLog();

    final class ScriptedSendLog implements SendLog {
        final Deque<DeliveryFailure> failures = new ArrayDeque<>();
        /** How many marks each write carried. */
        final List<Integer> writes = new ArrayList<>();

        @Override
        public void started(List<DeliveryStarted> marks) throws DeliveryFailure {
            writes.add(marks.size());
            DeliveryFailure failure = failures.poll();
            if (failure != null) {
                throw failure;
            }
            marks.forEach(m -> started.put(m.getDeliveryId(), ValueAndTimestamp.make(m, clock.millis())));
        }
    }

    /** A mark as a process that was killed after starting this attempt and before committing its outcome left it. */
    void startedByADeadProcess(NotificationRequest request, ContactMethodType method, int attempt) {
        String id = DeliveryProcessor.deliveryId(request, method);
        started.put(id, ValueAndTimestamp.make(DeliveryStarted.newBuilder().setDeliveryId(id)
                .setNotificationId(request.getNotificationId()).setContactMethod(method).setAttempt(attempt)
                .setStartedAt(T0).build(), T0.toEpochMilli()));
    }

    @Test
    void everySendIsMarkedStartedBeforeTheProviderIsCalled() {
        NotificationRequest page = request("c1:a1", ContactMethodType.EMAIL, "lead@contoso.example");
        channels.get(ContactMethodType.EMAIL).onSend = m -> assertThat(started.get(m.id()))
                .as("the mark is durable when the provider is called").isNotNull()
                .satisfies(mark -> assertThat(mark.value().getAttempt()).isEqualTo(1));

        deliver(record(page));

        assertThat(channels.get(ContactMethodType.EMAIL).sent).hasSize(1);
    }

    @Test
    void inboxPagesPolledTogetherShareOneMarkWriteAndGoOutInOrder() throws Exception {
        List<NotificationRequest> pages = List.of(request("c1:a1", ContactMethodType.INBOX, "lead"),
                request("c1:a2", ContactMethodType.INBOX, "lead"), request("c1:a3", ContactMethodType.INBOX, "lead"));
        pages.forEach(page -> processor.process(record(page)));
        assertThat(inbox.inboxOf("lead")).as("nothing goes out before the batch's marks are durable").doesNotExist();

        processor.sendAccepted();

        assertThat(sendLog.writes).as("one write for the three marks").containsExactly(3);
        assertThat(Files.readAllLines(inbox.inboxOf("lead"))).satisfiesExactly(
                first -> assertThat(first).endsWith("(id c1:a1/round-0/step-0/lead/inbox)"),
                second -> assertThat(second).endsWith("(id c1:a2/round-0/step-0/lead/inbox)"),
                third -> assertThat(third).endsWith("(id c1:a3/round-0/step-0/lead/inbox)"));
        assertThat(receipts()).extracting(DeliveryReceipt::getOutcome).containsOnly(DeliveryOutcome.SENT).hasSize(3);
        assertThat(queue.approximateNumEntries()).isZero();
    }

    @Test
    void aPageAcceptedButNotSentWhenNotifyStopsIsSentOnceByTheNextOwner() throws Exception {
        NotificationRequest page = request("c1:a1", ContactMethodType.INBOX, "lead");
        processor.process(record(page)); // committed with the record's offset; the batch never ran
        start();

        fire(DeliveryProcessor.QUEUE_SCAN);
        fire(DeliveryProcessor.QUEUE_SCAN);

        assertThat(Files.readAllLines(inbox.inboxOf("lead"))).singleElement()
                .satisfies(line -> assertThat(line).endsWith("(id c1:a1/round-0/step-0/lead/inbox)"));
        assertThat(receipts()).singleElement().satisfies(r -> assertThat(r.getOutcome()).isEqualTo(DeliveryOutcome.SENT));
    }

    @Test
    void anEmailOrAnSmsIsMarkedOnItsOwnAndSentAtOnce() {
        deliver(record(request("c1:a1", ContactMethodType.EMAIL, "lead@contoso.example")));
        processor.process(record(request("c1:a2", ContactMethodType.SMS, "+15550001")));

        assertThat(channels.get(ContactMethodType.SMS).sent).hasSize(1);
        assertThat(sendLog.writes).containsExactly(1, 1);
    }

    @Test
    void withoutADurableMarkNothingIsSentAndTheAttemptIsRetried() {
        sendLog.failures.add(DeliveryFailure.transientFailure("cannot record the send as started on notify.sends: "
                + "TimeoutException"));
        deliver(record(request("c1:a1", ContactMethodType.EMAIL, "lead@contoso.example")));
        assertThat(channels.get(ContactMethodType.EMAIL).attempts).isZero();

        fire(Duration.ofSeconds(3));

        assertThat(channels.get(ContactMethodType.EMAIL).sent).hasSize(1);
        assertThat(receipts()).singleElement().satisfies(r -> assertThat(r.getDetail()).isEqualTo("on attempt 2"));
    }

    @Test
    void anSmsThatMayHaveGoneOutBeforeACrashIsNotSentAgainButFallsBack() {
        user("lead", method(ContactMethodType.SMS, "+15550001"), method(ContactMethodType.EMAIL, "lead@contoso.example"));
        NotificationRequest page = request("c1:a1", ContactMethodType.SMS, "+15550001");
        startedByADeadProcess(page, ContactMethodType.SMS, 1);

        deliver(record(page));

        assertThat(channels.get(ContactMethodType.SMS).attempts).isZero();
        assertThat(channels.get(ContactMethodType.EMAIL).sent).hasSize(1);
        assertThat(receipts()).satisfiesExactly(
                unknown -> {
                    assertThat(unknown.getNotificationId()).isEqualTo(page.getNotificationId() + "/unknown/sms");
                    assertThat(unknown.getOutcome()).isEqualTo(DeliveryOutcome.UNKNOWN);
                    assertThat(unknown.getDetail()).startsWith("sms outcome unknown: notify stopped after starting")
                            .endsWith("; falling back to email");
                },
                sent -> {
                    assertThat(sent.getNotificationId()).isEqualTo(page.getNotificationId());
                    assertThat(sent.getContactMethod()).isEqualTo(ContactMethodType.EMAIL);
                    assertThat(sent.getOutcome()).isEqualTo(DeliveryOutcome.SENT);
                });
    }

    @Test
    void withNoMethodLeftAnUnknownOutcomeIsReportedAsSuch() {
        NotificationRequest page = request("c1:a1", ContactMethodType.SMS, "+15550001");
        startedByADeadProcess(page, ContactMethodType.SMS, 1);

        deliver(record(page));

        assertThat(channels.get(ContactMethodType.SMS).attempts).isZero();
        assertThat(receipts()).singleElement().satisfies(r -> {
            assertThat(r.getNotificationId()).isEqualTo(page.getNotificationId());
            assertThat(r.getOutcome()).isEqualTo(DeliveryOutcome.UNKNOWN);
        });
    }

    @Test
    void anUnknownOutcomeStaysUnknownWhenItsFallbackFailsSoThatEscalateWaits() {
        // The case with a channel that cannot tell: the SMS may have gone out, and the fallback has no
        // channel (no Teams configured). The person may well have the SMS: the page is UNKNOWN, never FAILED.
        user("lead", method(ContactMethodType.SMS, "+15550001"), method(ContactMethodType.TEAMS, "soc-lead"));
        NotificationRequest page = request("c1:a1", ContactMethodType.SMS, "+15550001");
        startedByADeadProcess(page, ContactMethodType.SMS, 1);

        deliver(record(page));

        assertThat(channels.get(ContactMethodType.SMS).attempts).isZero();
        assertThat(receipts()).satisfiesExactly(
                unknown -> assertThat(unknown.getNotificationId()).isEqualTo(page.getNotificationId() + "/unknown/sms"),
                last -> {
                    assertThat(last.getNotificationId()).isEqualTo(page.getNotificationId());
                    assertThat(last.getOutcome()).isEqualTo(DeliveryOutcome.UNKNOWN);
                    assertThat(last.getDetail()).startsWith("sms outcome unknown")
                            .contains("no teams channel is configured");
                });
    }

    @Test
    void anUnknownOutcomeStaysUnknownThroughAFallbackThatRetriesAndThenFails() {
        user("lead", method(ContactMethodType.SMS, "+15550001"), method(ContactMethodType.EMAIL, "lead@contoso.example"));
        channels.get(ContactMethodType.EMAIL).fail(DeliveryFailure.transientFailure("421 try later"),
                DeliveryFailure.transientFailure("421 try later"), DeliveryFailure.transientFailure("421 try later"));
        NotificationRequest page = request("c1:a1", ContactMethodType.SMS, "+15550001");
        startedByADeadProcess(page, ContactMethodType.SMS, 1);

        deliver(record(page));
        start(); // the queued e-mail retry survives a restart with what it knows
        fire(Duration.ofSeconds(3));
        fire(Duration.ofSeconds(5));

        assertThat(channels.get(ContactMethodType.EMAIL).attempts).isEqualTo(3);
        assertThat(receipts()).last().satisfies(last -> {
            assertThat(last.getNotificationId()).isEqualTo(page.getNotificationId());
            assertThat(last.getOutcome()).isEqualTo(DeliveryOutcome.UNKNOWN);
            assertThat(last.getDetail()).contains("email failed after 3 attempts");
        });
    }

    @Test
    void anInboxLineWrittenBeforeACrashIsFoundAndNotWrittenAgain() throws Exception {
        NotificationRequest page = request("c1:a1", ContactMethodType.INBOX, "lead");
        // What the killed process did: the mark, then the line, then nothing committed.
        startedByADeadProcess(page, ContactMethodType.INBOX, 1);
        inbox.send(new Messages("https://pager.example", Optional.empty(), Duration.ofHours(1))
                .page(page, page.getNotificationId(), "lead"));

        deliver(record(page));

        assertThat(Files.readAllLines(inbox.inboxOf("lead"))).singleElement()
                .satisfies(line -> assertThat(line).endsWith("(id c1:a1/round-0/step-0/lead/inbox)"));
        assertThat(receipts()).singleElement().satisfies(r -> {
            assertThat(r.getNotificationId()).isEqualTo(page.getNotificationId());
            assertThat(r.getOutcome()).isEqualTo(DeliveryOutcome.SENT);
            assertThat(r.getDetail()).startsWith("found in the inbox after a restart");
        });
        start();
        deliver(record(page));
        assertThat(Files.readAllLines(inbox.inboxOf("lead"))).as("a replay after the commit").hasSize(1);
    }

    @Test
    void anInboxLineACrashCameBeforeIsWrittenOnce() throws Exception {
        NotificationRequest page = request("c1:a1", ContactMethodType.INBOX, "lead");
        // Killed after the mark and before the line: another page of lead's is in the file, this one is not.
        startedByADeadProcess(page, ContactMethodType.INBOX, 1);
        NotificationRequest other = request("c1:a10", ContactMethodType.INBOX, "lead");
        deliver(record(other));

        deliver(record(page));

        assertThat(Files.readAllLines(inbox.inboxOf("lead"))).hasSize(2)
                .filteredOn(line -> line.endsWith("(id c1:a1/round-0/step-0/lead/inbox)")).hasSize(1);
        assertThat(receipts()).last().satisfies(r -> {
            assertThat(r.getNotificationId()).isEqualTo(page.getNotificationId());
            assertThat(r.getOutcome()).isEqualTo(DeliveryOutcome.SENT);
            assertThat(r.getDetail()).startsWith("not in the inbox after a restart that cut its send short");
        });
    }

    @Test
    void aWebhookThatMayHaveGoneOutIsSentAgainWithTheSameDeliveryId() {
        NotificationRequest page = request("c1:a1", ContactMethodType.WEBHOOK, "https://hooks.contoso.example/p");
        startedByADeadProcess(page, ContactMethodType.WEBHOOK, 1);

        deliver(record(page));

        assertThat(channels.get(ContactMethodType.WEBHOOK).sent).singleElement()
                .satisfies(m -> assertThat(m.id()).isEqualTo("c1:a1/round-0/step-0/lead/webhook"));
        assertThat(receipts()).singleElement().satisfies(r -> {
            assertThat(r.getOutcome()).isEqualTo(DeliveryOutcome.SENT);
            assertThat(r.getDetail()).startsWith("sent again after a restart");
        });
    }

    @Test
    void aCommittedFailedAttemptIsRetriedButAnAttemptCutShortByACrashIsNot() {
        ScriptedChannel email = channels.get(ContactMethodType.EMAIL);
        email.fail(DeliveryFailure.transientFailure("421 try later"));
        NotificationRequest page = request("c1:a1", ContactMethodType.EMAIL, "lead@contoso.example");
        deliver(record(page));
        assertThat(queue.get(page.getNotificationId()).getAttempt()).isEqualTo(2);

        // The mark of the failed first attempt does not stop the second ...
        fire(Duration.ofSeconds(3));
        assertThat(email.sent).hasSize(1);

        // ... but had the second been started by a process that died before committing, it would not be repeated.
        NotificationRequest other = request("c1:a2", ContactMethodType.EMAIL, "lead@contoso.example");
        email.fail(DeliveryFailure.transientFailure("421 try later"));
        deliver(record(other));
        startedByADeadProcess(other, ContactMethodType.EMAIL, 2);
        fire(Duration.ofSeconds(3));

        assertThat(email.sent).hasSize(1);
        assertThat(receipts()).last().satisfies(r -> {
            assertThat(r.getNotificationId()).isEqualTo(other.getNotificationId());
            assertThat(r.getOutcome()).isEqualTo(DeliveryOutcome.UNKNOWN);
        });
        assertThat(queue.approximateNumEntries()).isZero();
    }

    @Test
    void aNotificationIsSentOnceEvenWhenReplayedAfterARestart() {
        NotificationRequest page = request("c1:a1", ContactMethodType.EMAIL, "lead@contoso.example");

        deliver(record(page));
        assertThat(receipts()).extracting(DeliveryReceipt::getOutcome).containsExactly(DeliveryOutcome.SENT);
        start();
        deliver(record(page));

        assertThat(channels.get(ContactMethodType.EMAIL).sent).hasSize(1);
        assertThat(receipts()).as("the replay is skipped without a second receipt").isEmpty();
        assertThat(delivered.get(page.getNotificationId())).isEqualTo(T0.toEpochMilli());
    }

    @Test
    void aTransientFailureIsRetriedWithBackoffUntilItWorks() {
        ScriptedChannel email = channels.get(ContactMethodType.EMAIL);
        email.fail(DeliveryFailure.transientFailure("503 from the relay"), DeliveryFailure.transientFailure("timeout"));
        deliver(record(request("c1:a1", ContactMethodType.EMAIL, "lead@contoso.example")));
        assertThat(receipts()).isEmpty();

        fire(Duration.ofSeconds(1));
        assertThat(email.attempts).as("backoff of about 2 s has not passed").isEqualTo(1);
        fire(Duration.ofMillis(1500));
        assertThat(email.attempts).isEqualTo(2);
        fire(Duration.ofSeconds(2));
        assertThat(email.attempts).as("the second wait doubles to about 4 s").isEqualTo(2);
        fire(Duration.ofSeconds(3));

        assertThat(email.sent).hasSize(1);
        assertThat(receipts()).singleElement().satisfies(r -> {
            assertThat(r.getOutcome()).isEqualTo(DeliveryOutcome.SENT);
            assertThat(r.getDetail()).isEqualTo("on attempt 3");
        });
        assertThat(queue.approximateNumEntries()).isZero();
    }

    @Test
    void retryAfterFromTheProviderIsHonoured() {
        ScriptedChannel email = channels.get(ContactMethodType.EMAIL);
        email.fail(DeliveryFailure.rateLimited("429 Too Many Requests", Duration.ofSeconds(30)));
        deliver(record(request("c1:a1", ContactMethodType.EMAIL, "lead@contoso.example")));

        fire(Duration.ofSeconds(29));
        assertThat(email.attempts).isEqualTo(1);
        fire(Duration.ofSeconds(1));
        assertThat(email.sent).hasSize(1);
    }

    @Test
    void aPermanentFailureFallsBackToTheUsersNextContactMethod() {
        user("lead", method(ContactMethodType.EMAIL, "lead@contoso.example"), method(ContactMethodType.SMS, "+15550001"));
        channels.get(ContactMethodType.EMAIL).fail(DeliveryFailure.permanent("550 mailbox unavailable"));
        NotificationRequest page = request("c1:a1", ContactMethodType.EMAIL, "lead@contoso.example");

        deliver(record(page));

        assertThat(channels.get(ContactMethodType.SMS).sent).singleElement()
                .satisfies(m -> assertThat(m.address()).isEqualTo("+15550001"));
        assertThat(receipts()).satisfiesExactly(
                failed -> {
                    assertThat(failed.getNotificationId()).isEqualTo(page.getNotificationId() + "/failed/email");
                    assertThat(failed.getOutcome()).isEqualTo(DeliveryOutcome.FAILED);
                    assertThat(failed.getDetail()).isEqualTo("email failed: 550 mailbox unavailable; falling back to sms");
                },
                sent -> {
                    assertThat(sent.getNotificationId()).isEqualTo(page.getNotificationId());
                    assertThat(sent.getContactMethod()).isEqualTo(ContactMethodType.SMS);
                    assertThat(sent.getOutcome()).isEqualTo(DeliveryOutcome.SENT);
                    assertThat(sent.getDetail()).isEqualTo("by sms after email failed: 550 mailbox unavailable");
                });
        assertThat(delivered.get("c1:a1/round-0/step-0/lead/sms")).as("the fallback is recorded per method").isNotNull();
    }

    @Test
    void retriesRunOutBeforeFallingBackAndAFallbackAlreadyDoneIsNotRepeated() {
        user("lead", method(ContactMethodType.NTFY, "lead-topic"), method(ContactMethodType.EMAIL, "lead@contoso.example"));
        channels.get(ContactMethodType.NTFY).fail(DeliveryFailure.transientFailure("502"),
                DeliveryFailure.transientFailure("502"), DeliveryFailure.transientFailure("502"));
        // escalate pages both methods of the step; the e-mail is already out when ntfy gives up.
        deliver(record(request("c1:a1", ContactMethodType.NTFY, "lead-topic")));
        deliver(record(request("c1:a1", ContactMethodType.EMAIL, "lead@contoso.example")));

        fire(Duration.ofSeconds(3));
        fire(Duration.ofSeconds(5));

        assertThat(channels.get(ContactMethodType.NTFY).attempts).isEqualTo(3);
        assertThat(channels.get(ContactMethodType.EMAIL).sent).as("no second e-mail for the same page").hasSize(1);
        assertThat(receipts()).extracting(DeliveryReceipt::getNotificationId, DeliveryReceipt::getOutcome,
                DeliveryReceipt::getContactMethod).containsExactly(
                org.assertj.core.groups.Tuple.tuple("c1:a1/round-0/step-0/lead/email", DeliveryOutcome.SENT,
                        ContactMethodType.EMAIL),
                org.assertj.core.groups.Tuple.tuple("c1:a1/round-0/step-0/lead/ntfy/failed/ntfy",
                        DeliveryOutcome.FAILED, ContactMethodType.NTFY),
                org.assertj.core.groups.Tuple.tuple("c1:a1/round-0/step-0/lead/ntfy", DeliveryOutcome.SENT,
                        ContactMethodType.EMAIL));
    }

    @Test
    void withNoContactMethodLeftTheNotificationIsReportedFailedWithEveryReason() {
        user("lead", method(ContactMethodType.EMAIL, "lead@contoso.example"), method(ContactMethodType.SMS, "+15550001"));
        channels.get(ContactMethodType.EMAIL).fail(DeliveryFailure.permanent("550 mailbox unavailable"));
        channels.get(ContactMethodType.SMS).fail(DeliveryFailure.permanent("400 not a mobile number"));

        deliver(record(request("c1:a1", ContactMethodType.EMAIL, "lead@contoso.example")));

        assertThat(receipts()).last().satisfies(r -> {
            assertThat(r.getNotificationId()).isEqualTo("c1:a1/round-0/step-0/lead/email");
            assertThat(r.getOutcome()).isEqualTo(DeliveryOutcome.FAILED);
            assertThat(r.getDetail()).isEqualTo("email failed: 550 mailbox unavailable; sms failed: 400 not a mobile number");
        });
    }

    @Test
    void aMethodWithoutAChannelFailsOverToOneThatHasIt() {
        user("lead", method(ContactMethodType.TEAMS, "soc"), method(ContactMethodType.EMAIL, "lead@contoso.example"));

        deliver(record(request("c1:a1", ContactMethodType.TEAMS, "soc")));

        assertThat(channels.get(ContactMethodType.EMAIL).sent).hasSize(1);
        assertThat(receipts()).first().satisfies(r ->
                assertThat(r.getDetail()).startsWith("teams failed: no teams channel is configured"));
    }

    @Test
    void aBurstOfSmsToOneNumberBecomesOneMessageNowAndOneDigestAMinuteLater() {
        ScriptedChannel sms = channels.get(ContactMethodType.SMS);
        for (int i = 1; i <= 5; i++) {
            deliver(record(low("c1:a" + i, ContactMethodType.SMS, "+15550001")));
            clock.advance(Duration.ofSeconds(5));
        }
        assertThat(sms.sent).hasSize(1);

        fire(Duration.ofSeconds(30));
        assertThat(sms.sent).as("a minute has not passed since the first").hasSize(1);
        fire(Duration.ofSeconds(5));

        assertThat(sms.sent).hasSize(2);
        Message digest = sms.sent.get(1);
        assertThat(digest.alerts()).isEqualTo(4);
        assertThat(digest.shortText()).startsWith("4 new alerts, worst HIGH:").hasSizeLessThanOrEqualTo(160);
        assertThat(receipts()).hasSize(5).allSatisfy(r -> assertThat(r.getOutcome()).isEqualTo(DeliveryOutcome.SENT));
        assertThat(receipts().get(4).getDetail()).isEqualTo("in a digest of 4 alerts (at most one sms per 60 s to this address)");

        deliver(record(low("c1:a6", ContactMethodType.SMS, "+15550002")));
        assertThat(sms.sent).as("another number has its own limit").hasSize(3);
    }

    @Test
    void heldMessagesSurviveARestart() {
        deliver(record(low("c1:a1", ContactMethodType.SMS, "+15550001")));
        deliver(record(low("c1:a2", ContactMethodType.SMS, "+15550001")));
        start();
        deliver(record(low("c1:a2", ContactMethodType.SMS, "+15550001")));

        fire(Duration.ofMinutes(1));

        assertThat(channels.get(ContactMethodType.SMS).sent).extracting(Message::alertKey)
                .containsExactly("c1:a1", "c1:a2");
    }

    @Test
    void aHighUrgencyPageIsNotHeldByTheRateLimitThatDigestsTheLowOnes() {
        ScriptedChannel sms = channels.get(ContactMethodType.SMS);
        processor.process(record(low("c1:a1", ContactMethodType.SMS, "+15550001")));
        processor.process(record(low("c1:a2", ContactMethodType.SMS, "+15550001")));
        processor.process(record(request("c1:urgent", ContactMethodType.SMS, "+15550001")));

        assertThat(sms.sent).extracting(Message::alertKey).as("the high page at once, the second low one held")
                .containsExactly("c1:a1", "c1:urgent");

        fire(Duration.ofMinutes(1));
        assertThat(sms.sent).extracting(Message::alertKey).containsExactly("c1:a1", "c1:urgent", "c1:a2");
    }

    /** A page as escalate sends it: with the alert's connector and its creation in Azure. */
    static NotificationRequest page(String alertKey, ContactMethodType method, String address, Instant created) {
        return NotificationRequest.newBuilder(request(alertKey, method, address)).setConnectorId("c1")
                .setAlertCreatedAt(created).build();
    }

    Timer timeToPage(String urgency, String connector) {
        return metrics.find(NotifyMetrics.TIME_TO_PAGE).tags("urgency", urgency, "connector", connector).timer();
    }

    double deliveries(String channel, String outcome) {
        Counter counter = metrics.find(NotifyMetrics.DELIVERIES).tags("channel", channel, "outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void theFirstSendOfAnAlertsFirstPageIsItsTimeToPageUnderItsUrgencyAndConnector() {
        clock.advance(Duration.ofSeconds(90));

        deliver(record(page("c1:a1", ContactMethodType.EMAIL, "lead@contoso.example", T0)));

        assertThat(timeToPage("high", "c1")).as("one observation under high/c1").isNotNull().satisfies(t -> {
            assertThat(t.count()).isEqualTo(1);
            assertThat(t.totalTime(java.util.concurrent.TimeUnit.SECONDS)).as("from createdDateTime to the send")
                    .isEqualTo(90.0);
        });
        assertThat(deliveries("email", "sent")).isEqualTo(1);
    }

    @Test
    void laterPagesOfTheSameAlertAndAReplayDoNotMeasureItsTimeToPageAgain() {
        deliver(record(page("c1:a1", ContactMethodType.EMAIL, "lead@contoso.example", T0)));
        clock.advance(Duration.ofMinutes(5));
        // The next step's page, to the same person's other method, then the first page replayed after a restart.
        deliver(record(NotificationRequest.newBuilder(
                page("c1:a1", ContactMethodType.SMS, "+15550001", T0)).setNotificationId(
                        "c1:a1/round-0/step-1/lead/sms").setEscalationStep(1).build()));
        start();
        deliver(record(page("c1:a1", ContactMethodType.EMAIL, "lead@contoso.example", T0)));

        assertThat(timeToPage("high", "c1").count()).isEqualTo(1);
        assertThat(deliveries("email", "sent") + deliveries("sms", "sent")).as("two deliveries, none repeated")
                .isEqualTo(2);
    }

    @Test
    void newsThatIsNotAPageAndARequestFromBeforeTheFieldsWereCarriedMeasureNoTimeToPage() {
        deliver(record(request("c1:a1", ContactMethodType.EMAIL, "lead@contoso.example")));

        assertThat(metrics.find(NotifyMetrics.TIME_TO_PAGE).timers()).isEmpty();
        assertThat(deliveries("email", "sent")).isEqualTo(1);
    }

    @Test
    void aFailedDeliveryCountsUnderItsChannelAsFailedAndItsFallbackAsSent() {
        user("lead", method(ContactMethodType.EMAIL, "lead@contoso.example"), method(ContactMethodType.SMS, "+15550001"));
        channels.get(ContactMethodType.EMAIL).fail(DeliveryFailure.permanent("550 mailbox unavailable"));

        deliver(record(page("c1:a1", ContactMethodType.EMAIL, "lead@contoso.example", T0)));

        assertThat(deliveries("email", "failed")).isEqualTo(1);
        assertThat(deliveries("sms", "sent")).isEqualTo(1);
        assertThat(deliveries("email", "sent")).isZero();
    }

    @Test
    void aRetriedDeliveryCountsEachRetryAndThenItsOutcome() {
        channels.get(ContactMethodType.NTFY).fail(DeliveryFailure.transientFailure("502"),
                DeliveryFailure.rateLimited("429 Too Many Requests", Duration.ofSeconds(1)),
                DeliveryFailure.transientFailure("502"));

        deliver(record(request("c1:a1", ContactMethodType.NTFY, "lead-topic")));
        fire(Duration.ofSeconds(3));
        fire(Duration.ofSeconds(5));

        assertThat(deliveries("ntfy", "retried")).isEqualTo(2);
        assertThat(deliveries("ntfy", "failed")).as("out of retries, no method left").isEqualTo(1);
    }

    @Test
    void aSendACrashMayHaveLetOutCountsAsUnknown() {
        NotificationRequest page = request("c1:a1", ContactMethodType.SMS, "+15550001");
        startedByADeadProcess(page, ContactMethodType.SMS, 1);

        deliver(record(page));

        assertThat(deliveries("sms", "unknown")).isEqualTo(1);
    }

    /** One record as the stream thread handles it: processed, then the punctuation that sends what it accepted. */
    void deliver(Record<String, NotificationRequest> record) {
        processor.process(record);
        processor.sendAccepted();
    }

    void fire(Duration advance) {
        clock.advance(advance);
        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(clock.millis()));
    }

    List<DeliveryReceipt> receipts() {
        return context.forwarded().stream().map(f -> (DeliveryReceipt) f.record().value()).toList();
    }

    void user(String id, ContactMethod... methods) {
        users.put(id, ValueAndTimestamp.make(UserConfig.newBuilder().setId(id).setName(id)
                .setContactMethods(List.of(methods)).build(), 0));
    }

    static ContactMethod method(ContactMethodType type, String address) {
        return ContactMethod.newBuilder().setType(type).setAddress(address).build();
    }

    static NotificationRequest request(String alertKey, ContactMethodType method, String address) {
        return NotificationRequest.newBuilder()
                .setNotificationId(alertKey + "/round-0/step-0/lead/" + method.name().toLowerCase())
                .setAlertKey(alertKey).setUserId("lead").setContactMethod(method).setAddress(address)
                .setSeverity(Severity.HIGH).setUrgency(Urgency.HIGH).setTitle("Suspicious sign-in " + alertKey)
                .setBody("unused").setRequestedAt(T0).build();
    }

    /** The same page at low urgency, which a rate limit may hold. */
    static NotificationRequest low(String alertKey, ContactMethodType method, String address) {
        return NotificationRequest.newBuilder(request(alertKey, method, address)).setUrgency(Urgency.LOW).build();
    }

    static Record<String, NotificationRequest> record(NotificationRequest request) {
        return new Record<>(request.getUserId(), request, T0.toEpochMilli());
    }

    /** Avro single-object encoding: a store serde that needs no registry. */
    static <T extends org.apache.avro.specific.SpecificRecordBase> Serde<T> avro(Class<T> type) {
        return Serdes.serdeFrom((topic, value) -> {
            try {
                ByteBuffer buffer = (ByteBuffer) type.getMethod("toByteBuffer").invoke(value);
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return bytes;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }, (topic, bytes) -> {
            try {
                return type.cast(type.getMethod("fromByteBuffer", ByteBuffer.class).invoke(null, ByteBuffer.wrap(bytes)));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Fails as told, then succeeds; records what it sent. */
    static final class ScriptedChannel implements Channel {
        final ContactMethodType type;
        final Deque<DeliveryFailure> failures = new ArrayDeque<>();
        final List<Message> sent = new ArrayList<>();
        final boolean idempotent;
        java.util.function.Consumer<Message> onSend = m -> { };
        int attempts;

        ScriptedChannel(ContactMethodType type, boolean idempotent) {
            this.type = type;
            this.idempotent = idempotent;
        }

        @Override
        public boolean idempotent() {
            return idempotent;
        }

        void fail(DeliveryFailure... next) {
            failures.addAll(List.of(next));
        }

        @Override
        public ContactMethodType type() {
            return type;
        }

        @Override
        public void send(Message message) throws DeliveryFailure {
            attempts++;
            onSend.accept(message);
            DeliveryFailure failure = failures.poll();
            if (failure != null) {
                throw failure;
            }
            sent.add(message);
        }
    }
}
