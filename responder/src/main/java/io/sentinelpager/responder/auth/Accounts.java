package io.sentinelpager.responder.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may log in to the responder, from a YAML file that holds only password hashes and token digests:
 *
 * <pre>
 * accounts:
 *   - {user: analyst, password: "pbkdf2-sha256$600000$...$..."}   # user = a user id of the on-call config
 *   - {user: manager, password: "...", admin: true}                # admins may act on every team's alerts
 * tokens:                                                          # API tokens for automation
 *   - {name: soar, user: analyst, sha256: "&lt;hex digest of the token&gt;"}
 * </pre>
 *
 * {@code pager passwd} makes both. A token is 256 random bits, so a plain SHA-256 digest is enough to keep it
 * unusable if the file leaks; passwords need the slow KDF of {@link Passwords}.
 */
public final class Accounts {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private final Map<String, Account> byUser;
    private final Map<String, Token> byDigest;

    public record Account(String user, String password, boolean admin) {
    }

    public record Token(String name, String user, String sha256) {
    }

    private record File(List<Account> accounts, List<Token> tokens) {
    }

    private Accounts(Map<String, Account> byUser, Map<String, Token> byDigest) {
        this.byUser = byUser;
        this.byDigest = byDigest;
    }

    public static Accounts load(Path path) {
        File file;
        try {
            file = YAML.readValue(Files.readString(path), File.class);
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr();
            throw new IllegalArgumentException(path + at + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the accounts file " + path + ": " + e.getMessage());
        }
        Map<String, Account> byUser = new HashMap<>();
        List<Account> accounts = file == null || file.accounts() == null ? List.of() : file.accounts();
        for (int i = 0; i < accounts.size(); i++) {
            Account a = accounts.get(i);
            String where = path + ": accounts[" + i + "]";
            if (a.user() == null || a.user().isBlank()) {
                throw new IllegalArgumentException(where + ": 'user' is missing");
            }
            try {
                Passwords.validate(a.password());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + " (user " + a.user() + "): 'password' is " + e.getMessage());
            }
            if (byUser.put(a.user(), a) != null) {
                throw new IllegalArgumentException(where + ": user " + a.user() + " has a second account");
            }
        }
        Map<String, Token> byDigest = new HashMap<>();
        Set<String> names = new HashSet<>();
        List<Token> tokens = file == null || file.tokens() == null ? List.of() : file.tokens();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            String where = path + ": tokens[" + i + "]";
            if (t.name() == null || !names.add(t.name())) {
                throw new IllegalArgumentException(where + ": 'name' is missing or used twice");
            }
            if (t.user() == null || t.sha256() == null || !t.sha256().matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException(where + " (" + t.name()
                        + "): needs 'user' and 'sha256', the lowercase hex SHA-256 of the token");
            }
            byDigest.put(t.sha256(), t);
        }
        return new Accounts(Map.copyOf(byUser), Map.copyOf(byDigest));
    }

    public Optional<Account> account(String user) {
        return Optional.ofNullable(byUser.get(user));
    }

    /** The user a presented API token stands for. */
    public Optional<Token> token(String presented) {
        return presented == null ? Optional.empty() : Optional.ofNullable(byDigest.get(digest(presented)));
    }

    public boolean isAdmin(String user) {
        return account(user).map(Account::admin).orElse(false);
    }

    public static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
