package io.sentinelpager.oncall.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads a directory of YAML files (users, teams, schedules, escalations, policies; any file may hold any kind) and
 * checks everything: syntax, fields, values, and references between objects. Every problem names its file and line;
 * the caller publishes nothing unless there are none. Each section has a reader of its own; the references between
 * sections are checked once every file is read.
 */
public final class ConfigLoader {

    /** The outcome: the records, and the problems that forbid publishing them. */
    public record Result(ConfigSet config, List<Problem> problems) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    private static final Set<String> KINDS = Set.of("users", "teams", "schedules", "escalations", "policies");

    private final List<Problem> problems = new ArrayList<>();
    private final Definitions defined = new Definitions();

    private ConfigLoader() {
    }

    public static Result load(Path directory) {
        ConfigLoader loader = new ConfigLoader();
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            return new Result(empty(), List.of(new Problem(directory, 0, "cannot list the directory: " + e.getMessage())));
        }
        if (files.isEmpty()) {
            return new Result(empty(), List.of(new Problem(directory, 0, "no .yaml or .yml files here")));
        }
        for (Path file : files) {
            YamlFile yaml = YamlFile.read(file, loader.problems);
            if (yaml != null) {
                loader.readFile(yaml);
            }
        }
        ReferenceCheck.run(loader.defined, loader.problems);
        return new Result(loader.defined.configSet(), List.copyOf(loader.problems));
    }

    private static ConfigSet empty() {
        return new ConfigSet(List.of(), List.of(), List.of(), List.of(), List.of());
    }

    private void readFile(YamlFile file) {
        if (file.root == null || file.root.isNull() || file.root.isMissingNode()) {
            return;
        }
        if (!file.root.isObject()) {
            problems.add(file.problem("", "must be a mapping with any of " + KINDS));
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = file.root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> kind = it.next();
            String pointer = "/" + kind.getKey();
            if (!KINDS.contains(kind.getKey())) {
                problems.add(file.problem(pointer, "unknown section '" + kind.getKey() + "'; sections are " + KINDS));
                continue;
            }
            if (!kind.getValue().isArray()) {
                problems.add(file.problem(pointer, kind.getKey() + " must be a list"));
                continue;
            }
            for (int i = 0; i < kind.getValue().size(); i++) {
                Item item = new Item(problems, file, pointer + "/" + i, kind.getValue().get(i));
                switch (kind.getKey()) {
                    case "users" -> UsersReader.read(item, defined);
                    case "teams" -> TeamsReader.read(item, defined);
                    case "schedules" -> SchedulesReader.read(item, defined);
                    case "escalations" -> EscalationsReader.read(item, defined);
                    default -> PoliciesReader.read(item, defined);
                }
            }
        }
    }
}
