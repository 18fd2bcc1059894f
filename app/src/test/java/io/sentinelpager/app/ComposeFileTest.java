package io.sentinelpager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.sentinelpager.platform.config.PagerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker-compose.yml at the repository root gives our image only commands that exist and settings some service
 * reads: nobody can run the stack here (no Docker engine), so a misspelt option or variable would otherwise be found
 * by the first operator, as a crash loop or, for a variable, as a setting silently not in effect.
 */
class ComposeFileTest {

    private static final String IMAGE = "sentinel-pager";

    @Test
    void everyCommandGivenToOurImageIsAPagerCommandAndEveryServiceRuns() throws Exception {
        Map<String, Map<String, Object>> ours = servicesOfOurImage();

        List<String> commands = new ArrayList<>();
        ours.forEach((name, service) -> {
            List<String> command = strings(service.get("command"));
            assertThatCode(() -> PagerCommand.commandLine().parseArgs(command.toArray(String[]::new)))
                    .as("command of %s in docker-compose.yml: %s", name, command).doesNotThrowAnyException();
            commands.add(command.get(0));
        });

        assertThat(commands).as("each service in a container of its own")
                .containsAll(Services.ALL.keySet()).contains("topics", "apply", "emulator");
    }

    @Test
    void everyVariableGivenToOurImageIsASettingSomeServiceReads() throws Exception {
        Map<String, Map<String, Object>> ours = servicesOfOurImage();

        ours.forEach((name, service) -> {
            Map<String, String> environment = new LinkedHashMap<>();
            ((Map<?, ?>) service.getOrDefault("environment", Map.of()))
                    .forEach((variable, value) -> environment.put(variable.toString(), String.valueOf(value)));
            // The check each service makes of its environment at start-up, where an unknown one is only a warning.
            List<String> unknown = new ArrayList<>();
            Services.SETTINGS.check(PagerConfig.load(List.of(), environment), unknown::add);
            assertThat(unknown).as("environment of %s in docker-compose.yml", name).isEmpty();
        });
        Map<?, ?> responder = (Map<?, ?>) ours.get("responder").get("environment");
        assertThat(responder.keySet().stream().map(String::valueOf))
                .as("the responder's settings, from the shared x-pager-env block and its own")
                .contains("KAFKA_BOOTSTRAP_SERVERS", "PAGER_RESPONDER_SESSION_KEY", "PAGER_RESPONDER_HOST");
    }

    /** The services run from our image, by name, with YAML anchors and merge keys resolved as docker-compose does. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> servicesOfOurImage() throws Exception {
        Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(Path.of("..", "docker-compose.yml")));
        Map<String, Map<String, Object>> ours = new LinkedHashMap<>();
        ((Map<String, Map<String, Object>>) compose.get("services")).forEach((name, service) -> {
            if (IMAGE.equals(service.get("image"))) {
                ours.put(name, service);
            }
        });
        return ours;
    }

    private static List<String> strings(Object list) {
        return ((List<?>) list).stream().map(String::valueOf).toList();
    }
}
