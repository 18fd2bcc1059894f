package io.sentinelpager.responder;

import io.javalin.apibuilder.ApiBuilder;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.security.Hmac;
import io.sentinelpager.schemas.CalendarFeed;
import io.sentinelpager.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A person's calendar feed: a {@code webcal:} URL of their shifts (RFC 5545, {@link ICalendar}) that Outlook and
 * Google Calendar subscribe to and fetch without a cookie, so the URL is the credential. Its token is the user id and
 * a random feed id with an HMAC-SHA256 over both, under a key derived from the session key (so a feed URL survives a
 * restart exactly when sessions do, and is forged by nobody without that key).
 *
 * <p>A token is valid while responder.calendar-feeds has its feed id as the user's current feed: making a new feed
 * replaces the old one, and revoking writes a tombstone, which every responder instance reads as a global table, so
 * a revoked URL answers 404 everywhere, also after a restart. Only the feed id goes to the topic, never the token or
 * its MAC, and no log line holds the token.
 */
final class CalendarFeedApi {

    /** Where the feed is served: {@code <responder url>/cal/<token>.ics}. */
    static final String PATH = "/cal/";
    /** How far back and ahead the feed reaches: last week's shifts stay visible, and a quarter ahead. */
    static final Duration PAST = Duration.ofDays(7);
    static final Duration AHEAD = Duration.ofDays(92);

    private static final Logger AUDIT = LoggerFactory.getLogger("io.sentinelpager.responder.audit");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final String LABEL = "sentinel-pager calendar feed v1";

    private final byte[] key;
    private final StateView state;
    private final Function<String, CalendarFeed> feeds;
    private final RecordPublisher publisher;
    private final Supplier<String> publicUrl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    CalendarFeedApi(Secret sessionKey, StateView state, Function<String, CalendarFeed> feeds,
                    RecordPublisher publisher, Supplier<String> publicUrl, Clock clock) {
        this.key = Hmac.derive(sessionKey, LABEL, 32);
        this.state = state;
        this.feeds = feeds;
        this.publisher = publisher;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    /** The routes under /api, for Javalin's {@code router.apiBuilder}; the feed itself is {@link #serve}. */
    void routes() {
        ApiBuilder.get("/api/me/calendar", this::show);
        ApiBuilder.post("/api/me/calendar", this::create);
        ApiBuilder.delete("/api/me/calendar", this::revoke);
    }

    private void show(Context ctx) {
        String user = Principal.of(ctx).user();
        CalendarFeed feed = feeds.apply(user);
        if (feed == null) {
            throw new NotFoundResponse("you have no calendar feed: make one with POST /api/me/calendar");
        }
        ctx.json(view(feed));
    }

    /** A new feed URL; the previous one, if any, stops working. */
    private void create(Context ctx) throws Exception {
        String user = Principal.of(ctx).user();
        byte[] id = new byte[16];
        random.nextBytes(id);
        CalendarFeed feed = CalendarFeed.newBuilder().setUserId(user).setFeedId(ENCODER.encodeToString(id))
                .setCreatedAt(clock.instant()).build();
        publisher.send(Topics.RESPONDER_CALENDAR_FEEDS, user, feed, () -> current(user).equals(feed.getFeedId()));
        AUDIT.info("{} made a calendar feed URL, replacing any earlier one", user);
        ctx.status(201).json(view(feed));
    }

    private void revoke(Context ctx) throws Exception {
        String user = Principal.of(ctx).user();
        publisher.send(Topics.RESPONDER_CALENDAR_FEEDS, user, null, () -> current(user).isEmpty());
        AUDIT.info("{} revoked their calendar feed URL", user);
        ctx.status(204);
    }

    /**
     * GET {@code /cal/<token>.ics}, without a session. Every refusal (malformed, forged, replaced or revoked) is the
     * same 404, so the answer tells a guesser nothing.
     */
    void serve(Context ctx) {
        String file = ctx.pathParam("file");
        String user = file.endsWith(".ics") ? verify(file.substring(0, file.length() - 4)) : null;
        if (user == null) {
            throw new NotFoundResponse("no such calendar feed");
        }
        Instant now = clock.instant();
        People people = state.people();
        String calendar = ICalendar.of(people.name(user).orElse(user),
                ShiftViews.mine(user, people.schedules(), now.minus(PAST), now.plus(AHEAD)), now);
        ctx.contentType("text/calendar; charset=utf-8").result(calendar);
    }

    /** The user whose current feed this token is, or null. */
    String verify(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        try {
            String user = new String(DECODER.decode(parts[0]), StandardCharsets.UTF_8);
            if (!Hmac.same(mac(user, parts[1]), DECODER.decode(parts[2]))) {
                return null;
            }
            CalendarFeed current = feeds.apply(user);
            return current != null && current.getFeedId().equals(parts[1]) ? user : null;
        } catch (IllegalArgumentException e) {
            return null; // not base64url
        }
    }

    String token(CalendarFeed feed) {
        return ENCODER.encodeToString(feed.getUserId().getBytes(StandardCharsets.UTF_8)) + "." + feed.getFeedId() + "."
                + ENCODER.encodeToString(mac(feed.getUserId(), feed.getFeedId()));
    }

    private byte[] mac(String user, String feedId) {
        return Hmac.of(Hmac.SHA256, key, user + "\n" + feedId);
    }

    private Map<String, Object> view(CalendarFeed feed) {
        String https = publicUrl.get() + PATH + token(feed) + ".ics";
        Map<String, Object> out = new LinkedHashMap<>();
        // webcal: is what calendar apps open as a subscription; the https URL is for "subscribe from URL" forms.
        out.put("webcal", https.replaceFirst("^https?:", "webcal:"));
        out.put("url", https);
        out.put("createdAt", feed.getCreatedAt().toString());
        return out;
    }

    /** The user's current feed id on this instance, empty when none. */
    private String current(String user) {
        return Optional.ofNullable(feeds.apply(user)).map(CalendarFeed::getFeedId).orElse("");
    }
}
