package io.sentinelpager.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.IngestSeen;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.SourceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which of a Sentinel incident's comments are new to an alert, whatever order ARM lists them in. */
class IncidentCommentsTest {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");

    @Test
    void commentsTheIncidentHasWhenTheAlertIsFirstReadAreHandledNotNew() {
        IncidentComments.Read first = IncidentComments.read(null, List.of(comment("c1", 0), comment("c2", 5)),
                T0.plusSeconds(5));

        assertThat(first.fresh()).isEmpty();
        assertThat(first.handledBefore()).isEqualTo(T0.plusSeconds(5).minus(IncidentComments.LATE));
        assertThat(first.handled()).containsExactly("c2", "c1");
        // And an incident without comments: every comment from now on is new.
        IncidentComments.Read none = IncidentComments.read(null, List.of(), T0);
        assertThat(none.fresh()).isEmpty();
        assertThat(none.handledBefore()).isNotNull();
        assertThat(IncidentComments.read(seen(none), List.of(comment("c1", 1)), T0.plusSeconds(1)).fresh())
                .extracting(SourceComment::id).containsExactly("c1");
    }

    @Test
    void aRecordFromBeforeIngestReadSentinelCommentsImportsNoneOfTheOldOnes() {
        IngestSeen upgraded = IngestSeen.newBuilder().setAlertKey("contoso:i1:a1").setConnectorId("contoso")
                .setLastUpdatedAt(T0).setStatus(SourceStatus.NEW).setCommentsRead(0).setSeenAt(T0).build();

        IncidentComments.Read read = IncidentComments.read(upgraded, List.of(comment("old", -60)), T0.plusSeconds(1));

        assertThat(read.fresh()).isEmpty();
        assertThat(IncidentComments.read(seen(read), List.of(comment("old", -60), comment("new", 2)),
                T0.plusSeconds(2)).fresh()).extracting(SourceComment::id).containsExactly("new");
    }

    @Test
    void theNewCommentsAreTheSameWhateverOrderTheListComesIn() {
        List<SourceComment> before = IntStream.range(0, 8).mapToObj(i -> comment("c" + i, i * 10)).toList();
        IngestSeen seen = seen(IncidentComments.read(null, before, T0.plusSeconds(70)));
        List<SourceComment> after = new ArrayList<>(before);
        after.add(comment("n1", 75));
        after.add(comment("n2", 80));
        // One that Sentinel stamped earlier than comments already read, but that shows only now.
        after.add(comment("late", 65));

        Random random = new Random(7);
        for (int round = 0; round < 20; round++) {
            Collections.shuffle(after, random);
            IncidentComments.Read read = IncidentComments.read(seen, after, T0.plusSeconds(80));
            assertThat(read.fresh()).as("oldest first, in any listing order").extracting(SourceComment::id)
                    .containsExactly("late", "n1", "n2");
            assertThat(IncidentComments.read(seen(read), after, T0.plusSeconds(90)).fresh())
                    .as("and read again, none of them").isEmpty();
        }
    }

    @Test
    void aCommentReadOnceIsNotNewAgainWhenTheIncidentChangesLongAfter() {
        IngestSeen seen = seen(IncidentComments.read(null, List.of(), T0));
        IncidentComments.Read read = IncidentComments.read(seen, List.of(comment("c1", 10)), T0.plusSeconds(10));
        assertThat(read.fresh()).hasSize(1);

        // A day on, the incident is closed: the comment is far behind the time, and no name needs keeping.
        Instant dayLater = T0.plus(Duration.ofDays(1));
        IncidentComments.Read later = IncidentComments.read(seen(read), List.of(comment("c1", 10)), dayLater);
        assertThat(later.fresh()).isEmpty();
        assertThat(later.handled()).isEmpty();
        assertThat(later.handledBefore()).isEqualTo(dayLater.minus(IncidentComments.LATE));
        assertThat(IncidentComments.read(seen(later), List.of(comment("c1", 10)), dayLater.plusSeconds(1)).fresh())
                .isEmpty();
    }

    @Test
    void theTimeNeverMovesBackSoADeletedCommentDoesNotReviveOlderOnes() {
        IngestSeen seen = seen(IncidentComments.read(null, List.of(comment("c1", 3600)), T0.plusSeconds(3600)));
        // The newest comment is deleted, and the incident's version read is older than what was read before.
        IncidentComments.Read read = IncidentComments.read(seen, List.of(), T0);
        assertThat(read.handledBefore()).isEqualTo(seen.getCommentsHandledBefore());
    }

    @Test
    void manyCommentsAtOnceKeepTheRecordBoundedAndNoneIsImportedTwice() {
        IngestSeen seen = seen(IncidentComments.read(null, List.of(), T0));
        // An automation adds 120 comments within a minute.
        List<SourceComment> burst = IntStream.range(0, 120).mapToObj(i -> comment(
                "f4a1b2c3-0000-4000-8000-" + String.format("%012d", i), 1 + i / 2)).toList();

        IncidentComments.Read read = IncidentComments.read(seen, burst, T0.plusSeconds(60));

        assertThat(read.fresh()).hasSize(120);
        assertThat(read.handled()).hasSizeLessThanOrEqualTo(RecordLimits.SEEN_COMMENT_NAMES);
        assertThat(RecordLimits.wireSize(seen(read))).as("bytes of the record").isLessThan(4_096);
        assertThat(IncidentComments.read(seen(read), burst, T0.plusSeconds(61)).fresh()).isEmpty();
    }

    @Test
    void aCommentWithoutNameOrTimeIsStillReadOnce() {
        IngestSeen seen = seen(IncidentComments.read(null, List.of(), T0));
        SourceComment noName = new SourceComment(null, "Dana", T0.plusSeconds(5), "Check the VPN logs");
        SourceComment noTime = new SourceComment("c-no-time", "Dana", null, "And the proxy");
        SourceComment longName = new SourceComment("x".repeat(1_000), "Dana", T0.plusSeconds(6), "Long");

        IncidentComments.Read read = IncidentComments.read(seen, List.of(noTime, noName, longName),
                T0.plusSeconds(6));

        assertThat(read.fresh()).containsExactly(noName, longName, noTime);
        assertThat(read.handled()).allSatisfy(name -> assertThat(RecordLimits.fits(name, RecordLimits.ID_BYTES))
                .isTrue());
        assertThat(IncidentComments.read(seen(read), List.of(longName, noTime, noName), T0.plus(Duration.ofHours(1)))
                .fresh()).isEmpty();
    }

    private static SourceComment comment(String name, int afterSeconds) {
        return new SourceComment(name, "Dana Analyst", T0.plusSeconds(afterSeconds), "comment " + name);
    }

    /** The record ingest writes after a read. */
    private static IngestSeen seen(IncidentComments.Read read) {
        return IngestSeen.newBuilder().setAlertKey("contoso:i1:a1").setConnectorId("contoso").setLastUpdatedAt(T0)
                .setStatus(SourceStatus.NEW).setCommentsHandledBefore(read.handledBefore())
                .setCommentsHandled(read.handled()).setSeenAt(T0).build();
    }
}
