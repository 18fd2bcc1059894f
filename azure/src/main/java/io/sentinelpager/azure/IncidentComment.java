package io.sentinelpager.azure;

import java.time.Instant;

/** A comment on a Sentinel incident. {@code name} is the comment id, chosen by whoever wrote it. */
public record IncidentComment(String id, String name, Properties properties) {

    public record Properties(String message, Instant createdTimeUtc, Instant lastModifiedTimeUtc, Author author) {
    }

    public record Author(String objectId, String email, String userPrincipalName, String name) {
    }
}
