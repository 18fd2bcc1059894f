package io.sentinelpager.app;

import io.sentinelpager.responder.auth.Accounts;
import io.sentinelpager.responder.auth.Passwords;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pager passwd}: the lines to put in the responder's accounts file. The password is read without echo (or
 * from standard input when there is no terminal) and only its hash is printed.
 */
@Command(name = "passwd", mixinStandardHelpOptions = true,
        description = "Print a password hash, or a new API token and its digest, for the responder's accounts file.")
final class PasswdCommand implements Callable<Integer> {

    @Option(names = "--user", required = true, description = "the account's user id (as in the on-call config)")
    String user;

    @Option(names = "--token", description = "make a new API token for automation instead of hashing a password")
    String tokenName;

    @Override
    public Integer call() throws Exception {
        if (tokenName != null) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = "spt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            System.err.println("API token (shown once; give it to the automation, keep it out of files):");
            System.err.println("  " + token);
            System.out.printf("  - {name: %s, user: %s, sha256: \"%s\"}%n", tokenName, user, Accounts.digest(token));
            return 0;
        }
        char[] password = readPassword();
        if (password.length < 12) {
            System.err.println("use at least 12 characters");
            return 1;
        }
        System.out.printf("  - {user: %s, password: \"%s\"}%n", user, Passwords.hash(password));
        Arrays.fill(password, '\0');
        return 0;
    }

    private static char[] readPassword() throws Exception {
        Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("Password: ");
            char[] again = console.readPassword("Again: ");
            if (!Arrays.equals(first, again)) {
                throw new IllegalArgumentException("the passwords differ");
            }
            return first;
        }
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return line == null ? new char[0] : line.toCharArray();
    }
}
