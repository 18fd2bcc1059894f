package io.sentinelpager.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.RecordLimits;
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
        assertThat(RecordLimits.utf8Length(text)).as("the bound, in bytes").isEqualTo(50);
        assertThat(text).startsWith("ip 10.0.0.0, 10.0.0.1").endsWith("… [cut: 101 bytes in all]");
    }

    // The Entities of a Sentinel alert's SecurityAlert row, as Sentinel writes them.

    @Test
    void summarizesEachKindOfEntityOnTheSameLineAsGraphEvidence() {
        String entities = """
                [{"$id":"2","HostName":"srv01","DnsDomain":"contoso.com","OSFamily":"Windows","Type":"host"},
                 {"$id":"3","Name":"jdoe","UPNSuffix":"contoso.com","Type":"account"},
                 {"$id":"4","Address":"203.0.113.7","Location":{"CountryCode":"NL"},"Type":"ip"},
                 {"$id":"5","Name":"evil.ps1","Type":"file"},
                 {"$id":"6","Url":"https://evil.example/x","Type":"url"},
                 {"$id":"7","ProcessId":"4242","CommandLine":"powershell -enc AAAA","Type":"process"},
                 {"$id":"8","ProcessId":"77","Type":"process"},
                 {"$id":"9","MailboxPrimaryAddress":"ceo@contoso.com","Type":"mailbox"},
                 {"$id":"10","Algorithm":"SHA256","Value":"abc123","Type":"filehash"},
                 {"$id":"11","AppId":20893,"Name":"Microsoft Exchange Online","Type":"cloud-application"},
                 {"$id":"12","Name":"x","Type":"some-future-type"},
                 {"$id":"13","HostName":"ws7","Type":"host"},
                 {"$id":"14","NetBiosName":"LEGACY","Type":"host"}]""";

        assertThat(summary.summarizeEntities(entities)).isEqualTo(new EvidenceSummary.Summary(
                "host srv01.contoso.com, ws7, LEGACY; user jdoe@contoso.com, ceo@contoso.com; ip 203.0.113.7;"
                        + " file evil.ps1; url https://evil.example/x; process powershell -enc AAAA, 77", null));
    }

    @Test
    void aRefIsReadWhereItsEntityIsDefinedEvenInsideAnotherEntity() {
        String entities = """
                [{"$id":"2","ProcessId":"1","CommandLine":"whoami",
                  "Host":{"$id":"3","HostName":"srv01","Type":"host"},
                  "Account":{"$id":"4","Name":"svc","NTDomain":"CONTOSO","Type":"account"},
                  "ImageFile":{"$id":"5","Name":"whoami.exe","Type":"file"},"Type":"process"},
                 {"$ref":"3"},{"$ref":"4"},{"$ref":"5"},{"$ref":"404"}]""";

        assertThat(summary.summarizeEntities(entities).line())
                .isEqualTo("host srv01; user svc; file whoami.exe; process whoami");
    }

    @Test
    void tenThousandEntitiesGiveTheSameShortLine() {
        StringBuilder entities = new StringBuilder("[");
        for (int i = 0; i < 10_000; i++) {
            entities.append(i == 0 ? "" : ",").append("{\"$id\":\"").append(i).append("\",\"HostName\":\"host-")
                    .append(i).append("\",\"DnsDomain\":\"contoso.com\",\"Type\":\"host\"},{\"$ref\":\"")
                    .append(i).append("\"}");
        }

        EvidenceSummary.Summary line = summary.summarizeEntities(entities.append("]").toString());

        assertThat(line.problem()).isNull();
        assertThat(line.line()).hasSizeLessThanOrEqualTo(300).startsWith("host host-0.contoso.com, ")
                .endsWith("host-9.contoso.com").doesNotContain("host-10.");
    }

    @Test
    void noEntitiesGiveNoLineAndNoProblem() {
        assertThat(summary.summarizeEntities(null)).isEqualTo(new EvidenceSummary.Summary(null, null));
        assertThat(summary.summarizeEntities("")).as("the captured sample rows")
                .isEqualTo(new EvidenceSummary.Summary(null, null));
        assertThat(summary.summarizeEntities("[]")).isEqualTo(new EvidenceSummary.Summary(null, null));
        assertThat(summary.summarizeEntities("[{\"$ref\":\"1\"}, 7, \"text\", null]"))
                .isEqualTo(new EvidenceSummary.Summary(null, null));
    }

    @Test
    void malformedEntitiesGiveNoLineAndTheReason() {
        assertThat(summary.summarizeEntities("[{\"HostName\": \"srv01\", ")).isEqualTo(new EvidenceSummary.Summary(
                null, "the Entities of the alert's SecurityAlert row are not JSON, so they cannot be summarized"));
        assertThat(summary.summarizeEntities("{\"HostName\":\"srv01\",\"Type\":\"host\"}"))
                .isEqualTo(new EvidenceSummary.Summary(null, "the Entities of the alert's SecurityAlert row are not a"
                        + " JSON array, so they cannot be summarized"));
        assertThat(summary.summarizeEntities("[".repeat(5000) + "]".repeat(5000)).problem())
                .as("deeper than the parser allows").contains("are not JSON");

        String huge = "[" + "{\"Address\":\"10.0.0.1\",\"Type\":\"ip\"},".repeat(40_000) + "{}]";
        assertThat(summary.summarizeEntities(huge)).isEqualTo(new EvidenceSummary.Summary(null, "the Entities of the"
                + " alert's SecurityAlert row are " + huge.length() + " characters, more than the 1000000 read, so they"
                + " are not summarized"));
    }

    @Test
    void aGraphLineWinsOverTheEntitiesAndBothProblemsAreKept() {
        var graph = new EvidenceSummary.Summary("host a", null);
        var entities = new EvidenceSummary.Summary("host b", null);
        var broken = new EvidenceSummary.Summary(null, "p1");

        assertThat(graph.or(entities)).isEqualTo(graph);
        assertThat(new EvidenceSummary.Summary(null, null).or(entities)).isEqualTo(entities);
        assertThat(broken.or(new EvidenceSummary.Summary(null, "p2"))).isEqualTo(new EvidenceSummary.Summary(null,
                "p1; p2"));
    }
}
