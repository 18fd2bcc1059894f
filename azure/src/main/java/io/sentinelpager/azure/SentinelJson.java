package io.sentinelpager.azure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * Reads ARM's Sentinel JSON into the typed models. Lenient where Azure evolves: unknown properties
 * are ignored and unknown enum values read as null, while each model keeps the JSON as received.
 */
final class SentinelJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
            .build();

    private SentinelJson() {
    }

    static SentinelIncident incident(JsonNode node) {
        return new SentinelIncident(node.path("id").asText(), node.path("name").asText(), node.path("etag").asText(null),
                convert(node.path("properties"), SentinelIncident.Properties.class), ((ObjectNode) node).deepCopy());
    }

    static SentinelAlert alert(JsonNode node) {
        return new SentinelAlert(node.path("id").asText(), node.path("name").asText(),
                convert(node.path("properties"), SentinelAlert.Properties.class), ((ObjectNode) node).deepCopy());
    }

    static IncidentComment comment(JsonNode node) {
        return new IncidentComment(node.path("id").asText(), node.path("name").asText(),
                convert(node.path("properties"), IncidentComment.Properties.class));
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** The body as JSON; an empty or non-JSON body (a proxy's HTML error page) as a missing node. */
    static JsonNode readOrEmpty(String text) {
        try {
            JsonNode node = text.isBlank() ? null : MAPPER.readTree(text);
            return node == null ? MissingNode.getInstance() : node;
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    private static <T> T convert(JsonNode properties, Class<T> type) {
        try {
            return MAPPER.treeToValue(properties.isMissingNode() ? MAPPER.createObjectNode() : properties, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unexpected Sentinel JSON for " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }
}
