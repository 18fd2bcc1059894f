package io.sentinelpager.notify;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Secret settings under one prefix, each under a name: {@code notify.webhook.secret.url.ops} holds the URL that the
 * name {@code ops} stands for. A contact method whose address would be a credential (a Teams Workflows or webhook URL
 * with its token, a public ntfy topic) has only the name as its address, so the credential lives in notify's settings
 * alone: never in {@code config.users}, {@code notifications.out}, notify's stores or a receipt. Every prefix holds
 * "secret", which keeps the values masked where the settings are printed; {@link #toString()} shows the names only.
 *
 * <p>Names are case-insensitive: an environment variable ({@code PAGER_NOTIFY_WEBHOOK_SECRET_URL_OPS}) can only
 * set a lower-case one.
 */
public final class NamedSecrets {

    /** What {@code pager validate} accepts as the address of a named contact method. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final String prefix;
    private final Map<String, Secret> values;

    private NamedSecrets(String prefix, Map<String, Secret> values) {
        this.prefix = prefix;
        this.values = values;
    }

    /** Every non-blank setting under {@code prefix.}, by its lower-cased name. */
    public static NamedSecrets from(PagerConfig config, String prefix) {
        if (!prefix.contains(".secret.")) {
            throw new IllegalArgumentException(prefix + " must hold .secret. so that start-up masks its values");
        }
        TreeMap<String, Secret> values = new TreeMap<>();
        config.withPrefix(prefix).forEach((name, value) -> {
            if (!value.isBlank()) {
                values.put(name.toLowerCase(Locale.ROOT), Secret.of(value.trim()));
            }
        });
        return new NamedSecrets(prefix, Collections.unmodifiableSortedMap(values));
    }

    /**
     * The settings under {@code prefix.}, each an absolute http(s) URL, or the setting fails start-up by its name
     * (never with its value), so a send never meets a URL it cannot parse.
     */
    public static NamedSecrets urls(PagerConfig config, String prefix) {
        return from(config, prefix).check("an http(s) URL", uri -> true);
    }

    /** Fails start-up, naming the setting and what was expected, on a value that is not a URL that passes the test. */
    NamedSecrets check(String expected, Predicate<URI> test) {
        values.keySet().forEach(name -> {
            Optional<URI> uri = parse(values.get(name));
            if (uri.isEmpty() || !test.test(uri.get())) {
                throw new ConfigException("setting " + key(name) + " is ****, expected " + expected);
            }
        });
        return this;
    }

    /** The names, sorted; what start-up logs. */
    public Set<String> names() {
        return values.keySet();
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public Optional<Secret> find(String name) {
        return Optional.ofNullable(values.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * The URL the contact method's name stands for; a name with none is a permanent failure (the page falls back to
     * the user's next contact method) that says which setting to set.
     *
     * @param what what the URL is, for the failure: "webhook URL", "ntfy topic URL"
     */
    URI uri(String name, String what) throws DeliveryFailure {
        if (!NAME.matcher(name).matches()) {
            // A literal URL from before addresses were names, perhaps with its token: never repeat it.
            throw DeliveryFailure.permanent("the address of this contact method is not a name; give it one and set "
                    + prefix + ".<name> to the " + what);
        }
        Secret url = find(name).orElseThrow(() -> DeliveryFailure.permanent("no " + what
                + " is configured under the name '" + name + "': set " + key(name)));
        // Checked at start-up, so this never fails, and never puts the URL in an exception.
        return parse(url).orElseThrow(() -> DeliveryFailure.permanent(key(name) + " is not a URL"));
    }

    /** The setting that holds the name's value. */
    public String key(String name) {
        return prefix + "." + name.toLowerCase(Locale.ROOT);
    }

    private static Optional<URI> parse(Secret value) {
        try {
            URI uri = new URI(value.reveal());
            boolean http = "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme());
            return http && uri.getHost() != null ? Optional.of(uri) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return values.keySet().toString();
    }
}
