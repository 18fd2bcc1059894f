package io.sentinelpager.responder;

import io.javalin.http.Context;

/** Who is calling, and how they proved it; {@link LoginApi#authenticate} puts it on every /api request it lets in. */
record Principal(String user, boolean admin, boolean viaToken) {

    private static final String ATTRIBUTE = "principal";

    static Principal of(Context ctx) {
        return ctx.attribute(ATTRIBUTE);
    }

    void attachTo(Context ctx) {
        ctx.attribute(ATTRIBUTE, this);
    }
}
