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
}
