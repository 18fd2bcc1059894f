package io.sentinelpager.testkit.providers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringReader;
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
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * Twilio's Messages and Calls APIs as a real HTTP server, after GoAlert's mocktwilio: it checks basic auth against one
 * account, validates the form as Twilio does and answers with Twilio's JSON, including its error shape ({@code code},
 * {@code message}, {@code more_info}, {@code status}). What it accepted is the phone's view: {@link #messagesTo} and
 * {@link #callsTo}.
 *
 * <p>A call's TwiML is parsed and checked against the verbs and attributes Twilio knows. Twilio itself takes a bad
 * document and fails only when the call is answered (error 12100, "an application error has occurred" in the
 * person's ear); the emulator refuses it at once, so that a test fails where a real call would.
 */
public final class TwilioEmulator implements AutoCloseable {

    public record Sms(String to, String from, String body) {
    }

    /** A call Twilio accepted, with its parsed TwiML: what the phone would hear and where a keypress would go. */
    public record Call(String to, String from, String twiml, Document document) {
        /** The text of every {@code <Say>}, in order. */
        public List<String> said() {
            NodeList says = document.getElementsByTagName("Say");
            return java.util.stream.IntStream.range(0, says.getLength()).mapToObj(i -> says.item(i).getTextContent())
                    .toList();
        }

        /** The {@code <Gather>}'s action URL, if the call asks for a key. */
        public java.util.Optional<String> gatherAction() {
            NodeList gathers = document.getElementsByTagName("Gather");
            return gathers.getLength() == 0 ? java.util.Optional.empty()
                    : java.util.Optional.of(((Element) gathers.item(0)).getAttribute("action"));
        }
    }

    private static final Pattern MESSAGES = Pattern.compile("/2010-04-01/Accounts/([^/]+)/Messages\\.json");
    private static final Pattern CALLS = Pattern.compile("/2010-04-01/Accounts/([^/]+)/Calls\\.json");
    /** The verbs a {@code <Response>} may hold, and those a {@code <Gather>} may nest (Twilio's TwiML reference). */
    private static final Set<String> VERBS = Set.of("Say", "Play", "Pause", "Gather", "Hangup", "Redirect", "Reject",
            "Dial", "Record", "Enqueue", "Leave", "Sms", "Connect", "Refer", "Stream", "Start", "Stop");
    private static final Set<String> IN_GATHER = Set.of("Say", "Play", "Pause");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String accountSid;
    private final String authToken;
    private final Set<String> unsubscribed;
    private final List<Sms> accepted = new CopyOnWriteArrayList<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final RecordingHttpServer server;

    public TwilioEmulator(String accountSid, String authToken, Set<String> unsubscribed) throws IOException {
        this.accountSid = accountSid;
        this.authToken = authToken;
        this.unsubscribed = unsubscribed;
        this.server = new RecordingHttpServer(this::handle);
    }

    public URI url() {
        return server.url();
    }

    public RecordingHttpServer http() {
        return server;
    }

    public List<Sms> messagesTo(String number) {
        return accepted.stream().filter(m -> m.to().equals(number)).toList();
    }

    public List<Call> callsTo(String number) {
        return calls.stream().filter(c -> c.to().equals(number)).toList();
    }

    private RecordingHttpServer.Response handle(RecordingHttpServer.Request request) throws IOException {
        Matcher call = CALLS.matcher(request.path());
        if ("POST".equals(request.method()) && call.matches()) {
            return call(call.group(1), request);
        }
        Matcher path = MESSAGES.matcher(request.path());
        if (!"POST".equals(request.method()) || !path.matches()) {
            return error(404, 20404, "The requested resource was not found");
        }
        if (!authorized(path.group(1), request)) {
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

    private RecordingHttpServer.Response call(String account, RecordingHttpServer.Request request) throws IOException {
        if (!authorized(account, request)) {
            return error(401, 20003, "Authenticate");
        }
        Map<String, String> form = form(request.body());
        String to = form.get("To");
        if (to == null || !E164.matcher(to).matches()) {
            return error(400, 21211, "The 'To' number " + to + " is not a valid phone number.");
        }
        if (form.get("From") == null) {
            return error(400, 21213, "No 'From' number is specified");
        }
        String twiml = form.get("Twiml");
        if ((twiml == null) == (form.get("Url") == null)) {
            return error(400, 21205, "Exactly one of Url and Twiml is required");
        }
        if (twiml == null) {
            // This emulator does not fetch TwiML from a URL: notify always sends it inline.
            return error(400, 21205, "Url is not supported by the emulator");
        }
        if (twiml.length() > 4000) {
            return error(400, 21200, "Twiml exceeds 4000 characters");
        }
        Document document;
        try {
            document = twiml(twiml);
        } catch (IllegalArgumentException e) {
            return error(400, 12100, "Document parse failure: " + e.getMessage());
        }
        calls.add(new Call(to, form.get("From"), twiml, document));
        ObjectNode resource = JSON.createObjectNode();
        resource.put("sid", "CA" + String.format("%032x", calls.size()));
        resource.put("account_sid", accountSid);
        resource.put("to", to);
        resource.put("from", form.get("From"));
        resource.put("status", "queued");
        resource.put("direction", "outbound-api");
        return RecordingHttpServer.Response.json(201, JSON.writeValueAsString(resource));
    }

    private boolean authorized(String account, RecordingHttpServer.Request request) {
        String expected = "Basic " + Base64.getEncoder().encodeToString(
                (accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8));
        return account.equals(accountSid) && expected.equals(request.header("Authorization"));
    }

    /** Parses and checks a TwiML document: root, verbs, nesting and the Gather attributes notify relies on. */
    public static Document twiml(String xml) {
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            document = factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        } catch (Exception e) {
            throw new IllegalArgumentException("not well-formed XML");
        }
        Element root = document.getDocumentElement();
        if (!"Response".equals(root.getTagName())) {
            throw new IllegalArgumentException("root element must be <Response>, was <" + root.getTagName() + ">");
        }
        for (Element verb : children(root)) {
            if (!VERBS.contains(verb.getTagName())) {
                throw new IllegalArgumentException("unknown verb <" + verb.getTagName() + ">");
            }
            if ("Gather".equals(verb.getTagName())) {
                gather(verb);
            }
        }
        return document;
    }

    private static void gather(Element gather) {
        for (Element nested : children(gather)) {
            if (!IN_GATHER.contains(nested.getTagName())) {
                throw new IllegalArgumentException("<Gather> cannot nest <" + nested.getTagName() + ">");
            }
        }
        String action = gather.getAttribute("action");
        // Inline TwiML has no document URL to resolve a relative action against.
        URI uri = action.isEmpty() ? null : URI.create(action);
        if (uri == null || uri.getHost() == null || !Set.of("http", "https").contains(uri.getScheme())) {
            throw new IllegalArgumentException("<Gather action> must be an absolute http(s) URL");
        }
        String digits = gather.getAttribute("numDigits");
        if (!digits.isEmpty() && !digits.matches("[1-9][0-9]*")) {
            throw new IllegalArgumentException("<Gather numDigits> must be a positive integer");
        }
        String method = gather.getAttribute("method");
        if (!method.isEmpty() && !Set.of("GET", "POST").contains(method)) {
            throw new IllegalArgumentException("<Gather method> must be GET or POST");
        }
    }

    private static List<Element> children(Element parent) {
        NodeList nodes = parent.getChildNodes();
        List<Element> out = new java.util.ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    private static RecordingHttpServer.Response error(int status, int code, String message) throws IOException {
        ObjectNode error = JSON.createObjectNode();
        error.put("code", code);
        error.put("message", message);
        error.put("more_info", "https://www.twilio.com/docs/errors/" + code);
        error.put("status", status);
        return RecordingHttpServer.Response.json(status, JSON.writeValueAsString(error));
    }

    public static Map<String, String> form(String body) {
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
