package io.sentinelpager.emulator;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * Every access token that any emulator in this JVM issued and every client assertion one received,
 * kept after the emulator closes and after a token expires, so that a test run can search all its
 * log output for them at the end ({@code LogGrepIT} in the azure module). Bounded: a long
 * {@code pager demo} keeps the latest {@value #CAPACITY} of each.
 */
final class IssuedCredentials {

    static final int CAPACITY = 100_000;

    private static final LinkedHashSet<String> ACCESS_TOKENS = new LinkedHashSet<>();
    private static final LinkedHashSet<String> CLIENT_ASSERTIONS = new LinkedHashSet<>();

    private IssuedCredentials() {
    }

    static void accessToken(String token) {
        add(ACCESS_TOKENS, token);
    }

    static void clientAssertion(String assertion) {
        add(CLIENT_ASSERTIONS, assertion);
    }

    static synchronized List<String> accessTokens() {
        return List.copyOf(ACCESS_TOKENS);
    }

    static synchronized List<String> clientAssertions() {
        return List.copyOf(CLIENT_ASSERTIONS);
    }

    private static synchronized void add(LinkedHashSet<String> set, String value) {
        if (set.size() == CAPACITY) {
            set.remove(set.iterator().next());
        }
        set.add(value);
    }
}
