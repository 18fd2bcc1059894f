package io.sentinelpager.app;

import io.sentinelpager.responder.auth.Accounts;
import io.sentinelpager.responder.auth.Passwords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Responder logins for the demo: the example config's people, one password made at random for this run (printed
 * in the banner, never written in clear), an API token for curl, and the key that signs one-click links. The manager
 * is an admin.
 */
record DemoAccounts(Path file, List<String> users, String password, String token, String linksKey) {

    static DemoAccounts write(Path directory, List<String> users, String admin) throws IOException {
        SecureRandom random = new SecureRandom();
        String password = randomText(random, 12);
        String token = "spt_" + randomText(random, 32);
        StringBuilder yaml = new StringBuilder("# Made by `pager demo` for this run only.\naccounts:\n");
        String hash = Passwords.hash(password.toCharArray());
        for (String user : users) {
            yaml.append("  - {user: ").append(user).append(", password: \"").append(hash).append("\"")
                    .append(user.equals(admin) ? ", admin: true" : "").append("}\n");
        }
        yaml.append("tokens:\n  - {name: demo-curl, user: ").append(users.get(0)).append(", sha256: \"")
                .append(Accounts.digest(token)).append("\"}\n");
        Path file = directory.resolve("accounts.yaml");
        Files.writeString(file, yaml);
        return new DemoAccounts(file, users, password, token, randomText(random, 32));
    }

    private static String randomText(SecureRandom random, int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }
}
