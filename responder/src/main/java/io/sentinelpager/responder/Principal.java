package io.sentinelpager.responder;

import io.javalin.http.Context;
import io.sentinelpager.responder.auth.Sessions;

/**
 * Who is calling, and how they proved it; {@link LoginApi#authenticate} puts it on every /api request it lets in. The
 * session is that of the cookie, null for an API token: a live stream checks it again while it stays open.
 */
record Principal(String user, boolean admin, Sessions.Session session) {

    private static final String ATTRIBUTE = "principal";

    boolean viaToken() {
        return session == null;
    }

    static Principal of(Context ctx) {
        return ctx.attribute(ATTRIBUTE);
    }

    void attachTo(Context ctx) {
        ctx.attribute(ATTRIBUTE, this);
    }
}
