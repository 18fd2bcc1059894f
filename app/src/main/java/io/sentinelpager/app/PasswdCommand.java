package io.sentinelpager.app;

import io.sentinelpager.responder.auth.Accounts;
import io.sentinelpager.responder.auth.Passwords;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pager passwd}: an account or an API token for the responder's accounts file (its layout is in
 * {@link Accounts}), printed under its key ({@code accounts:} or {@code tokens:}) or written into the file. The
 * password is read without echo (or from standard input when there is no terminal) and only its hash is kept.
 */
@Command(name = "passwd", mixinStandardHelpOptions = true,
        description = "Make a password hash, or a new API token and its digest, for the responder's accounts file"
                + " (responder.accounts.file): printed, or written into the file with --file.")
final class PasswdCommand implements Callable<Integer> {

    @Option(names = "--user", required = true, description = "the account's user id (as in the on-call config)")
    String user;

    @Option(names = "--token", description = "make a new API token for automation instead of hashing a password")
    String tokenName;

    @Option(names = "--file", description = "the accounts file to add the entry to (created if missing, owner-only);"
            + " an entry of the same user (or token name) is replaced")
    Path file;

    @Override
    public Integer call() throws Exception {
        String section;
        String entry;
        Pattern same;
        if (tokenName != null) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = "spt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            System.err.println("API token (shown once; give it to the automation, keep it out of files):");
            System.err.println("  " + token);
            section = "tokens:";
            entry = String.format("  - {name: %s, user: %s, sha256: \"%s\"}", tokenName, user, Accounts.digest(token));
            same = Pattern.compile("\\s*-\\s*\\{\\s*name:\\s*\"?" + Pattern.quote(tokenName) + "\"?\\s*,.*");
        } else {
            char[] password = readPassword();
            if (password.length < 12) {
                System.err.println("use at least 12 characters");
                return 1;
            }
            section = "accounts:";
            entry = String.format("  - {user: %s, password: \"%s\"}", user, Passwords.hash(password));
            Arrays.fill(password, '\0');
            same = Pattern.compile("\\s*-\\s*\\{\\s*user:\\s*\"?" + Pattern.quote(user) + "\"?\\s*,.*");
        }
        if (file == null) {
            System.out.println(section);
            System.out.println(entry);
            System.err.println("(add the entry under " + section + " in the file responder.accounts.file names,"
                    + " or let pager passwd do it with --file)");
            return 0;
        }
        return write(section, entry, same) ? 0 : 1;
    }

    /**
     * Adds the entry to its section of the file, or replaces the section's entry for the same user or token, keeping
     * every other line (comments included); the result must load as the responder loads it, or the file is left as
     * it was.
     */
    private boolean write(String section, String entry, Pattern same) throws Exception {
        boolean existed = Files.exists(file);
        List<String> before = existed ? Files.readAllLines(file) : List.of();
        List<String> lines = new ArrayList<>(before);
        int start = lines.indexOf(section);
        if (start < 0) {
            lines.add(section);
            lines.add(entry);
        } else {
            int end = start + 1;
            int replace = -1;
            while (end < lines.size() && (lines.get(end).isBlank() || Character.isWhitespace(lines.get(end).charAt(0))
                    || lines.get(end).startsWith("#"))) {
                if (same.matcher(lines.get(end)).matches()) {
                    replace = end;
                }
                end++;
            }
            if (replace >= 0) {
                // A new password keeps the account an admin if it was one.
                boolean admin = lines.get(replace).replace(" ", "").contains("admin:true");
                lines.set(replace, admin && tokenName == null ? entry.replaceFirst("}$", ", admin: true}") : entry);
            } else {
                while (end > start + 1 && lines.get(end - 1).isBlank()) {
                    end--;
                }
                lines.add(end, entry);
            }
        }
        if (!existed) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.write(file, lines);
        try {
            Accounts.load(file);
        } catch (IllegalArgumentException e) {
            if (existed) {
                Files.write(file, before);
            } else {
                Files.delete(file);
            }
            System.err.println("the accounts file " + file + " would not load after the change, so it is left as it"
                    + " was: " + e.getMessage());
            return false;
        }
        System.err.println((existed ? "updated " : "created ") + file + " (" + section.replace(":", "") + ": "
                + (tokenName != null ? tokenName : user) + ")");
        return true;
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
