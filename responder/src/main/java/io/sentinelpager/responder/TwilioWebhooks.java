package io.sentinelpager.responder;

import io.javalin.http.Context;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.security.TwilioSignature;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one check every Twilio callback (SMS reply, voice keypress) passes first: Twilio's signature over the URL it
 * called (our public URL, path and query) and the posted form. A request that fails it is answered 403 and nothing
 * else of it is read.
 */
final class TwilioWebhooks {

    private static final Logger AUDIT = LoggerFactory.getLogger("io.sentinelpager.responder.audit");

    private TwilioWebhooks() {
    }

    /** The posted form when Twilio signed the request; otherwise empty, with the 403 already answered. */
    static Optional<Map<String, String>> verifiedForm(Context ctx, Secret authToken, String publicUrl, String what) {
        Map<String, String> form = new TreeMap<>();
        ctx.formParamMap().forEach((k, v) -> form.put(k, v.isEmpty() ? "" : v.get(0)));
        String base = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        String url = base + ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        if (!TwilioSignature.valid(authToken, url, form, ctx.header(TwilioSignature.HEADER))) {
            AUDIT.warn("{} webhook refused: missing or wrong {}", what, TwilioSignature.HEADER);
            ctx.status(403).result("signature does not match");
            return Optional.empty();
        }
        return Optional.of(form);
    }
}
