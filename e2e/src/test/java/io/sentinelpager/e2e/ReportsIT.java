package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.app.ApplyCommand;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.reports.ReportsApp;
import io.sentinelpager.responder.ResponderApp;
import io.sentinelpager.responder.ResponderService;
import io.sentinelpager.responder.auth.Accounts;
import io.sentinelpager.responder.auth.Passwords;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.TimelineEvent;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.Alerts;
import io.sentinelpager.testkit.LocalClusterExtension;
import io.sentinelpager.testkit.MutableClock;
import io.sentinelpager.testkit.Pages;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The response reports end to end on a real broker and registry: pages written to alert.state as escalate writes
 * them (each state of a page's life, and some again), with acknowledgements and closes at known times of the
 * injected clock; the reports service computes the figures, and the responder serves them to each user for their
 * teams only, as JSON and CSV. The figures survive a restart of the reports service.
 */
@ExtendWith(LocalClusterExtension.class)
class ReportsIT {

    /** A Monday, so the week's bucket and the day's start on the same date. */
    static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");
    static final String WEEK = "period=week&from=2026-12-07&to=2026-12-07";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Map<String, String> TOKENS = Map.of("red-ana", "spt_" + UUID.randomUUID(),
            "blue-bo", "spt_" + UUID.randomUUID(), "boss", "spt_" + UUID.randomUUID());
    /** Keys of this test's pages only: other tests on the shared cluster write alert.state too. */
    static final String RUN = "reports-it-" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    static Path work;
    static MutableClock clock;
    static PagerConfig settings;
    static KafkaProducer<String, AlertLifecycle> producer;
    static Service reports;
    static ResponderService responder;

    @BeforeAll
    static void start(LocalCluster cluster) throws Exception {
        clock = new MutableClock(T0.plus(Duration.ofHours(10)));
        settings = PagerConfig.empty().with(cluster.settings()).with(Map.of(
                "state.dir", work.resolve("state").toString(),
                "health.port", "0",
                "responder.port", "0",
                "responder.accounts.file", accounts().toString(),
                "responder.session.key", "session-" + UUID.randomUUID()));
        ServiceContext context = context(settings);
        Path config = Files.createDirectories(work.resolve("config"));
        Files.writeString(config.resolve("reports-people.yaml"), """
                users:
                  - {id: red-ana, name: Ana Red, timeZone: Europe/Berlin}
                  - {id: red-ben, name: Ben Red, timeZone: America/New_York}
                  - {id: blue-bo, name: Bo Blue, timeZone: UTC}
                  - {id: boss, name: Boss, timeZone: UTC}
                teams:
                  - {id: reports-red, name: Red, members: [red-ana, red-ben]}
                  - {id: reports-blue, name: Blue, members: [blue-bo]}
                """);
        assertThat(ApplyCommand.apply(context, config, false, new PrintStream(OutputStream.nullOutputStream()),
                System.err)).as("the test's people and teams apply").isTrue();
        producer = new KafkaProducer<>(context.producerConfig(), context.serdes().key().serializer(),
                context.serdes().value(AlertLifecycle.class).serializer());
        reports = ReportsApp.create(context(settings.with("state.dir", work.resolve("reports").toString())));
        reports.start();
        responder = (ResponderService) ResponderApp.create(context);
        responder.start();
        await("responder up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> get("/api/me", "red-ana").body().contains("Ana Red"));
    }

    @AfterAll
    static void stop() {
        if (responder != null) {
            responder.close();
        }
        if (reports != null) {
            reports.close();
        }
        if (producer != null) {
            producer.close();
        }
    }

    @Test
    void exactFiguresForTheTeamSurviveARestartAndNoOtherTeamSeesThem() throws Exception {
        // Red: four pages acknowledged after 1, 2, 7 and 4 minutes, closed after 10, 20, 60 and 40; the third
        // reached step 2, where Ben acknowledged it. Blue: one page.
        publish(page("r1", "reports-red", "det-quiet", "Quiet rule").paged(T0, "red-ana", 0)
                .acknowledged(T0.plusSeconds(60), "red-ana").closed(T0.plusSeconds(600), "red-ana", "truePositive"));
        publish(page("r2", "reports-red", "det-noisy", "=Noisy rule").paged(T0, "red-ana", 0)
                .acknowledged(T0.plusSeconds(120), "red-ana").closed(T0.plusSeconds(1_200), "red-ana", "falsePositive"));
        publish(page("r3", "reports-red", "det-noisy", "=Noisy rule").paged(T0, "red-ana", 0)
                .paged(T0.plusSeconds(300), "red-ben", 1).acknowledged(T0.plusSeconds(420), "red-ben")
                .closed(T0.plusSeconds(3_600), "red-ben", "informationalExpectedActivity"));
        publish(page("r4", "reports-red", "det-noisy", "=Noisy rule").paged(T0, "red-ana", 0)
                .acknowledged(T0.plusSeconds(240), "red-ana").closed(T0.plusSeconds(2_400), "red-ana", "falsePositive"));
        publish(page("b1", "reports-blue", "det-blue", "Blue rule").paged(T0, "blue-bo", 0)
                .acknowledged(T0.plusSeconds(30), "blue-bo").closed(T0.plusSeconds(90), "blue-bo", "falsePositive"));

        JsonNode red = awaitTeamRow("red-ana", "reports-red", 4);
        assertThat(red.path("acknowledged").asLong()).isEqualTo(4);
        assertThat(red.path("closed").asLong()).isEqualTo(4);
        // Nearest rank of 60, 120, 240, 420 s and of 600, 1200, 2400, 3600 s.
        assertThat(red.path("mttaP50Seconds").asDouble()).isEqualTo(120.0);
        assertThat(red.path("mttaP90Seconds").asDouble()).isEqualTo(420.0);
        assertThat(red.path("mttrP50Seconds").asDouble()).isEqualTo(1_200.0);
        assertThat(red.path("mttrP90Seconds").asDouble()).isEqualTo(3_600.0);
        assertThat(red.path("escalated").asLong()).isEqualTo(1);
        assertThat(red.path("escalationRate").asDouble()).isEqualTo(0.25);

        JsonNode ben = rows("/api/reports/response?dimension=person&" + WEEK, "red-ana").stream()
                .filter(r -> r.path("value").asText().equals("red-ben")).findFirst().orElseThrow();
        assertThat(ben.path("pages").asLong()).isEqualTo(1);
        assertThat(ben.path("mttaP50Seconds").asDouble()).isEqualTo(420.0);

        // Rule noise, worst first: every page of the noisy rule was closed as false positive or benign.
        List<JsonNode> noise = rows("/api/reports/rule-noise?" + WEEK, "red-ana");
        assertThat(noise).extracting(r -> r.path("detection").asText() + " " + r.path("pages").asLong() + " "
                        + r.path("noise").asLong() + " " + r.path("noiseShare").asDouble() + " "
                        + r.path("medianSecondsToClose").asDouble())
                .containsExactly("detector:det-noisy 3 3 1.0 2400.0", "detector:det-quiet 1 0 0.0 600.0");
        HttpResponse<String> csv = get("/api/reports/rule-noise.csv?" + WEEK, "red-ana");
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(csv.body().split("\r\n")).containsExactly(
                "team,period,start,detection,label,pages,closed,noise,noiseShare,medianSecondsToClose",
                // An alert title that a spreadsheet would take for a formula stays text.
                "reports-red,week,2026-12-07,detector:det-noisy,'=Noisy rule,3,3,3,1.0,2400.0",
                "reports-red,week,2026-12-07,detector:det-quiet,Quiet rule,1,1,0,0.0,600.0");

        // Another team's user sees none of red's figures, only blue's; an admin sees both.
        assertThat(rows("/api/reports/response?" + WEEK, "blue-bo")).extracting(r -> r.path("team").asText())
                .containsOnly("reports-blue");
        assertThat(rows("/api/reports/rule-noise?" + WEEK, "blue-bo")).extracting(r -> r.path("team").asText())
                .containsOnly("reports-blue");
        assertThat(get("/api/reports/response.csv?" + WEEK, "blue-bo").body()).doesNotContain("reports-red");
        assertThat(rows("/api/reports/response?" + WEEK, "boss")).extracting(r -> r.path("team").asText())
                .contains("reports-red", "reports-blue");

        // The reports service restarts; a page closed meanwhile adds to the figures it had.
        reports.close();
        publish(page("r5", "reports-red", "det-quiet", "Quiet rule").paged(T0, "red-ana", 0)
                .acknowledged(T0.plusSeconds(30), "red-ana").closed(T0.plusSeconds(60), "red-ana", "truePositive"));
        reports = ReportsApp.create(context(settings.with("state.dir", work.resolve("reports").toString())));
        reports.start();
        JsonNode after = awaitTeamRow("red-ana", "reports-red", 5);
        assertThat(after.path("closed").asLong()).isEqualTo(5);
        // 30, 60, 120, 240, 420 s: the third and the fifth.
        assertThat(after.path("mttaP50Seconds").asDouble()).isEqualTo(120.0);
        assertThat(after.path("mttaP90Seconds").asDouble()).isEqualTo(420.0);
        assertThat(after.path("escalationRate").asDouble()).isEqualTo(0.2);

        assertThat(get("/api/reports/response?period=month", "red-ana").statusCode()).isEqualTo(400);
    }

    /** A page of this test on the team, raised by this detection at T0. */
    private static Pages page(String id, String team, String detector, String title) {
        RoutedAlert alert = Alerts.routed(Alerts.alert(RUN + ":" + id, T0).setDetectorId(detector).setTitle(title)
                .build(), team, "default").build();
        return Pages.triggered(alert, T0);
    }

    /** The page's closed state, and before it the states of its life up to there, as escalate wrote them. */
    private static void publish(Pages page) throws Exception {
        AlertLifecycle closed = page.state();
        List<AlertLifecycle> states = new ArrayList<>();
        LifecycleStatus status = LifecycleStatus.TRIGGERED;
        int step = -1;
        for (TimelineEvent event : closed.getTimeline()) {
            switch (event.getType()) {
                case "paged" -> step++;
                case "acknowledged" -> status = LifecycleStatus.ACKNOWLEDGED;
                case "closed" -> status = LifecycleStatus.CLOSED;
                default -> {
                }
            }
            List<TimelineEvent> sofar = closed.getTimeline().subList(0, closed.getTimeline().indexOf(event) + 1);
            states.add(AlertLifecycle.newBuilder(closed).setTimeline(sofar).setStatus(status)
                    .setEscalationStep(Math.max(step, 0)).setUpdatedAt(event.getAt())
                    .setClassification(status == LifecycleStatus.CLOSED ? closed.getClassification() : null).build());
        }
        states.add(closed); // escalate writes a state again, e.g. after a crash before its commit
        for (AlertLifecycle state : states) {
            producer.send(new ProducerRecord<>(Topics.ALERT_STATE.name(), null, state.getUpdatedAt().toEpochMilli(),
                    closed.getAlertKey(), state)).get();
        }
    }

    private static JsonNode awaitTeamRow(String user, String team, long pages) {
        return await(team + " with " + pages + " pages").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> rows("/api/reports/response?dimension=team&" + WEEK, user).stream()
                        .filter(r -> r.path("team").asText().equals(team)).findFirst().orElse(null),
                        row -> row != null && row.path("pages").asLong() == pages
                                && row.path("closed").asLong() == pages);
    }

    private static List<JsonNode> rows(String path, String user) throws Exception {
        HttpResponse<String> response = get(path, user);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(response.body()).forEach(out::add);
        return out;
    }

    private static HttpResponse<String> get(String path, String user) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + responder.port() + path))
                .header("Authorization", "Bearer " + TOKENS.get(user)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static ServiceContext context(PagerConfig config) {
        return ServiceContext.of(config, new SimpleMeterRegistry(), clock);
    }

    private static Path accounts() throws Exception {
        StringBuilder yaml = new StringBuilder("accounts:\n  - {user: boss, password: \""
                + Passwords.hash(UUID.randomUUID().toString().toCharArray()) + "\", admin: true}\ntokens:\n");
        TOKENS.forEach((user, token) -> yaml.append("  - {name: ").append(user).append("-token, user: ").append(user)
                .append(", sha256: \"").append(Accounts.digest(token)).append("\"}\n"));
        return Files.writeString(Files.createDirectories(work).resolve("accounts.yaml"), yaml);
    }
}
