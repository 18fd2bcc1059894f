package io.sentinelpager.azure;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognizes Entra ID refusing the connector's credentials, wherever in a cause chain the SDKs put
 * it: an AADSTS error is permanent, the configuration (tenant, client id, secret, consent) is wrong,
 * except the few that Entra documents as transient (it is throttling or failing itself), which are
 * worth trying again. Shared by every API's classifier because every API gets its token the same way.
 */
final class EntraErrors {

    /** One AADSTS message sentence: Entra puts trace and correlation ids on the following lines. */
    private static final Pattern AADSTS = Pattern.compile("(AADSTS(\\d+)):? ?([^\\r\\n]*)");

    /**
     * AADSTS90033 "A transient error has occurred" (what Entra answers when it throttles or has an
     * outage), AADSTS90006 "the server encountered an internal error", AADSTS50000 "there was an
     * error issuing a token or an issue with our sign-in service".
     */
    private static final Set<String> TRANSIENT = Set.of("AADSTS90033", "AADSTS90006", "AADSTS50000");

    /** Entra's code (e.g. AADSTS7000215) and its one-line message. */
    record Refusal(String code, String message) {

        /** Whether asking again later may succeed: Entra's own trouble, not the connector's configuration. */
        boolean transientFailure() {
            return TRANSIENT.contains(code);
        }
    }

    private EntraErrors() {
    }

    static Optional<Refusal> find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            Matcher aadsts = t.getMessage() == null ? null : AADSTS.matcher(t.getMessage());
            if (aadsts != null && aadsts.find()) {
                return Optional.of(new Refusal(aadsts.group(1), aadsts.group(3).trim()));
            }
        }
        return Optional.empty();
    }

    static String describe(ConnectorConfig config, Refusal refusal) {
        return "Entra ID refused a token for app " + config.clientId() + " in tenant " + config.tenantId() + ": "
                + refusal.code() + ": " + refusal.message();
    }
}
