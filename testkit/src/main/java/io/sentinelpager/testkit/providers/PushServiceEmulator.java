package io.sentinelpager.testkit.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sentinelpager.platform.security.P256;
import io.sentinelpager.platform.security.PushSubscriptionSeal;
import io.sentinelpager.schemas.PushSubscription;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A push service (RFC 8030) on a free loopback port, together with the browser side of each subscription: {@link
 * #subscribe} makes the P-256 key pair and auth secret as a browser does, and a push to the subscription's endpoint
 * is checked as a push service checks it (VAPID per RFC 8292: an ES256 JWT under the key {@code k} that the
 * subscription was made with, audience this origin, expiry within 24 hours; {@code Content-Encoding: aes128gcm};
 * a {@code TTL}), then decrypted with the subscription's private key as the browser would (RFC 8291). Answers:
 * 201 accepted, 400 malformed, 401 bad or missing VAPID, 403 key not the subscription's, 410 unsubscribed; or
 * whatever status and text {@link #answerWith} sets, as a failing or hostile server would answer.
 *
 * <p>The test gives the browser's decryption: the kit sits below notify, whose RFC 8291 code it cannot reach.
 */
public final class PushServiceEmulator implements AutoCloseable {

    /** A message as the phone's service worker gets it: the decrypted JSON, and the headers it came with. */
    public record Received(String subscription, JsonNode payload, int ttl, String urgency) {
    }

    /** The browser half of a subscription: what the app sends to the responder, and the private key it keeps. */
    public record Browser(String id, String endpoint, String p256dh, String auth, ECPrivateKey privateKey,
                   String applicationServerKey) {
        /** The record as the responder writes it to push.subscriptions: sealed. */
        public PushSubscription subscription(PushSubscriptionSeal seal, String userId, Instant at) {
            return seal.seal(userId, new PushSubscriptionSeal.Capability(endpoint, p256dh, auth), at);
        }
    }

    /** The browser's side of RFC 8291: the plaintext of an aes128gcm body for the subscription's keys. */
    @FunctionalInterface
    public interface Decryption {
        byte[] decrypt(byte[] body, ECPrivateKey uaPrivate, ECPublicKey uaPublic, byte[] authSecret) throws Exception;
    }

    private static final Pattern VAPID = Pattern.compile("vapid t=([A-Za-z0-9_.-]+), ?k=([A-Za-z0-9_-]+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Decoder B64 = Base64.getUrlDecoder();

    private final HttpServer server;
    private final Clock clock;
    private final Decryption decryption;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Browser> subscriptions = new ConcurrentHashMap<>();
    private final Set<String> unsubscribed = ConcurrentHashMap.newKeySet();
    private final Map<String, Map.Entry<Integer, String>> answers = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();

    public PushServiceEmulator(Clock clock, Decryption decryption) throws IOException {
        this.clock = clock;
        this.decryption = decryption;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/push/", this::serve);
        server.start();
    }

    public String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** {@code pushManager.subscribe({userVisibleOnly: true, applicationServerKey})}. */
    public Browser subscribe(String applicationServerKey) {
        KeyPair keys = P256.generate();
        byte[] auth = new byte[16];
        random.nextBytes(auth);
        String id = UUID.randomUUID().toString();
        Browser browser = new Browser(id, origin() + "/push/" + id, P256.base64url(P256.encode((ECPublicKey) keys.getPublic())),
                P256.base64url(auth), (ECPrivateKey) keys.getPrivate(), applicationServerKey);
        subscriptions.put(id, browser);
        return browser;
    }

    /** The user uninstalled the app or the browser dropped the subscription: the push service answers 410 Gone. */
    public void unsubscribe(Browser browser) {
        unsubscribed.add(browser.id());
    }

    /** Every later push to the subscription gets this status and text, whatever the request. */
    public void answerWith(Browser browser, int status, String body) {
        answers.put(browser.id(), Map.entry(status, body));
    }

    public List<Received> received() {
        return received;
    }

    /** Why requests were refused, for assertions and for reading a failed test. */
    public List<String> refusals() {
        return refusals;
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestURI().getPath().substring("/push/".length());
            Browser browser = subscriptions.get(id);
            int status;
            Map.Entry<Integer, String> answer = answers.get(id);
            if (answer != null) {
                byte[] text = answer.getValue().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(answer.getKey(), text.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(text);
                }
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                status = refuse(405, "only POST delivers a message");
            } else if (browser == null || unsubscribed.contains(id)) {
                status = 410;
            } else {
                status = check(exchange, browser, body);
            }
            if (status == 201) {
                exchange.getResponseHeaders().add("Location", "/message/" + UUID.randomUUID());
            }
            exchange.sendResponseHeaders(status, -1);
            try (OutputStream ignored = exchange.getResponseBody()) {
                // no body
            }
        }
    }

    private int check(HttpExchange exchange, Browser browser, byte[] body) {
        var headers = exchange.getRequestHeaders();
        if (!"aes128gcm".equals(headers.getFirst("Content-Encoding"))) {
            return refuse(400, "Content-Encoding is not aes128gcm");
        }
        String ttl = headers.getFirst("TTL");
        if (ttl == null || !ttl.matches("\\d+")) {
            return refuse(400, "TTL header missing or not a number");
        }
        String authorization = headers.getFirst("Authorization");
        Matcher vapid = authorization == null ? null : VAPID.matcher(authorization);
        if (vapid == null || !vapid.matches()) {
            return refuse(401, "no vapid Authorization");
        }
        String problem = verifyJwt(vapid.group(1), vapid.group(2));
        if (problem != null) {
            return refuse(401, problem);
        }
        if (!vapid.group(2).equals(browser.applicationServerKey())) {
            return refuse(403, "k is not the applicationServerKey the subscription was made with");
        }
        try {
            byte[] plain = decryption.decrypt(body, browser.privateKey(),
                    P256.publicKey(P256.fromBase64url(browser.p256dh())), P256.fromBase64url(browser.auth()));
            received.add(new Received(browser.id(), JSON.readTree(plain), Integer.parseInt(ttl),
                    headers.getFirst("Urgency")));
            return 201;
        } catch (Exception e) {
            return refuse(400, "payload does not decrypt: " + e.getClass().getSimpleName());
        }
    }

    /** @return why the JWT is refused, or null when it is good */
    private String verifyJwt(String jwt, String k) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return "JWT is not header.claims.signature";
        }
        try {
            JsonNode header = JSON.readTree(B64.decode(parts[0]));
            if (!"ES256".equals(header.path("alg").asText())) {
                return "JWT alg is not ES256";
            }
            Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
            es256.initVerify(P256.publicKey(B64.decode(k)));
            es256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!es256.verify(B64.decode(parts[2]))) {
                return "JWT signature does not verify under k";
            }
            JsonNode claims = JSON.readTree(B64.decode(parts[1]));
            if (!origin().equals(claims.path("aud").asText())) {
                return "JWT aud is not this push service's origin";
            }
            Instant exp = Instant.ofEpochSecond(claims.path("exp").asLong());
            Instant now = clock.instant();
            if (!exp.isAfter(now) || exp.isAfter(now.plus(Duration.ofHours(24)))) {
                return "JWT exp is not within the next 24 hours";
            }
            String sub = claims.path("sub").asText();
            if (!sub.startsWith("mailto:") && !sub.startsWith("https:")) {
                return "JWT sub is not a mailto: or https: contact";
            }
            return null;
        } catch (Exception e) {
            return "JWT unreadable: " + e.getClass().getSimpleName();
        }
    }

    private int refuse(int status, String why) {
        refusals.add(status + " " + why);
        return status;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
