package io.sentinelpager.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.azure.IncidentComment;
import io.sentinelpager.azure.RollupSummary;
import io.sentinelpager.azure.SentinelAlert;
import io.sentinelpager.azure.SentinelIncident;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.IngestSeen;
import io.sentinelpager.schemas.SyncCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Comments on a Sentinel incident, as ingest reads them for each alert of the incident: an analyst's reaches every
 * alert's page once; ours (written for any alert of the incident) and syncback's roll-up summary never come back.
 */
class SentinelCommentTriageTest {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");
    static final String INCIDENT = "73e01a99-5cd7-4139-a149-9f2736ff2ab5";
    static final String FIRST = "baa8a239-6fde-4ab7-a093-d09f7b75c58c";
    static final String SECOND = "5f8d1a2e-0c3b-4d6f-9a7e-2b4c6d8e0f13";

    final SentinelNormalizer normalizer = new SentinelNormalizer("contoso", "tenant-1", AlertBounds.defaults());
    final AlertTriage triage = new AlertTriage("contoso", AlertScope.ALL, new SeenRetention(Duration.ofDays(30)));
    final OurWrites ours = new OurWrites(Set.of("contoso"));
    final Map<String, IngestSeen> remembered = new HashMap<>();

    @Test
    void anAnalystsCommentReachesEachAlertOfTheIncidentOnceWithItsAuthorAndTime() {
        IncidentComment before = comment("c-old", 0, author("Soc Lead", null, null), "Probably the backup job");
        assertThat(read(0, before)).as("comments already there when the alerts are paged").allSatisfy(
                outcome -> assertThat(outcome.comments()).isEmpty());

        IncidentComment analyst = comment("c-new", 30, author(null, "dana@contoso.example", "dana.m@contoso.example"),
                "Isolated the host, check the VPN logs");
        // ARM documents no order for the list: the new comment listed first.
        List<AlertTriage.Outcome> outcomes = read(30, analyst, before);

        assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(AlertTriage.Touched.class));
        List<AlertAction> actions = outcomes.stream().flatMap(o -> o.comments().stream()).toList();
        assertThat(actions).extracting(AlertAction::getAlertKey).containsExactly(key(FIRST), key(SECOND));
        assertThat(actions).allSatisfy(action -> {
            assertThat(action.getType()).isEqualTo(ActionType.SOURCE_COMMENT);
            assertThat(action.getActor()).as("no display name: the sign-in name").isEqualTo("dana@contoso.example");
            assertThat(action.getChannel()).isEqualTo("azure");
            assertThat(action.getComment()).isEqualTo("Isolated the host, check the VPN logs");
            assertThat(action.getOccurredAt()).isEqualTo(T0.plusSeconds(30));
        });
        assertThat(actions).extracting(AlertAction::getActionId).as("one comment, one id, on every alert")
                .containsOnly(actions.get(0).getActionId());

        assertThat(read(60, before, analyst)).as("read again when the incident next changes").allSatisfy(
                outcome -> assertThat(outcome.comments()).isEmpty());
    }

    @Test
    void ourCommentWrittenForAnyAlertOfTheIncidentIsNotImported() {
        read(0);
        // The responder commented on the page of the second alert only; syncback wrote it to the incident.
        ours.add(SyncCommand.newBuilder().setCommandId("note-1").setAlertKey(key(SECOND)).setConnectorId("contoso")
                .setSource(AlertSource.SENTINEL).setAlertId(INCIDENT + ":" + SECOND)
                .setComment("ana (Sentinel Pager): on it").setRequestedAt(T0.plusSeconds(10)).build());

        List<AlertTriage.Outcome> outcomes = read(20, comment("3f1c", 20, author("Sentinel Pager", null, null),
                "ana (Sentinel Pager): on it"));

        assertThat(outcomes).as("neither the first alert nor the second imports it").allSatisfy(
                outcome -> assertThat(outcome.comments()).isEmpty());
    }

    @Test
    void theRollupSummaryIsNotImportedButAnAnalystsCommentBesideItIs() {
        read(0);

        List<AlertTriage.Outcome> outcomes = read(40,
                comment("r-1", 30, author("Sentinel Pager", null, null),
                        RollupSummary.PREFIX + "all 2 alerts resolved by ana@contoso.example"),
                comment("a-1", 40, author("Dana Analyst", null, null), "Agreed, closing"));

        assertThat(outcomes.get(0).comments()).extracting(AlertAction::getComment).containsExactly("Agreed, closing");
    }

    @Test
    void theAuthorIsTheNameThePortalShowsElseTheSignInNameElseTheEmail() {
        assertThat(SentinelFeed.comment(comment("c", 0, author("john doe", "john@contoso.com", "john.doe@contoso.com"),
                "x")).author()).isEqualTo("john doe");
        assertThat(SentinelFeed.comment(comment("c", 0, author(" ", "john@contoso.com", "john.doe@contoso.com"), "x"))
                .author()).isEqualTo("john@contoso.com");
        assertThat(SentinelFeed.comment(comment("c", 0, author(null, null, "john.doe@contoso.com"), "x")).author())
                .isEqualTo("john.doe@contoso.com");
        assertThat(SentinelFeed.comment(comment("c", 0, null, "x")).author()).isNull();
    }

    /** Ingest reads the incident, modified {@code afterSeconds} after T0, and its two alerts with these comments. */
    private List<AlertTriage.Outcome> read(int afterSeconds, IncidentComment... comments) {
        ObjectNode json = SampleAlerts.published("sentinel-incident-get.response.json");
        ((ObjectNode) json.get("properties")).put("status", "New")
                .put("lastModifiedTimeUtc", T0.plusSeconds(afterSeconds).toString())
                .remove(List.of("classification", "classificationReason", "owner"));
        SentinelIncident incident = SentinelIncident.fromJson(json);
        List<SourceComment> listed = List.of(comments).stream().map(SentinelFeed::comment).toList();
        List<AlertTriage.Outcome> outcomes = new ArrayList<>();
        for (String alert : List.of(FIRST, SECOND)) {
            AlertTriage.Outcome outcome = triage.triage(SentinelFeed.item(normalizer, incident, alert(alert), listed),
                    remembered::get, ours, T0.plusSeconds(afterSeconds), false);
            if (outcome.seen() != null) {
                remembered.put(outcome.seen().getAlertKey(), outcome.seen());
            }
            outcomes.add(outcome);
        }
        return outcomes;
    }

    private static SentinelAlert alert(String name) {
        ObjectNode json = ((ObjectNode) SampleAlerts.published("sentinel-incident-alerts.response.json").get("value")
                .get(0)).deepCopy();
        json.put("name", name);
        // Generated shortly before it is read, so that a first read pages it (see SeenRetention).
        ((ObjectNode) json.get("properties")).put("timeGenerated", T0.minusSeconds(60).toString());
        return SentinelAlert.fromJson(json);
    }

    private static String key(String alert) {
        return "contoso:" + INCIDENT + ":" + alert;
    }

    private static IncidentComment comment(String name, int afterSeconds, IncidentComment.Author author,
                                           String message) {
        Instant at = T0.plusSeconds(afterSeconds);
        return new IncidentComment("/subscriptions/…/incidents/" + INCIDENT + "/comments/" + name, name,
                new IncidentComment.Properties(message, at, at, author));
    }

    private static IncidentComment.Author author(String name, String userPrincipalName, String email) {
        return new IncidentComment.Author("2046feea-040d-4a46-9e2b-91c2941bfa70", email, userPrincipalName, name);
    }
}
