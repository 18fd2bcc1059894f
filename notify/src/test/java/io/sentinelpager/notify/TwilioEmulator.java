package io.sentinelpager.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Twilio's Messages API as a real HTTP server, after GoAlert's mocktwilio: it checks basic auth against one account,
 * validates the form as Twilio does and answers with Twilio's JSON, including its error shape ({@code code},
 * {@code message}, {@code more_info}, {@code status}). What it accepted is the phone's view: {@link #messagesTo}.
 */
final class TwilioEmulator implements AutoCloseable {

    record Sms(String to, String from, String body) {
    }

    private static final Pattern MESSAGES = Pattern.compile("/2010-04-01/Accounts/([^/]+)/Messages\\.json");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String accountSid;
    private final String authToken;
    private final Set<String> unsubscribed;
    private final List<Sms> accepted = new CopyOnWriteArrayList<>();
    private final RecordingHttpServer server;

    TwilioEmulator(String accountSid, String authToken, Set<String> unsubscribed) throws IOException {
        this.accountSid = accountSid;
        this.authToken = authToken;
        this.unsubscribed = unsubscribed;
        this.server = new RecordingHttpServer(this::handle);
    }

    URI url() {
        return server.url();
    }

    RecordingHttpServer http() {
        return server;
    }

    List<Sms> messagesTo(String number) {
        return accepted.stream().filter(m -> m.to().equals(number)).toList();
    }

    private RecordingHttpServer.Response handle(RecordingHttpServer.Request request) throws IOException {
        Matcher path = MESSAGES.matcher(request.path());
        if (!"POST".equals(request.method()) || !path.matches()) {
            return error(404, 20404, "The requested resource was not found");
        }
        String expected = "Basic " + Base64.getEncoder().encodeToString(
                (accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8));
        if (!path.group(1).equals(accountSid) || !expected.equals(request.header("Authorization"))) {
            return error(401, 20003, "Authenticate");
        }
        Map<String, String> form = form(request.body());
        String to = form.get("To");
        String body = form.get("Body");
        if (to == null || !E164.matcher(to).matches()) {
            return error(400, 21211, "The 'To' number " + to + " is not a valid phone number.");
        }
        if (body == null || body.isEmpty()) {
            return error(400, 21602, "Message body is required.");
        }
        if (form.get("From") == null) {
            return error(400, 21603, "The 'From' phone number is required.");
        }
        if (unsubscribed.contains(to)) {
            return error(400, 21610, "Attempt to send to unsubscribed recipient");
        }
        accepted.add(new Sms(to, form.get("From"), body));
        ObjectNode message = JSON.createObjectNode();
        message.put("sid", "SM" + String.format("%032x", accepted.size()));
        message.put("account_sid", accountSid);
        message.put("to", to);
        message.put("from", form.get("From"));
        message.put("body", body);
        message.put("status", "queued");
        message.put("num_segments", "1");
        message.put("direction", "outbound-api");
        return RecordingHttpServer.Response.json(201, JSON.writeValueAsString(message));
    }

    private static RecordingHttpServer.Response error(int status, int code, String message) throws IOException {
        ObjectNode error = JSON.createObjectNode();
        error.put("code", code);
        error.put("message", message);
        error.put("more_info", "https://www.twilio.com/docs/errors/" + code);
        error.put("status", status);
        return RecordingHttpServer.Response.json(status, JSON.writeValueAsString(error));
    }

    static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Override
    public void close() {
        server.close();
    }
}
