package io.sentinelpager.schemas;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * How large a record and each of its free-text fields may be, in one place: the responder refuses at its door what
 * escalate would refuse from a topic, ingest and enrich cut what Azure sends to the same bounds, and a unit test
 * adds the bounds up into each record's worst case. Limits that protect a record's size count UTF-8 bytes, not
 * characters: a character can take up to four bytes, and the broker counts bytes.
 */
public final class RecordLimits {

    /**
     * The largest record value a service writes to any catalog topic. Kafka's defaults (the producer's
     * {@code max.request.size}, the broker's {@code message.max.bytes}) are 1 MiB; the margin leaves room for the
     * key, the headers a dead letter adds, and the batch overhead.
     */
    public static final int MAX_RECORD_BYTES = 900 * 1024;

    /** A responder's comment (note, acknowledge or close remark): a few paragraphs, also on Graph and Sentinel. */
    public static final int COMMENT_BYTES = 4_000;
    /** A close classification such as {@code truePositive}; Graph and Sentinel each have a handful of values. */
    public static final int CLASSIFICATION_BYTES = 64;
    /** A client's {@code Idempotency-Key}: a UUID or a similar token, printable ASCII. */
    public static final int IDEMPOTENCY_KEY_CHARS = 128;
    /** An id: a user, a connector, an action, a notification, a team, a policy. */
    public static final int ID_BYTES = 256;
    /** An alert key, {@code connectorId:alertId}. */
    public static final int ALERT_KEY_BYTES = 2 * ID_BYTES + 1;

    /** An alert's title. */
    public static final int TITLE_BYTES = 1_000;
    /** An alert's description. */
    public static final int DESCRIPTION_BYTES = 32 * 1024;
    /**
     * A phone's push-subscription endpoint, sealed on push.subscriptions: push services' URLs are a few hundred
     * characters; the responder refuses longer ones.
     */
    public static final int PUSH_ENDPOINT_BYTES = 2_048;

    /**
     * Names of a Sentinel incident's comments that ingest remembers per alert (IngestSeen's commentsHandled): those
     * created lately, which could still show in a listing after a newer one; older ones are covered by a time.
     */
    public static final int SEEN_COMMENT_NAMES = 50;

    /** The alert JSON as Azure sent it, kept on alerts.raw for audit. */
    public static final int SOURCE_JSON_BYTES = 256 * 1024;
    /**
     * A short name an alert carries from its source: a product, a detection or service source, a tactic, a technique,
     * a tag, a result column's name or type. Real ones are a few dozen characters.
     */
    public static final int LABEL_BYTES = 256;
    /**
     * A link on an alert (to the alert, the incident, or the rule's query in Logs, which carries the query gzipped).
     * Longer is not a link a phone opens; a link is left out rather than cut, since a cut link opens the wrong page.
     */
    public static final int URL_BYTES = 8 * 1024;
    /** Items of a list an alert carries from its source (tags, MITRE techniques); more are counted, not listed. */
    public static final int LIST_ITEMS = 50;

    /** The evidence summary on an enriched alert: one line, which SMS-sized pages quote. */
    public static final int SUMMARY_BYTES = 1_000;
    /**
     * Why something failed or was left out: an enrichment's detail, a delivery receipt's, a write-back result's. The
     * answers of providers and Azure go in here, and they can be pages long.
     */
    public static final int DETAIL_BYTES = 4_000;
    /**
     * Room that alerts.enriched leaves for what policy adds on alerts.routed (team, chain and policy ids, group key,
     * suppress reason, maintenance windows): enrich keeps its records within {@code MAX_RECORD_BYTES - ROUTING_BYTES}.
     */
    public static final int ROUTING_BYTES = 64 * 1024;
    /** Maintenance windows of one team or one policy; past ones can be removed from the config. */
    public static final int MAINTENANCE_WINDOWS = 20;
    /** Why a window holds or suppresses pages, or why a policy suppresses: a sentence. */
    public static final int REASON_BYTES = 1_000;

    /** One event of a page's timeline: its detail (a comment, a reason). */
    public static final int TIMELINE_DETAIL_BYTES = COMMENT_BYTES + 200;
    /** The first events of a page's timeline, kept whatever follows: how the page began. */
    public static final int TIMELINE_FIRST = 10;
    /** At most this many events on a page's timeline; the oldest after the first are dropped and counted. */
    public static final int TIMELINE_EVENTS = 200;
    /** At most this many bytes of timeline details on a page; the oldest after the first are dropped and counted. */
    public static final int TIMELINE_BYTES = 128 * 1024;
    /** Alerts listed on a grouped page; the alerts of the incident beyond it are counted, not listed. */
    public static final int PAGE_MEMBERS = 500;
    /**
     * Duration samples kept per measure of a report bucket (8 bytes each): p50 and p90 are exact up to this many
     * pages of one team in one day or week, and taken from the first this many beyond.
     */
    public static final int REPORT_SAMPLES = 1_000;

    private static final String MARKER = "…";

    private RecordLimits() {
    }

    /**
     * The size of a record's value on a topic: its Avro body and the 5 bytes of the Confluent wire format (magic
     * byte and schema id). Counted without keeping the bytes.
     */
    public static int wireSize(SpecificRecordBase record) {
        Counter counter = new Counter();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(counter, null);
        try {
            new SpecificDatumWriter<SpecificRecordBase>(record.getSchema(), record.getSpecificData())
                    .write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counter.bytes + 5;
    }

    private static final class Counter extends OutputStream {
        private int bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }

    /** The length of the text in UTF-8 bytes, without encoding it. */
    public static int utf8Length(CharSequence text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * Why the text is refused when it is over {@code maxBytes} in UTF-8, in the words every service uses ("field
     * 'comment' is 4001 bytes in UTF-8; the limit is 4000 bytes"); empty when it fits (null fits).
     */
    public static Optional<String> over(String what, CharSequence text, int maxBytes) {
        return fits(text, maxBytes) ? Optional.empty() : Optional.of(what + " is " + utf8Length(text)
                + " bytes in UTF-8; the limit is " + maxBytes + " bytes");
    }

    /** Whether the text (null counts as fitting) is at most {@code maxBytes} in UTF-8. */
    public static boolean fits(CharSequence text, int maxBytes) {
        // Every character is 1 to 3 bytes per UTF-16 unit, so most texts are decided without counting.
        return text == null || text.length() <= maxBytes / 3 || (text.length() <= maxBytes
                && utf8Length(text) <= maxBytes);
    }

    /**
     * The text if it fits in {@code maxBytes} of UTF-8, else its start and a marker saying how much was cut, in at
     * most {@code maxBytes} in all. Never splits a character.
     */
    public static String cut(String text, int maxBytes) {
        if (fits(text, maxBytes)) {
            return text;
        }
        int total = utf8Length(text);
        String note = MARKER + " [cut: " + total + " bytes in all]";
        if (utf8Length(note) >= maxBytes) {
            note = ""; // a bound too small for the note: the start alone
        }
        int budget = maxBytes - utf8Length(note);
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > budget) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return text.substring(0, end) + note;
    }
}
