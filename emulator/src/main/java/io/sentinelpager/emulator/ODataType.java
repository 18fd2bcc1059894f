package io.sentinelpager.emulator;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@code @odata.type} of a request body, checked as Graph checks it. Graph's OData reader takes it as the
 * type of the object sent: it may be left out (Microsoft's published alert update request has none), may be
 * written with or without the leading {@code #} (the published comment request has none, Graph's responses have
 * one), and another type is refused with a 400, not ignored. The message is the OData library's
 * (ODataLib's tests); Graph users report the same 400 for a wrong type in a POST, and that wrong types sent by a
 * Graph SDK made writes fail (microsoftgraph/msgraph-sdk-go#217).
 */
final class ODataType {

    private ODataType() {
    }

    /**
     * @return the body
     * @throws IllegalArgumentException if the body names another type than {@code expected} ({@code #namespace.type})
     */
    static <T extends JsonNode> T require(T body, String expected) {
        JsonNode type = body.get("@odata.type");
        if (type == null) {
            return body;
        }
        String name = type.asText();
        if (!type.isTextual() || !expected.equals(name.startsWith("#") ? name : "#" + name)) {
            throw new IllegalArgumentException("A resource with type '" + name + "' was found, but it is not"
                    + " assignable to the expected type '" + expected.substring(1) + "'. The type specified in the"
                    + " resource must be equal to either the expected type or a derived type.");
        }
        return body;
    }
}
