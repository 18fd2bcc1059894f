package io.sentinelpager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.sentinelpager.platform.config.PagerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What an operator sees when the configuration file holds a key no service reads: start-up stops, saying why. */
class UnknownSettingsTest {

    @TempDir
    Path dir;

    @Test
    void aServiceRefusesToStartWithATypoInItsFile() throws Exception {
        Path file = Files.writeString(dir.resolve("pager.yaml"), """
                kafka:
                  bootstrap.servers: 127.0.0.1:1      # nothing listens: the check must come before any connection
                escalate:
                  closed:
                    retenton: 30d
                responder:
                  sesion.key: correct-horse-battery-staple-0123456789
                """);

        Run run = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run("escalate", "--config", file.toString()));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(
                "2 unknown setting(s) in the configuration file",
                file + ":5: escalate.closed.retenton (did you mean escalate.closed.retention?)",
                file + ":7: responder.sesion.key (did you mean responder.session.key?)")
                .doesNotContain("correct-horse").doesNotContain("\tat ");
    }

    @Test
    void theDemoRefusesBeforeStartingItsBroker() throws Exception {
        Path file = Files.writeString(dir.resolve("extra.properties"), "notify.email.smtp.hots=mail.contoso.com\n");

        // Starting the broker first would take longer than this.
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> run("demo", "--config", file.toString()));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(file + ":1: notify.email.smtp.hots (did you mean notify.email.smtp.host?)");
    }

    @Test
    void theReadmeExampleHoldsOnlyKnownSettings() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher yaml = Pattern.compile("```yaml\n(kafka:.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(yaml.find()).as("the example pager.yaml in README.md").isTrue();
        Path file = Files.writeString(dir.resolve("pager.yaml"), yaml.group(1));

        PagerConfig settings = PagerConfig.load(Optional.of(file), Map.of());

        assertThat(settings.origins()).containsKeys("kafka.security.protocol", "connectors.contoso.tenant.id");
        List<String> warnings = new ArrayList<>();
        Services.SETTINGS.check(settings, warnings::add);
        assertThat(warnings).isEmpty();
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine pager = PagerCommand.commandLine();
        pager.setOut(new PrintWriter(out, true));
        pager.setErr(new PrintWriter(err, true));
        int exitCode = pager.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }
}
