package io.sentinelpager.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.escalate.EscalateConfig;
import io.sentinelpager.notify.NotifyConfig;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.responder.auth.Accounts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What an operator types on the way to a running deployment, and what they see. */
class OperatorErgonomicsTest {

    @TempDir
    Path dir;

    @Test
    void passwdWritesTheAccountsFileWhereTheCallerStandsUnderItsKeys() throws Exception {
        Files.writeString(dir.resolve("accounts.yaml"), """
                # who may log in
                accounts:
                  - {user: manager, password: "%s", admin: true}
                """.formatted(io.sentinelpager.responder.auth.Passwords.hash("manager-password".toCharArray())));
        Files.setPosixFilePermissions(dir.resolve("accounts.yaml"), PosixFilePermissions.fromString("rw-------"));

        // As ./pager runs it: from the checkout, with the caller's directory passed along.
        assertThat(passwd("analyst-password-1", "--user", "analyst", "--file", "accounts.yaml").exitCode()).isZero();
        assertThat(passwd("manager-password-2", "--user", "manager", "--file", "accounts.yaml").exitCode()).isZero();
        Run token = passwd("", "--user", "analyst", "--token", "soar", "--file", "accounts.yaml");

        assertThat(token.exitCode()).isZero();
        String file = Files.readString(dir.resolve("accounts.yaml"));
        assertThat(file).startsWith("# who may log in\naccounts:\n").contains("\ntokens:\n  - {name: soar, user: analyst");
        Accounts accounts = Accounts.load(dir.resolve("accounts.yaml"));
        assertThat(accounts.account("analyst")).isPresent();
        assertThat(accounts.isAdmin("manager")).as("a new password keeps the admin").isTrue();
        String printedToken = token.err().lines().filter(l -> l.strip().startsWith("spt_")).findFirst().orElseThrow()
                .strip();
        assertThat(accounts.token(printedToken)).isPresent();
        assertThat(token.out()).doesNotContain(printedToken);

        Run printed = passwd("", "--user", "soar", "--token", "soar-2");
        assertThat(printed.out()).startsWith("tokens:\n  - {name: soar-2, user: soar, sha256: \"");
    }

    @Test
    void theEmulatorsConnectorFileIsReadBackInTheFormatItsNameSays() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("connectors.contoso.tenant.id", "00000000-0000-0000-0000-000000000001");
        settings.put("connectors.contoso.client.secret", "a~secret: with # and \"quotes\"");
        settings.put("connectors.contoso.graph.url", "https://127.0.0.1:8443/v1.0");

        Path yaml = Files.writeString(dir.resolve("contoso.yaml"), EmulatorCommand.HEADER + "\n"
                + EmulatorCommand.asYaml(settings));
        Path properties = Files.writeString(dir.resolve("contoso.properties"), EmulatorCommand.HEADER + "\n"
                + EmulatorCommand.asProperties(settings));

        assertThat(EmulatorCommand.yaml(yaml)).isTrue();
        assertThat(EmulatorCommand.yaml(properties)).isFalse();
        for (Path file : List.of(yaml, properties)) {
            PagerConfig read = PagerConfig.load(Optional.of(file), Map.of());
            assertThat(read.withPrefix("connectors")).as("%s", file.getFileName()).containsExactlyInAnyOrderEntriesOf(
                    Map.of("contoso.tenant.id", "00000000-0000-0000-0000-000000000001",
                            "contoso.client.secret", "a~secret: with # and \"quotes\"",
                            "contoso.graph.url", "https://127.0.0.1:8443/v1.0"));
        }
    }

    @Test
    void theEmulatorRefusesToOverwriteAFileItDidNotWrite() throws Exception {
        Files.writeString(dir.resolve("pager.yaml"), "kafka:\n  bootstrap.servers: kafka-1:9092\n");

        Run run = run(null, "emulator", "--port", "0", "--connector-file", dir.resolve("pager.yaml").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("exists and was not written by pager emulator");
        assertThat(dir.resolve("pager.yaml")).hasContent("kafka:\n  bootstrap.servers: kafka-1:9092");
    }

    @Test
    void validateWarnsAboutContactMethodsNotifyCannotSendTo() throws Exception {
        Path settings = Files.writeString(dir.resolve("pager.yaml"), "notify:\n  inbox.dir: pager-inbox\n");

        Run run = run(null, "validate", "-f", Path.of("..", "examples", "config").toString(), "-c", settings.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("valid: 3 users");
        assertThat(run.err()).contains("warning: user lead: contact method email (lead@contoso.example): no e-mail"
                + " channel is configured (set notify.email.smtp.host)").doesNotContain("user analyst");
    }

    @Test
    void theResponderUrlsFollowTheRespondersPortOrPublicUrl() {
        PagerConfig byPort = Services.withResponderUrls(PagerConfig.empty().with("responder.port", "9090"));
        assertThat(byPort.string(NotifyConfig.RESPONDER_URL)).isEqualTo("http://localhost:9090");
        assertThat(byPort.string(EscalateConfig.RESPONDER_URL)).isEqualTo("http://localhost:9090");

        PagerConfig byPublicUrl = Services.withResponderUrls(PagerConfig.empty().with(Map.of(
                "responder.public.url", "https://pager.contoso.example/", "escalate.responder.url", "https://other")));
        assertThat(byPublicUrl.string(NotifyConfig.RESPONDER_URL)).isEqualTo("https://pager.contoso.example");
        assertThat(byPublicUrl.string(EscalateConfig.RESPONDER_URL)).as("set explicitly").isEqualTo("https://other");
    }

    private Run passwd(String stdin, String... args) {
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream((stdin + "\n").getBytes(StandardCharsets.UTF_8)));
        try {
            return run(dir.toString(), prepend("passwd", args));
        } finally {
            System.setIn(original);
        }
    }

    private static String[] prepend(String first, String... rest) {
        String[] out = new String[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    private record Run(int exitCode, String out, String err) {
    }

    /** The commands print to System.out and System.err, as the operator sees them. */
    private static Run run(String callerDir, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
        try {
            CommandLine pager = PagerCommand.commandLine(callerDir);
            int exitCode = pager.execute(args);
            return new Run(exitCode, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
