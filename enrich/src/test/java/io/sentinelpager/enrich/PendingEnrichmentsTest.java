package io.sentinelpager.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.EnrichmentStatus;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The deadline with the default settings (5 s), driven by a clock instead of waiting. */
class PendingEnrichmentsTest {

    static final TopicPartition P0 = new TopicPartition("alerts.raw", 0);

    final MutableClock clock = new MutableClock(Instant.parse("2026-05-05T09:15:02Z"));
    /** The enrichment started for each alert, completed by the test when it chooses. */
    final Map<Long, CompletableFuture<Enrichment>> started = new HashMap<>();
    long offset;
    final PendingEnrichments pending = new PendingEnrichments(EnrichConfig.defaults(), clock, alert -> {
        if (alert.getConnectorId().equals("defender-only")) {
            return Optional.empty();
        }
        CompletableFuture<Enrichment> f = new CompletableFuture<>();
        started.put(offset, f);
        return Optional.of(f);
    });

    final Enrichment rows = new Enrichment(EnrichmentStatus.COMPLETE, null, List.of(), "Brute force", "rule-1",
            Instant.parse("2026-11-28T04:00:00Z"), Instant.parse("2026-11-28T09:00:00Z"), "https://portal.azure.com/x", null);

    @Test
    void anAlertWithoutAQueryGoesOutAtOnceWithItsEvidence() {
        accept(Fixtures.defenderAlert("contoso"));

        List<PendingEnrichments.Output> out = pending.due();

        assertThat(out).hasSize(1);
        EnrichedAlert record = out.get(0).value();
        assertThat(record.getStatus()).isEqualTo(EnrichmentStatus.NOT_APPLICABLE);
        assertThat(record.getSummary()).isEqualTo("host tempDns; user SYSTEM; file MsSense.exe; process MsSense.exe");
        assertThat(record.getRevision()).isZero();
        assertThat(out.get(0).finished()).isTrue();
        assertThat(started).isEmpty();
    }

    @Test
    void anEnrichmentDoneBeforeTheDeadlineGoesOutOnceComplete() {
        accept(sentinel());
        clock.advance(Duration.ofSeconds(2));
        assertThat(pending.due()).isEmpty();

        started.get(0L).complete(rows);
        List<PendingEnrichments.Output> out = pending.due();

        assertThat(out).hasSize(1);
        assertThat(out.get(0).value().getStatus()).isEqualTo(EnrichmentStatus.COMPLETE);
        assertThat(out.get(0).value().getRuleName()).isEqualTo("Brute force");
        assertThat(out.get(0).value().getRevision()).isZero();
        assertThat(out.get(0).finished()).isTrue();
        assertThat(pending.size()).isZero();
    }

    @Test
    void atTheDeadlineThePageGoesOnTimedOutAndTheEnrichmentFollowsAsAnUpdate() {
        accept(sentinel());
        clock.advance(Duration.ofMillis(4999));
        assertThat(pending.due()).as("held until the deadline").isEmpty();
        assertThat(pending.nextDue()).contains(clock.instant().plusMillis(1));

        clock.advance(Duration.ofMillis(1));
        List<PendingEnrichments.Output> atDeadline = pending.due();
        assertThat(atDeadline).hasSize(1);
        EnrichedAlert page = atDeadline.get(0).value();
        assertThat(page.getStatus()).isEqualTo(EnrichmentStatus.TIMED_OUT);
        assertThat(page.getRevision()).isZero();
        assertThat(page.getDetail()).isEqualTo("Log Analytics did not answer within PT5S; the rule's rows follow as an"
                + " update");
        assertThat(page.getAlert().getAlertKey()).isEqualTo("contoso:da637878227677560813_-334257894");
        assertThat(atDeadline.get(0).finished()).as("the offset waits for the update").isFalse();
        assertThat(pending.due()).as("timed out once").isEmpty();

        clock.advance(Duration.ofSeconds(30));
        started.get(0L).complete(rows);
        List<PendingEnrichments.Output> later = pending.due();
        assertThat(later).hasSize(1);
        EnrichedAlert update = later.get(0).value();
        assertThat(later.get(0).key()).isEqualTo(atDeadline.get(0).key());
        assertThat(update.getStatus()).isEqualTo(EnrichmentStatus.COMPLETE);
        assertThat(update.getRevision()).isEqualTo(1);
        assertThat(update.getRuleId()).isEqualTo("rule-1");
        assertThat(later.get(0).finished()).isTrue();
    }

    @Test
    void anEnrichmentThatNeverEndsIsGivenUpAsAFailedUpdate() {
        accept(sentinel());
        clock.advance(Duration.ofSeconds(5));
        assertThat(pending.due()).hasSize(1);

        clock.advance(Duration.ofMinutes(3).minusSeconds(5).minusMillis(1));
        assertThat(pending.due()).isEmpty();
        clock.advance(Duration.ofMillis(1));
        List<PendingEnrichments.Output> out = pending.due();

        assertThat(out).hasSize(1);
        assertThat(out.get(0).value().getStatus()).isEqualTo(EnrichmentStatus.FAILED);
        assertThat(out.get(0).value().getRevision()).isEqualTo(1);
        assertThat(out.get(0).value().getDetail()).isEqualTo("enrichment did not finish within PT3M; given up");
        assertThat(out.get(0).finished()).isTrue();
        assertThat(started.get(0L)).isCancelled();
    }

    @Test
    void aConnectorWithoutAWorkspaceSaysWhyItsSentinelAlertIsNotEnriched() {
        accept(SecurityAlert.newBuilder(sentinel()).setConnectorId("defender-only").build());

        EnrichedAlert record = pending.due().get(0).value();

        assertThat(record.getStatus()).isEqualTo(EnrichmentStatus.NOT_APPLICABLE);
        assertThat(record.getDetail()).startsWith("connector defender-only has no Log Analytics workspace configured"
                + " (connectors.defender-only.workspace.id");
    }

    @Test
    void aNewerRecordOfAnAlertNeverGoesOutBeforeTheOlderOne() {
        accept(sentinel());
        clock.advance(Duration.ofSeconds(1));
        accept(sentinel());
        started.get(1L).complete(rows);

        assertThat(pending.due()).as("the second waits for the first").isEmpty();
        clock.advance(Duration.ofSeconds(4));
        List<PendingEnrichments.Output> out = pending.due();

        assertThat(out).extracting(o -> o.value().getStatus(), PendingEnrichments.Output::offset)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(EnrichmentStatus.TIMED_OUT, 0L),
                        org.assertj.core.groups.Tuple.tuple(EnrichmentStatus.COMPLETE, 1L));
    }

    @Test
    void theUpdateOfAnOlderRecordIsDroppedOnceANewerOneOfTheAlertArrived() {
        accept(sentinel());
        clock.advance(Duration.ofSeconds(5));
        assertThat(pending.due()).hasSize(1);
        accept(sentinel());
        started.get(1L).complete(rows);
        assertThat(pending.due()).extracting(o -> o.value().getRevision()).containsExactly(0);

        started.get(0L).complete(rows);
        List<PendingEnrichments.Output> out = pending.due();

        assertThat(out).hasSize(1);
        assertThat(out.get(0).value()).as("nothing published").isNull();
        assertThat(out.get(0).finished()).isTrue();
        assertThat(out.get(0).offset()).isZero();
    }

    @Test
    void forgottenPartitionsLeaveNothingBehind() {
        accept(sentinel());
        pending.forget(List.of(P0));

        assertThat(pending.size()).isZero();
        assertThat(pending.due()).isEmpty();
    }

    private SecurityAlert sentinel() {
        return Fixtures.sentinelAlert("contoso", Fixtures.SYSTEM_ALERT_ID);
    }

    private void accept(SecurityAlert alert) {
        pending.accept(P0, offset, alert.getAlertKey(), alert);
        offset++;
    }
}
