package io.sentinelpager.schemas;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The form of Entra ID's tenant and object ids, as {@link EntraIdentity} holds them: the on-call config refuses
 * anything else, and the responder refuses an ID token whose {@code tid} or {@code oid} has another form. Both compare
 * them in lower case, the form Entra issues.
 */
public final class EntraIds {

    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
            + "[0-9a-fA-F]{12}");

    private EntraIds() {
    }

    public static boolean isGuid(String text) {
        return text != null && GUID.matcher(text).matches();
    }

    /** The id as it is stored and compared. */
    public static String normalized(String guid) {
        return guid.toLowerCase(Locale.ROOT);
    }
}
