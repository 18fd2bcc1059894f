package io.sentinelpager.responder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;

/**
 * Request bodies read into records. An unknown field is refused, not ignored, so a misspelt field cannot pass as if
 * it had not been sent; a refusal shows an example of the body.
 */
final class JsonBodies {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private JsonBodies() {
    }

    /** The body as the record (an empty body as {@code {}}), or a 400 that shows the example. */
    static <T> T parse(Context ctx, Class<T> type, String example) {
        try {
            return JSON.readValue(ctx.body().isBlank() ? "{}" : ctx.body(), type);
        } catch (JsonProcessingException e) {
            throw new BadRequestResponse("the body must be JSON such as " + example + ": " + e.getOriginalMessage());
        }
    }
}
