package io.sentinelpager.emulator;

import io.javalin.http.Context;

/** What differs between the emulated Microsoft APIs: how a caller proves who it is, and how errors look. */
interface Api {

    /** @throws ApiError when the request carries no valid token for this API's resource */
    void authorize(Context ctx);

    /** Writes the error as this API's response body, with its status and any Retry-After. */
    void render(Context ctx, ApiError error);

    /** The answer of this API to an app that lacks {@code permission} (a Graph permission or an Azure role). */
    ApiError forbidden(Route route);

    /** Whether request bodies carry credentials (a client secret or assertion), and so stay out of the request log. */
    default boolean bodiesCarryCredentials() {
        return false;
    }

    /** The {@code $top} of a list request: the API's default when absent, a 400 naming the range when out of it. */
    static int top(String text, int defaultTop, int maxTop) {
        if (text == null) {
            return defaultTop;
        }
        try {
            int top = Integer.parseInt(text.trim());
            if (top >= 1 && top <= maxTop) {
                return top;
            }
        } catch (NumberFormatException e) {
            // falls through to the 400 below, which names the accepted range
        }
        throw new ApiError(400, "BadRequest", "Invalid $top '" + text + "': it must be between 1 and " + maxTop);
    }
}
