package io.sentinelpager.azure;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other IT of this module (see junit-platform.properties) and searches all they
 * logged, at DEBUG for azure-identity, MSAL, azure-core, the Graph SDK, OkHttp and our code,
 * stack traces included ({@code target/test-logs/azure-tests.log}, see logback-test.xml), for every
 * secret the run used: the client secrets, the .pfx password, every client assertion the emulators
 * received and every access token they issued, each verbatim and in every spelling {@link SecretForms} knows.
 *
 * <p>Run alone it fails, having nothing to search: run it with the other ITs.
 */
@Order(Integer.MAX_VALUE)
class LogGrepIT {

    private static final Path LOG = Path.of("target", "test-logs", "azure-tests.log");

    @Test
    void noSecretOrTokenIssuedInThisRunAppearsInItsLogs() throws IOException {
        List<String> tokens = AzureEmulator.accessTokensIssuedInThisJvm();
        List<String> assertions = AzureEmulator.clientAssertionsReceivedInThisJvm();
        assertThat(tokens).as("access tokens issued before this test: run it after the other ITs").hasSizeGreaterThan(10);
        assertThat(assertions).as("client assertions received (CertificateCredentialIT)").isNotEmpty();
        String log = Files.readString(LOG, StandardCharsets.UTF_8);
        assertThat(log).as("the client libraries logged at DEBUG")
                .contains("com.microsoft.aad.msal4j").contains("com.azure.identity").contains("com.azure.core");

        String clientId = EmulatorOptions.defaults().clientId();
        Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
        secrets.put("the client secret", SecretForms.ofClientSecret(clientId, EmulatorOptions.defaults().clientSecret()));
        secrets.put("a wrong client secret", SecretForms.ofClientSecret(clientId, GraphResilienceIT.WRONG_SECRET));
        secrets.put("another wrong client secret",
                SecretForms.ofClientSecret(clientId, GraphAlertsClientIT.WRONG_SECRET));
        secrets.put("the .pfx password", SecretForms.of(CertificateCredentialIT.PFX_PASSWORD));
        for (int i = 0; i < assertions.size(); i++) {
            secrets.put("client assertion " + i, SecretForms.of(assertions.get(i)));
            // Its signature alone would be as good to a thief as a replay within its lifetime.
            secrets.put("the signature of client assertion " + i, SecretForms.of(assertions.get(i).substring(
                    assertions.get(i).lastIndexOf('.') + 1)));
        }
        for (int i = 0; i < tokens.size(); i++) {
            secrets.put("access token " + i, SecretForms.of(tokens.get(i)));
        }
        List<String> found = SecretForms.foundIn(log, secrets);
        assertThat(found).as("secrets found in %s (%d lines, %d secrets searched in %d spellings)", LOG,
                log.lines().count(), secrets.size(), secrets.values().stream().mapToInt(Map::size).sum()).isEmpty();
    }
}
