package io.sentinelpager.responder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.http.BadRequestResponse;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.RecordLimits;
import org.junit.jupiter.api.Test;

class InputLimitsTest {

    @Test
    void aRefusalNamesTheFieldItsSizeInUtf8BytesAndTheLimit() {
        String euros = "€".repeat(1_334); // 1,334 characters, 4,002 bytes
        assertThatThrownBy(() -> InputLimits.requireBytes("field 'comment'", euros, 4_000))
                .isInstanceOf(BadRequestResponse.class)
                .hasMessage("field 'comment' is 4002 bytes in UTF-8; the limit is 4000 bytes");
        assertThat(InputLimits.requireBytes("field 'comment'", "€".repeat(1_333) + "a", 4_000)).hasSize(1_334);
        assertThat(InputLimits.requireBytes("field 'comment'", null, 4_000)).isNull();
        assertThat(InputLimits.overChars("Your reply", "😀".repeat(1_601), 1_600))
                .as("an emoji is one character, though two UTF-16 units")
                .contains("Your reply is 1601 characters; the limit is 1600 characters");
        assertThat(InputLimits.overChars("Your reply", "😀".repeat(1_600), 1_600)).isEmpty();
    }

    @Test
    void anActionsCommentIsBoundedInBytesAndItsClassificationIsOneOfGraphsWords() {
        String limit = "€".repeat(RecordLimits.COMMENT_BYTES / 3) + "a";
        new AlertsApi.ActionRequest(limit, "truePositive").check(ActionType.CLOSE);
        assertThatThrownBy(() -> new AlertsApi.ActionRequest(limit + "b", null).check(ActionType.ANNOTATE))
                .isInstanceOf(BadRequestResponse.class)
                .hasMessage("field 'comment' is 4001 bytes in UTF-8; the limit is 4000 bytes");
        assertThatThrownBy(() -> new AlertsApi.ActionRequest(" ", null).check(ActionType.ANNOTATE))
                .hasMessage("field 'comment' is required for a comment");
        assertThatThrownBy(() -> new AlertsApi.ActionRequest(null, "benign").check(ActionType.CLOSE))
                .hasMessage("field 'classification' is 'benign'; use one of [truePositive, falsePositive,"
                        + " informationalExpectedActivity, unknown]");
        assertThatThrownBy(() -> new AlertsApi.ActionRequest(null, "x".repeat(10_000)).check(ActionType.CLOSE))
                .hasMessageStartingWith("field 'classification' is 10000 bytes in UTF-8; the limit is 64 bytes;")
                .hasMessageNotContaining("xxx");
    }

    @Test
    void anIdempotencyKeyIsOneTo128PrintableAsciiCharacters() {
        String uuid = "3f2b9c1e-8a4d-4f6b-9e2a-1c5d7b8e9f01";
        assertThat(AlertsApi.checkedIdempotencyKey(uuid)).isEqualTo(uuid);
        assertThat(AlertsApi.checkedIdempotencyKey("~".repeat(128))).hasSize(128);
        assertThatThrownBy(() -> AlertsApi.checkedIdempotencyKey("k".repeat(129)))
                .hasMessageStartingWith("header 'Idempotency-Key' is 129 characters; it must be 1 to 128");
        assertThatThrownBy(() -> AlertsApi.checkedIdempotencyKey("café"))
                .hasMessageStartingWith("header 'Idempotency-Key' is 4 characters, not all of them printable ASCII;");
        assertThatThrownBy(() -> AlertsApi.checkedIdempotencyKey("two words")).isInstanceOf(BadRequestResponse.class);
        assertThatThrownBy(() -> AlertsApi.checkedIdempotencyKey("")).isInstanceOf(BadRequestResponse.class);
    }
}
