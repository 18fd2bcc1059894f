package io.sentinelpager.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordLimitsTest {

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void countsUtf8BytesNotCharacters() {
        String text = "a\u00e9\u20ac\uD83D\uDE00"; // 1 + 2 + 3 + 4 bytes
        assertEquals(10, RecordLimits.utf8Length(text));
        assertEquals(bytes(text), RecordLimits.utf8Length(text));
        assertTrue(RecordLimits.fits(text, 10));
        assertFalse(RecordLimits.fits(text, 9));
        assertTrue(RecordLimits.fits(null, 0));
    }

    @Test
    void aTextThatFitsIsReturnedAsItIs() {
        String text = "acknowledged, looking at srv01";
        assertSame(text, RecordLimits.cut(text, 4_000));
    }

    @Test
    void aLongMultiByteTextIsCutToTheByteBoundWithAMarkerAndNoBrokenCharacter() {
        String text = "\u20ac".repeat(10_000) + "\uD83D\uDE00".repeat(10_000); // 30,000 + 40,000 bytes
        String cut = RecordLimits.cut(text, 4_000);
        assertTrue(bytes(cut) <= 4_000, bytes(cut) + " bytes");
        assertTrue(bytes(cut) > 3_900, "the bound is used, not wasted: " + bytes(cut));
        assertTrue(cut.endsWith("… [cut: 70000 bytes in all]"), cut.substring(cut.length() - 40));
        assertFalse(cut.contains("\uFFFD"));
        String emojis = RecordLimits.cut("\uD83D\uDE00".repeat(2_000), 1_000);
        assertTrue(bytes(emojis) <= 1_000);
        assertFalse(Character.isHighSurrogate(emojis.charAt(emojis.indexOf('…') - 1)), "a pair split in two");
    }

    @Test
    void aBoundSmallerThanTheMarkerKeepsOnlyTheStart() {
        assertEquals("abcde", RecordLimits.cut("abcdefghij".repeat(10), 5));
    }

    @Test
    void aRefusalNamesTheFieldItsSizeInUtf8BytesAndTheLimit() {
        assertEquals(java.util.Optional.of("field 'comment' is 4002 bytes in UTF-8; the limit is 4000 bytes"),
                RecordLimits.over("field 'comment'", "\u20ac".repeat(1_334), 4_000));
        assertTrue(RecordLimits.over("field 'comment'", "\u20ac".repeat(1_333) + "a", 4_000).isEmpty());
        assertTrue(RecordLimits.over("field 'comment'", null, 4_000).isEmpty());
    }
}
