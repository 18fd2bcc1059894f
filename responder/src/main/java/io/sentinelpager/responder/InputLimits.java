package io.sentinelpager.responder;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.sentinelpager.schemas.RecordLimits;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.Container;

/**
 * How large what the responder accepts may be, and the one wording of a refusal: what was too large, its size and the
 * limit. Fields that end up in a record are bounded by {@link RecordLimits}, whose limits escalate enforces too (it
 * dead-letters an action beyond them), so the responder refuses such an action before it is accepted; the limits
 * here protect the responder itself.
 */
final class InputLimits {

    /**
     * Any request body. The largest legitimate ones are an action whose comment is {@link RecordLimits#COMMENT_BYTES}
     * with every character escaped in JSON (6 bytes each), and a Twilio form with a 1,600-character SMS
     * percent-encoded: both well under this.
     */
    static final int REQUEST_BODY_BYTES = 64 * 1024;
    /** A login password: far beyond any passphrase, and a bound on what each PBKDF2 check is given to hash. */
    static final int PASSWORD_BYTES = 1_024;
    /** An SMS reply: Twilio joins the parts of a long message into a body of at most 1,600 characters. */
    static final int SMS_BODY_CHARS = 1_600;
    /** A query parameter of the identity provider's redirect back (code, state, error, error_description). */
    static final int OIDC_PARAM_BYTES = 4_096;
    /**
     * A one-click link's token: a signed alert key, user id, expiry and nonce take at most about 1,150 characters,
     * so a longer one is not ours and is refused before its signature is computed.
     */
    static final int LINK_TOKEN_CHARS = 2_048;

    /**
     * A body over {@link #REQUEST_BODY_BYTES} but of at most this many bytes is read to its end and thrown away before
     * the refusal. Browsers, scripts and Java's own client send the whole body before they read the answer: cut off
     * with its body unread, the connection is reset and the client loses the answer already sent to it (Jetty's own
     * draining reads only what has arrived, so it does the same to a body still on its way). Reading a megabyte costs
     * the server little; a larger body, or one of unknown length, is cut off.
     */
    static final int DISCARDED_BODY_BYTES = 1024 * 1024;

    /** Marks a request whose body was refused unread, so that its connection is closed after the answer. */
    private static final String BODY_REFUSED = InputLimits.class.getName() + ".bodyRefused";

    private InputLimits() {
    }

    /** Why the text is refused when it has more than {@code maxChars} characters; empty when it fits (null fits). */
    static Optional<String> overChars(String what, String text, int maxChars) {
        int chars = text == null ? 0 : text.codePointCount(0, text.length());
        return chars <= maxChars ? Optional.empty()
                : Optional.of(what + " is " + chars + " characters; the limit is " + maxChars + " characters");
    }

    /** The text, if it fits in {@code maxBytes} of UTF-8; otherwise a 400 saying why. */
    static String requireBytes(String what, String text, int maxBytes) {
        RecordLimits.over(what, text, maxBytes).ifPresent(why -> {
            throw new BadRequestResponse(why);
        });
        return text;
    }

    /**
     * Refuses a request body over {@link #REQUEST_BODY_BYTES} before anything parses it. Javalin's own bound
     * ({@code maxRequestSize}) only looks at Content-Length, as this does, and reads a chunked body to its end
     * whatever its size, so a body without a length is refused: browsers, scripts and Twilio all send one.
     */
    static void boundBody(Context ctx) throws IOException {
        long length = ctx.req().getContentLengthLong();
        if (length > REQUEST_BODY_BYTES) {
            boolean read = length <= DISCARDED_BODY_BYTES && discardBody(ctx);
            refuse(ctx, HttpStatus.CONTENT_TOO_LARGE, "the request body is " + length + " bytes; the limit is "
                    + REQUEST_BODY_BYTES + " bytes", !read);
        } else if (length < 0 && ctx.header("Transfer-Encoding") != null) {
            refuse(ctx, HttpStatus.LENGTH_REQUIRED, "send the request body with a Content-Length header; the"
                    + " limit is " + REQUEST_BODY_BYTES + " bytes", true);
        }
    }

    /** Reads the request body to its end, throwing it away; false when the client stopped sending it. */
    private static boolean discardBody(Context ctx) {
        try {
            ctx.req().getInputStream().transferTo(OutputStream.nullOutputStream());
            return true;
        } catch (IOException stopped) {
            return false;
        }
    }

    /**
     * Sends the refusal now, as {@code {"error": why}}, and, when {@code cutOff}, has the connection closed once it is
     * out. Jetty reads what is left of a request body, for as long as more keeps arriving, before it sends an answer
     * that is not on its way yet and again before it reuses the connection: a body that never ends would keep a
     * server thread reading it. An answer already sent skips the first, closing the connection ends the second, and
     * the sender sees its upload cut off. Without {@code cutOff} the body has been read, and the connection lives on.
     */
    private static void refuse(Context ctx, HttpStatus status, String why, boolean cutOff) throws IOException {
        byte[] body = ctx.jsonMapper().toJsonString(Map.of("error", why), Map.class).getBytes(StandardCharsets.UTF_8);
        HttpServletResponse response = ctx.res();
        response.setStatus(status.getCode());
        if (cutOff) {
            response.setHeader("Connection", "close");
            ctx.attribute(BODY_REFUSED, true);
        }
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
        ctx.skipRemainingHandlers();
    }

    /**
     * Closes the connection of a request whose body {@link #refuse} refused, once the exchange is over. Jetty
     * tells of a finished exchange only to listeners on its connectors, so this adds one to every connector the
     * server gets.
     */
    static void cutOffRefusedBodies(Server server) {
        HttpChannel.Listener closeRefused = new HttpChannel.Listener() {
            @Override
            public void onComplete(Request request) {
                if (request.getAttribute(BODY_REFUSED) != null) {
                    request.getHttpChannel().getEndPoint().close();
                }
            }
        };
        server.addEventListener(new Container.Listener() {
            @Override
            public void beanAdded(Container parent, Object child) {
                if (child instanceof AbstractConnector connector) {
                    connector.addBean(closeRefused);
                }
            }

            @Override
            public void beanRemoved(Container parent, Object child) {
            }
        });
    }
}
