package io.sentinelpager.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * What the emulated Log Analytics answers, per workspace. KQL is not implemented: a test or the demo
 * registers the answer (a whole response body, {@code {"tables":[…]}}, optionally with a partial
 * {@code "error"}) to a query text or a pattern; the first registered answer that matches wins. An
 * answer may also be a failure: a status and error body, such as the service's published ones.
 */
public final class LogAnalyticsTables {

    private static final Duration MAX_HOLD = Duration.ofMinutes(1);
    private static final Pattern SECURITY_ALERT = Pattern.compile("^\\s*SecurityAlert\\b");

    /** A registered answer: the response body and its HTTP status. */
    record Answer(Pattern query, int status, ObjectNode body) {
    }

    private final Map<String, List<Answer>> answers = new HashMap<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    /** Answers exactly this query text (whitespace runs compared as one space). */
    public synchronized void answer(String workspaceId, String query, ObjectNode body) {
        answerMatching(workspaceId, Pattern.compile(Pattern.quote(normalize(query))), body);
    }

    /** Answers every query in which {@code pattern} is found. */
    public synchronized void answerMatching(String workspaceId, Pattern pattern, ObjectNode body) {
        Objects.requireNonNull(body, "body");
        if (!body.path("tables").isArray()) {
            throw new IllegalArgumentException("an answer is a query response body with a 'tables' array");
        }
        answers.computeIfAbsent(key(workspaceId), k -> new ArrayList<>()).add(new Answer(pattern, 200, body.deepCopy()));
    }

    /**
     * Fails every query in which {@code pattern} is found with this status and body, e.g. a 400
     * {@code BadArgumentError} for a query the real service would find invalid.
     */
    public synchronized void failMatching(String workspaceId, Pattern pattern, int status, ObjectNode body) {
        Objects.requireNonNull(body, "body");
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a failure has an HTTP status of 400-599, got " + status);
        }
        answers.computeIfAbsent(key(workspaceId), k -> new ArrayList<>()).add(new Answer(pattern, status, body.deepCopy()));
    }

    /**
     * Answers queries of the SecurityAlert table with two captured Sentinel scheduled-rule alert rows
     * ({@code la-securityalert-sample.json}), ExtendedProperties included.
     */
    public void seedSecurityAlerts(String workspaceId) {
        answerMatching(workspaceId, SECURITY_ALERT, SampleAlerts.published("la-securityalert-sample.json"));
    }

    /**
     * As {@link #seedSecurityAlerts(String)}, with every row's {@code Entities} set to this JSON text: the captured
     * rows have none (their rule mapped no entities), a rule that maps hosts, accounts and IPs gives them.
     */
    public void seedSecurityAlerts(String workspaceId, String entities) {
        ObjectNode body = SampleAlerts.published("la-securityalert-sample.json");
        JsonNode table = body.get("tables").get(0);
        int column = 0;
        while (!table.get("columns").get(column).get("name").asText().equals("Entities")) {
            column++;
        }
        for (JsonNode row : table.get("rows")) {
            ((ArrayNode) row).set(column, TextNode.valueOf(entities));
        }
        answerMatching(workspaceId, SECURITY_ALERT, body);
    }

    /**
     * Keeps every query that arrives from now on running until {@link #release()}, so that a test
     * can have queries overlap for certain, without timing.
     */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    /** Lets the held queries answer. */
    public void release() {
        gate.countDown();
    }

    /** Blocks while queries are held; bounded, so a test that forgets to release fails instead of hanging. */
    void awaitRelease() throws InterruptedException {
        if (!gate.await(MAX_HOLD.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new ApiError(504, "GatewayTimeout", "The query was held longer than " + MAX_HOLD);
        }
    }

    synchronized Optional<Answer> find(String workspaceId, String query) {
        String text = normalize(query);
        return answers.getOrDefault(key(workspaceId), List.of()).stream()
                .filter(answer -> answer.query().matcher(text).find())
                .findFirst()
                .map(answer -> new Answer(answer.query(), answer.status(), answer.body().deepCopy()));
    }

    private static String normalize(String query) {
        return query.trim().replaceAll("\\s+", " ");
    }

    private static String key(String workspaceId) {
        return workspaceId.toLowerCase(Locale.ROOT);
    }
}
