package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentinelpager.app.ApplyCommand;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.security.ActionLinks;
import io.sentinelpager.platform.security.ReplyCodes;
import io.sentinelpager.platform.security.TwilioSignature;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.Topics;
import java.io.PrintStream;
import io.sentinelpager.testkit.GuessedReplyCodes;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Acting without the app: a one-click link from a message (shown first, then taken once, and only by a member of the
 * alert's team) and an SMS reply through Twilio's webhook (only with Twilio's signature, only from a known number,
 * only with the person's own code, never to close, and with wrong codes throttled per number).
 */
@ExtendWith(LocalClusterExtension.class)
class ResponderLinksIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String ANALYST_PHONE = "+15555550101";
    /** The analyst's second phone, which the throttle test makes guess: the first one keeps working. */
    static final String ANALYST_OTHER_PHONE = "+15555550102";
    static final String LEAD_PHONE = "+15555550201";
    static Pipeline pipeline;
    static ActionLinks links;
    static ReplyCodes codes;

    @BeforeAll
    static void start(LocalCluster cluster) throws Exception {
        pipeline = Pipeline.shared(cluster);
        links = new ActionLinks(Secret.of(pipeline.linksKey), Clock.systemUTC());
        codes = new ReplyCodes(Secret.of(pipeline.linksKey));
        // The example config, with SMS numbers for the analyst and the lead (still paged in the inbox only).
        Path config = Files.createTempDirectory("pager-links-it-");
        try (var files = Files.list(Pipeline.EXAMPLES)) {
            for (Path file : files.toList()) {
                Files.copy(file, config.resolve(file.getFileName()));
            }
        }
        String people = Files.readString(config.resolve("people.yaml"));
        String analyst = "      - {type: inbox, address: analyst}\n";
        assertThat(people).contains(analyst);
        String lead = "      - {type: email, address: lead@contoso.example}\n";
        assertThat(people).contains(lead);
        Files.writeString(config.resolve("people.yaml"), people.replaceFirst(java.util.regex.Pattern.quote(analyst),
                analyst + "      - {type: sms, address: \"" + ANALYST_PHONE + "\"}\n"
                        + "      - {type: sms, address: \"" + ANALYST_OTHER_PHONE + "\"}\n"
                        + "    notificationRules:\n      high: [{method: inbox, afterMinutes: 0}]\n"
                        + "      low: [{method: inbox, afterMinutes: 0}]\n")
                .replaceFirst(java.util.regex.Pattern.quote(lead),
                        lead + "      - {type: sms, address: \"" + LEAD_PHONE + "\"}\n"));
        assertThat(ApplyCommand.apply(pipeline.context, config, false, new PrintStream(OutputStream.nullOutputStream()),
                System.err)).isTrue();
    }

    @Test
    void aLinkShowsWhatItDoesThenActsOnceAndOnlyForTheTeam() throws Exception {
        String key = pipeline.pagedAlert();
        String token = links.sign(ActionType.ACKNOWLEDGE, key, "analyst", Duration.ofMinutes(30));

        HttpResponse<String> shown = send(HttpRequest.newBuilder(uri("/act/" + token)).GET());
        assertThat(shown.statusCode()).isEqualTo(200);
        assertThat(shown.body()).contains("Acknowledge this alert?", "Alex Analyst", "<form method=\"post\">");
        assertThat(actionsOn(key)).as("opening a link changes nothing").isEmpty();
        assertThat(pipeline.status(key)).isEqualTo("triggered");
        HttpResponse<String> open = send(HttpRequest.newBuilder(uri("/alerts/" + URLEncoder.encode(key,
                StandardCharsets.UTF_8))).GET());
        assertThat(open.statusCode()).as("a message's Open link leads to the alert in the app").isEqualTo(302);
        assertThat(open.headers().firstValue("Location")).contains("/#/alert/" + URLEncoder.encode(key,
                StandardCharsets.UTF_8));

        HttpResponse<String> taken = send(HttpRequest.newBuilder(uri("/act/" + token)).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(taken.statusCode()).isEqualTo(200);
        assertThat(taken.body()).contains("Done: acknowledge");
        await("acknowledged through the link").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> "acknowledged".equals(pipeline.status(key)));
        JsonNode detail = detail(key);
        assertThat(detail.path("owner").asText()).isEqualTo("analyst");
        assertThat(detail.path("timeline").toString()).contains("\"channel\":\"link\"");

        HttpResponse<String> again = send(HttpRequest.newBuilder(uri("/act/" + token)).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(again.statusCode()).isEqualTo(410);
        assertThat(again.body()).contains("already used");

        String expired = links.sign(ActionType.CLOSE, key, "analyst", Duration.ofSeconds(-5));
        HttpResponse<String> late = send(HttpRequest.newBuilder(uri("/act/" + expired)).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(late.statusCode()).isEqualTo(410);
        assertThat(late.body()).contains("expired");

        String other = links.sign(ActionType.CLOSE, key, "analyst", Duration.ofMinutes(30));
        String tampered = other.substring(0, other.indexOf('.') + 1) + "AAAA" + other.substring(other.indexOf('.') + 5);
        assertThat(send(HttpRequest.newBuilder(uri("/act/" + tampered)).POST(HttpRequest.BodyPublishers.noBody()))
                .statusCode()).isEqualTo(400);

        String outsider = links.sign(ActionType.CLOSE, key, "auditor", Duration.ofMinutes(30));
        HttpResponse<String> refused = send(HttpRequest.newBuilder(uri("/act/" + outsider)).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("Only members of the team of this alert").doesNotContain("soc");
        assertThat(actionsOn(key)).as("none of the refused links acted").containsExactly("ACKNOWLEDGE by analyst via link");
        assertThat(pipeline.status(key)).isEqualTo("acknowledged");
    }

    @Test
    void anSmsReplyAcknowledgesOnlyWithTwilioSignatureAndAKnownNumber() throws Exception {
        String key = pipeline.pagedAlert();
        String code = codes.of(key, "analyst");
        Map<String, String> form = new TreeMap<>(Map.of("From", ANALYST_PHONE, "To", "+15555550100",
                "Body", "ack " + code, "MessageSid", "SM" + code + System.nanoTime(), "AccountSid", "AC123"));

        HttpResponse<String> forged = sms(form, "Zm9yZ2Vk");
        assertThat(forged.statusCode()).isEqualTo(403);
        HttpResponse<String> stranger = sms(withFrom(form, "+15555550999"), null);
        assertThat(stranger.body()).contains("not set up");
        assertThat(actionsOn(key)).as("a forged reply and one from a stranger act on nothing").isEmpty();
        assertThat(pipeline.status(key)).isEqualTo("triggered");

        HttpResponse<String> reply = sms(form, null);
        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(reply.headers().firstValue("Content-Type").orElse("")).startsWith("text/xml");
        assertThat(reply.body()).contains("<Response><Message>OK, ack " + code);
        await("acknowledged by SMS").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> "acknowledged".equals(pipeline.status(key)));
        assertThat(detail(key).path("timeline").toString()).contains("\"channel\":\"sms\"");
    }

    @Test
    void anSmsReplyOverTwiliosLimitIsAnsweredWithTheLimitAndActsOnNothing() throws Exception {
        String key = pipeline.pagedAlert();
        String code = codes.of(key, "analyst");
        // Trailing spaces are allowed in a command, so without the bound this reply would acknowledge.
        Map<String, String> form = new TreeMap<>(Map.of("From", ANALYST_PHONE, "To", "+15555550100",
                "Body", "ack " + code + " ".repeat(1_593), "MessageSid", "SM" + code + System.nanoTime(),
                "AccountSid", "AC123"));

        HttpResponse<String> tooLong = sms(form, null);
        assertThat(tooLong.statusCode()).as("Twilio sends the reply of a 200 only").isEqualTo(200);
        assertThat(tooLong.headers().firstValue("Content-Type").orElse("")).startsWith("text/xml");
        assertThat(tooLong.body()).contains("<Message>Your reply is 1601 characters; the limit is 1600 characters."
                + "</Message>");

        form.put("Body", "ack " + code + " ".repeat(1_592));
        form.put("MessageSid", "SM" + code + System.nanoTime());
        assertThat(sms(form, null).body()).contains("<Message>OK, ack " + code);
        assertThat(pipeline.actions(key, "sms")).as("the SMS actions on alert.actions")
                .extracting(a -> a.getActionId()).containsExactly("sms:" + form.get("MessageSid"));
    }

    @Test
    void anSmsNeverClosesAndACodeActsOnlyFromThePersonItWasSentTo() throws Exception {
        String key = pipeline.pagedAlert();
        String code = codes.of(key, "analyst");
        String guessed = GuessedReplyCodes.fromAlertKey(key);
        assumeThat(guessed).as("one alert in 10,000 has the guess as its code").isNotEqualTo(code);
        assumeThat(codes.of(key, "lead")).as("one in 10,000: the lead's code is the analyst's").isNotEqualTo(code);

        HttpResponse<String> close = sms(reply(ANALYST_PHONE, "close " + code), null);
        assertThat(close.statusCode()).isEqualTo(200);
        assertThat(close.body()).contains("An SMS cannot close an alert: close it in the app");
        assertThat(sms(reply(LEAD_PHONE, "ack " + code), null).body()).as("the analyst's code, from the lead's phone")
                .contains("No open alert " + code + " for you.");
        assertThat(sms(reply(ANALYST_PHONE, "ack " + guessed), null).body())
                .as("the code worked out from the alert key, as before codes were keyed")
                .contains("No open alert " + guessed + " for you.");

        assertThat(actionsOn(key)).as("alert.actions, read to its end: none of these replies acted").isEmpty();
        assertThat(pipeline.status(key)).isEqualTo("triggered");
    }

    @Test
    void afterFiveWrongCodesANumberIsRefusedEvenTheRightOneWhileThePersonsOtherNumberWorks() throws Exception {
        String key = pipeline.pagedAlert();
        String code = codes.of(key, "analyst");
        Set<String> inUse = new HashSet<>();
        for (JsonNode alert : JSON.readTree(send(HttpRequest.newBuilder(uri("/api/alerts"))
                .header("Authorization", "Bearer " + pipeline.tokens.get("analyst")).GET()).body())) {
            inUse.add(codes.of(alert.path("key").asText(), "analyst"));
        }
        assertThat(inUse).contains(code);
        List<String> wrong = java.util.stream.IntStream.range(0, 10_000).mapToObj(n -> String.format("%04d", n))
                .filter(c -> !inUse.contains(c)).limit(5).toList();

        for (String guess : wrong) {
            assertThat(sms(reply(ANALYST_OTHER_PHONE, "ack " + guess), null).body())
                    .contains("No open alert " + guess + " for you.");
        }
        HttpResponse<String> refused = sms(reply(ANALYST_OTHER_PHONE, "ack " + code), null);
        assertThat(refused.body()).contains("Too many wrong codes from this number; SMS replies from it work again at",
                "Use the app");
        assertThat(actionsOn(key)).as("alert.actions, read to its end: the right code, once throttled, did not act")
                .isEmpty();

        assertThat(sms(reply(ANALYST_PHONE, "own " + code), null).body()).as("the analyst's other phone")
                .contains("OK, own " + code);
        assertThat(actionsOn(key)).containsExactly("TAKE_OWNERSHIP by analyst via sms");
    }

    @Test
    void pressingOneDuringAVoicePageAcknowledgesOnlyWithTwilioSignature() throws Exception {
        String key = pipeline.pagedAlert();
        String token = links.sign(ActionType.ACKNOWLEDGE, key, "analyst", Duration.ofMinutes(30));
        URI uri = uri("/webhooks/twilio/voice?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        Map<String, String> form = new TreeMap<>(Map.of("Digits", "1", "CallSid", "CA" + System.nanoTime(),
                "AccountSid", "AC123", "From", "+15555550100", "To", ANALYST_PHONE));

        assertThat(post(uri, form, "Zm9yZ2Vk").statusCode()).isEqualTo(403);
        assertThat(actionsOn(key)).as("a key pressed in a forged call acts on nothing").isEmpty();
        assertThat(pipeline.status(key)).isEqualTo("triggered");
        HttpResponse<String> answered = post(uri, form, TwilioSignature.compute(Secret.of(pipeline.twilioAuthToken),
                uri.toString(), form));
        assertThat(answered.body()).contains("<Say>Acknowledged. Goodbye.</Say>");
        await("acknowledged by phone").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> "acknowledged".equals(pipeline.status(key)));
        assertThat(detail(key).path("timeline").toString()).contains("\"channel\":\"voice\"");
        assertThat(post(uri, form, TwilioSignature.compute(Secret.of(pipeline.twilioAuthToken), uri.toString(), form))
                .body()).as("the call's token works once").contains("already acknowledged");
    }

    /**
     * Every action on alert.actions for the alert, read to the end of the topic, as "TYPE by actor via channel". The
     * responder answers a request only once Kafka has the action it made, so this read, unlike the alert's status
     * (which changes only when escalate has applied an action), shows at once what the requests so far did.
     */
    private static List<String> actionsOn(String key) {
        return pipeline.records(Topics.ALERT_ACTIONS.name(), key,
                        pipeline.context.serdes().value(AlertAction.class).deserializer()).stream()
                .map(ConsumerRecord::value)
                .map(a -> a.getType() + " by " + a.getActor() + " via " + a.getChannel()).toList();
    }

    /** A reply as Twilio posts it, with a message id of its own. */
    private static Map<String, String> reply(String from, String body) {
        return new TreeMap<>(Map.of("From", from, "To", "+15555550100", "Body", body,
                "MessageSid", "SM" + System.nanoTime(), "AccountSid", "AC123"));
    }

    private static Map<String, String> withFrom(Map<String, String> form, String from) {
        Map<String, String> other = new TreeMap<>(form);
        other.put("From", from);
        return other;
    }

    /** Posts the form as Twilio does, signed with the auth token unless a signature is given. */
    private static HttpResponse<String> sms(Map<String, String> form, String signature) throws Exception {
        URI uri = uri("/webhooks/twilio/sms");
        return post(uri, form, signature != null ? signature
                : TwilioSignature.compute(Secret.of(pipeline.twilioAuthToken), uri.toString(), form));
    }

    private static HttpResponse<String> post(URI uri, Map<String, String> form, String sig) throws Exception {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                .header(TwilioSignature.HEADER, sig).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static JsonNode detail(String key) throws Exception {
        return JSON.readTree(send(HttpRequest.newBuilder(uri("/api/alerts/" + key))
                .header("Authorization", "Bearer " + pipeline.tokens.get("analyst")).GET()).body());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + pipeline.responderPort() + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
