package io.sentinelpager.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The emulator's one JSON mapper: a plain one, so that field order and values pass through untouched. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** @throws IllegalArgumentException if the text is not a JSON object */
    static ObjectNode readObject(String text) {
        JsonNode node = readTree(text);
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException("The request body must be a JSON object");
        }
        return object;
    }

    /** @throws IllegalArgumentException if the text is not JSON */
    static JsonNode readTree(String text) {
        try {
            JsonNode node = MAPPER.readTree(text == null ? "" : text);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException("The request body is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("The request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    static ObjectNode readResource(String path) {
        try (InputStream in = Json.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + path);
            }
            return (ObjectNode) MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
