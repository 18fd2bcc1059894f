package io.sentinelpager.platform.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
 * came from and what was expected.
 */
public final class PagerConfig {

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final Map<String, String> values;
    private final Map<String, String> origins;

    private PagerConfig(Map<String, String> values, Map<String, String> origins) {
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
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        if (file.isPresent()) {
            Path path = file.get();
            readFile(path).forEach((k, v) -> {
                values.put(k, v);
                origins.put(k, "file " + path);
            });
        }
        environment.forEach((name, value) -> {
            String key = keyOfEnvironmentVariable(name);
            if (key != null) {
                values.put(key, value);
                origins.put(key, "environment variable " + name);
            }
        });
        return new PagerConfig(values, origins);
    }

    /** A copy with these values on top, e.g. the addresses of the demo's embedded broker. */
    public PagerConfig with(Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>(this.values);
        Map<String, String> origins = new LinkedHashMap<>(this.origins);
        overrides.forEach((k, v) -> {
            values.put(k, v);
            origins.put(k, "override");
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

    public Path path(ConfigKey key) {
        return Path.of(string(key));
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
        String origin = origins.getOrDefault(key.name(), "default");
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

    private static Map<String, String> readFile(Path path) {
        if (!Files.isReadable(path)) {
            throw new ConfigException("configuration file " + path + " does not exist or is not readable");
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        try (Reader reader = Files.newBufferedReader(path)) {
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                Map<String, String> out = new LinkedHashMap<>();
                JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(reader);
                if (root != null && !root.isNull()) {
                    if (!root.isObject()) {
                        throw new ConfigException("configuration file " + path + " must hold a mapping of settings");
                    }
                    flatten("", root, out);
                }
                return out;
            }
            Properties properties = new Properties();
            properties.load(reader);
            Map<String, String> out = new LinkedHashMap<>();
            properties.stringPropertyNames().forEach(k -> out.put(k, properties.getProperty(k)));
            return out;
        } catch (IOException e) {
            throw new ConfigException("configuration file " + path + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), out);
            }
        } else if (!node.isNull()) {
            out.put(prefix, node.isValueNode() ? node.asText() : node.toString());
        }
    }
}
