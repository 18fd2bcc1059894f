package io.sentinelpager.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EvidenceSummaryTest {

    final EvidenceSummary summary = new EvidenceSummary(300);

    @Test
    void summarizesThePublishedDefenderAlertEvidence() throws Exception {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/defender-alert.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(summary.summarize(json).line()).isEqualTo("host tempDns; user SYSTEM; file MsSense.exe; process MsSense.exe");
    }

    @Test
    void noEvidenceOrUnreadableJsonGivesNoSummary() {
        assertThat(summary.summarize("{\"evidence\":[]}")).isEqualTo(new EvidenceSummary.Summary(null, null));
        EvidenceSummary.Summary unreadable = summary.summarize("not json");
        assertThat(unreadable.line()).isNull();
        assertThat(unreadable.problem()).isEqualTo("the alert's source JSON is not JSON, so its evidence cannot be summarized");
    }

    @Test
    void longSummariesAreCutWithAMarker() {
        StringBuilder json = new StringBuilder("{\"evidence\":[");
        for (int i = 0; i < 200; i++) {
            json.append(i == 0 ? "" : ",").append("{\"@odata.type\":\"#microsoft.graph.security.ipEvidence\",\"ipAddress\":\"10.0.0.")
                    .append(i).append("\"}");
        }
        String text = new EvidenceSummary(50).summarize(json.append("]}").toString()).line();
        assertThat(text).hasSize(50).endsWith("…").startsWith("ip 10.0.0.0, 10.0.0.1");
    }
}
