package io.sentinelpager.oncall.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML file read twice: once as a tree to walk, once as a token stream that records the line of every JSON
 * pointer, so that any problem found later in the tree can name its file and line.
 */
final class YamlFile {

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(YAML);

    final Path path;
    final JsonNode root;
    private final Map<String, Integer> lines;

    private YamlFile(Path path, JsonNode root, Map<String, Integer> lines) {
        this.path = path;
        this.root = root;
        this.lines = lines;
    }

    /** Reads the file; a syntax error is reported as a problem with its line, and gives null. */
    static YamlFile read(Path path, java.util.List<Problem> problems) {
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException e) {
            problems.add(new Problem(path, 0, "cannot read: " + e.getMessage()));
            return null;
        }
        try {
            JsonNode root = MAPPER.readTree(text);
            Map<String, Integer> lines = new HashMap<>();
            try (JsonParser parser = YAML.createParser(text)) {
                for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                    String pointer = parser.getParsingContext().pathAsPointer().toString();
                    lines.putIfAbsent(pointer, parser.currentTokenLocation().getLineNr());
                }
            }
            return new YamlFile(path, root, lines);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            problems.add(new Problem(path, line, "not valid YAML: " + e.getOriginalMessage()));
            return null;
        } catch (IOException e) {
            problems.add(new Problem(path, 0, "cannot read: " + e.getMessage()));
            return null;
        }
    }

    /** A problem with the value at this JSON pointer, on its line. */
    Problem problem(String pointer, String message) {
        return new Problem(path, line(pointer), message);
    }

    /** The line of the value at this JSON pointer, or of its nearest parent that has one. */
    int line(String pointer) {
        for (String p = pointer; ; p = p.substring(0, p.lastIndexOf('/'))) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            if (p.isEmpty()) {
                return 0;
            }
        }
    }
}
