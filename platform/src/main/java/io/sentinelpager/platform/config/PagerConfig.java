package io.sentinelpager.platform.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Layered configuration: defaults in code, then a properties or YAML file, then environment variables
 * ({@code PAGER_*} for ours, {@code KAFKA_*} for the Kafka clients), then explicit overrides (the demo and tests).
 * Later layers win. Values are read through typed accessors that fail with the key's name, the layer the value
 * came from (with the file's line) and what was expected.
 */
public final class PagerConfig {

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Where a value came from, as a person reads it in an error: {@code pager.yaml:12}, a variable, or code. */
    public record Origin(Layer layer, String name, int line) {

        public enum Layer { FILE, ENVIRONMENT, OVERRIDE }

        @Override
        public String toString() {
            return switch (layer) {
                case FILE -> "file " + name + (line > 0 ? ":" + line : "");
                case ENVIRONMENT -> "environment variable " + name;
                case OVERRIDE -> "override";
            };
        }
    }

    /** One setting as read from the file, with the line it is on (0 when unknown). */
    private record FileSetting(String value, int line) {
    }

    private final Map<String, String> values;
    private final Map<String, Origin> origins;

    private PagerConfig(Map<String, String> values, Map<String, Origin> origins) {
        this.values = Map.copyOf(values);
        this.origins = Map.copyOf(origins);
    }

    public static PagerConfig empty() {
        return new PagerConfig(Map.of(), Map.of());
    }

    /** Reads the file (if any) and the process environment. */
    public static PagerConfig load(Optional<Path> file) {
        return load(file, System.getenv());
    }

    public static PagerConfig load(Optional<Path> file, Map<String, String> environment) {
        return load(file.stream().toList(), environment);
    }

    /**
     * Reads the files in order, a setting in a later file replacing the same setting in an earlier one (the
     * cluster's settings in one file, a connector's with its secret in another, readable by fewer people), then the
     * environment.
     */
    public static PagerConfig load(List<Path> files, Map<String, String> environment) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Origin> origins = new LinkedHashMap<>();
        for (Path path : files) {
            readFile(path).forEach((k, setting) -> {
                values.put(k, setting.value());
                origins.put(k, new Origin(Origin.Layer.FILE, path.toString(), setting.line()));
            });
        }
        environment.forEach((name, value) -> {
            String key = keyOfEnvironmentVariable(name);
            if (key != null) {
                values.put(key, value);
                origins.put(key, new Origin(Origin.Layer.ENVIRONMENT, name, 0));
            }
        });
        return new PagerConfig(values, origins);
    }

    /** A copy with these values on top, e.g. the addresses of the demo's embedded broker. */
    public PagerConfig with(Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>(this.values);
        Map<String, Origin> origins = new LinkedHashMap<>(this.origins);
        overrides.forEach((k, v) -> {
            values.put(k, v);
            origins.put(k, new Origin(Origin.Layer.OVERRIDE, "", 0));
        });
        return new PagerConfig(values, origins);
    }

    public PagerConfig with(String key, String value) {
        return with(Map.of(key, value));
    }

    public Optional<String> optional(ConfigKey key) {
        String value = values.get(key.name());
        if (value == null || value.isBlank()) {
            return Optional.ofNullable(key.defaultValue());
        }
        return Optional.of(value.trim());
    }

    public String string(ConfigKey key) {
        return optional(key).orElseThrow(() -> new ConfigException(
                "missing required setting " + key.name() + " (environment variable " + key.environmentVariable()
                        + "): " + key.doc()));
    }

    public Secret secret(ConfigKey key) {
        return Secret.of(string(key));
    }

    public int integer(ConfigKey key) {
        String raw = string(key);
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw malformed(key, "a whole number", e);
        }
    }

    public boolean bool(ConfigKey key) {
        String raw = string(key).toLowerCase(Locale.ROOT);
        return switch (raw) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw malformed(key, "true or false", null);
        };
    }

    /** Accepts ISO-8601 ({@code PT30S}) or short forms: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}. */
    public Duration duration(ConfigKey key) {
        String raw = string(key);
        Matcher m = SHORT_DURATION.matcher(raw.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(raw);
        } catch (DateTimeParseException e) {
            throw malformed(key, "a duration such as 30s, 5m or PT30S", e);
        }
    }

    /**
     * A path; a relative one written in a file is relative to that file's directory, where whoever wrote it looked
     * (the ./pager script runs the command from the checkout, not from where the file is).
     */
    public Path path(ConfigKey key) {
        Path path = Path.of(string(key));
        Origin origin = origins.get(key.name());
        if (path.isAbsolute() || origin == null || origin.layer() != Origin.Layer.FILE) {
            return path;
        }
        Path directory = Path.of(origin.name()).toAbsolutePath().getParent();
        return directory == null ? path : directory.resolve(path).normalize();
    }

    /** Every setting under {@code prefix.} with the prefix removed, e.g. the Kafka client properties. */
    public Map<String, String> withPrefix(String prefix) {
        String p = prefix.endsWith(".") ? prefix : prefix + ".";
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(p)) {
                out.put(k.substring(p.length()), v);
            }
        });
        return out;
    }

    /** Where each setting that is set came from; a key set in two layers has the later one's origin. */
    public Map<String, Origin> origins() {
        return origins;
    }

    /** The settings as a person should see them at start-up: secrets and anything that looks like one masked. */
    public Map<String, String> describe() {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k, looksSecret(k) ? "****" : v));
        return out;
    }

    private static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("secret") || k.contains("password") || k.contains("token") || k.contains("jaas")
                || k.endsWith(".key") || k.contains("private");
    }

    private ConfigException malformed(ConfigKey key, String expected, Exception cause) {
        String origin = origins.containsKey(key.name()) ? origins.get(key.name()).toString() : "default";
        String shown = key.secret() || looksSecret(key.name()) ? "****" : "'" + values.get(key.name()) + "'";
        return new ConfigException("setting " + key.name() + " from " + origin + " is " + shown + ", expected "
                + expected, cause);
    }

    static String keyOfEnvironmentVariable(String name) {
        if (name.startsWith("PAGER_")) {
            return name.substring("PAGER_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
        }
        if (name.startsWith("KAFKA_")) {
            return name.toLowerCase(Locale.ROOT).replace('_', '.');
        }
        return null;
    }

    private static Map<String, FileSetting> readFile(Path path) {
        if (!Files.isReadable(path)) {
            throw new ConfigException("configuration file " + path + " does not exist or is not readable");
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            return name.endsWith(".yaml") || name.endsWith(".yml") ? readYaml(path) : readProperties(path);
        } catch (IOException e) {
            throw new ConfigException("configuration file " + path + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Nested mappings become dotted keys ({@code kafka: {bootstrap.servers: x}} is kafka.bootstrap.servers). */
    private static Map<String, FileSetting> readYaml(Path path) throws IOException {
        Map<String, FileSetting> out = new LinkedHashMap<>();
        try (JsonParser parser = YAML.createParser(Files.newBufferedReader(path))) {
            JsonToken root = parser.nextToken();
            if (root == null || root == JsonToken.VALUE_NULL) {
                return out;
            }
            if (root != JsonToken.START_OBJECT) {
                throw new ConfigException("configuration file " + path + " must hold a mapping of settings");
            }
            readMapping("", parser, out);
        }
        return out;
    }

    /** Reads the mapping the parser is at, streaming rather than as a tree so that each key keeps its line. */
    private static void readMapping(String prefix, JsonParser parser, Map<String, FileSetting> out)
            throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = prefix + parser.currentName();
            int line = parser.currentTokenLocation().getLineNr();
            JsonToken value = parser.nextToken();
            if (value == JsonToken.START_OBJECT) {
                readMapping(key + ".", parser, out);
            } else if (value == JsonToken.START_ARRAY) {
                out.put(key, new FileSetting(YAML.readTree(parser).toString(), line));
            } else if (value != JsonToken.VALUE_NULL) {
                out.put(key, new FileSetting(parser.getText(), line));
            }
        }
    }

    /**
     * Java's own properties syntax, one logical line (a line and its backslash continuations) at a time, so that
     * each key keeps the line it starts on.
     */
    private static Map<String, FileSetting> readProperties(Path path) throws IOException {
        Map<String, FileSetting> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(path);
        for (int i = 0; i < lines.size(); i++) {
            int first = i;
            StringBuilder logical = new StringBuilder(lines.get(i));
            String start = lines.get(i).stripLeading();
            boolean comment = start.startsWith("#") || start.startsWith("!");
            while (!comment && continues(lines.get(i)) && i + 1 < lines.size()) {
                logical.append('\n').append(lines.get(++i));
            }
            Properties properties = new Properties();
            properties.load(new StringReader(logical.toString()));
            properties.stringPropertyNames().forEach(k -> out.put(k, new FileSetting(properties.getProperty(k),
                    first + 1)));
        }
        return out;
    }

    /** A line that ends in an odd number of backslashes goes on on the next line (a comment line does not). */
    private static boolean continues(String line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }
}
