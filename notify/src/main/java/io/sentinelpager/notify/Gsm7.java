package io.sentinelpager.notify;

/**
 * SMS text in the GSM 03.38 default alphabet. One character outside it turns the whole SMS into UCS-2 and cuts the
 * limit from 160 to 70, so texts are transliterated (dashes, quotes, ellipsis) and anything still foreign becomes
 * '?'. Characters of the extension table (e.g. {@code [ ] { } € ~ | ^ \}) take two septets and count so.
 */
final class Gsm7 {

    static final int SINGLE_SMS = 160;

    private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String EXTENSION = "^{}\\[~]|€\f";

    private Gsm7() {
    }

    /** The text in the GSM-7 alphabet: common typographic characters mapped, the rest replaced by '?'. */
    static String of(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            switch (cp) {
                case '\u2013', '\u2014', '\u2212' -> out.append('-');
                case '\u2018', '\u2019', '\u201a', '`', '\u00b4' -> out.append('\'');
                case '\u201c', '\u201d', '\u201e' -> out.append('"');
                case '\u2026' -> out.append("...");
                case '\u00a0', '\t' -> out.append(' ');
                default -> {
                    if (cp < 0x10000 && (BASIC.indexOf(cp) >= 0 || EXTENSION.indexOf(cp) >= 0) && cp != 0x1b) {
                        out.append((char) cp);
                    } else {
                        out.append('?');
                    }
                }
            }
        });
        return out.toString();
    }

    /** Septets the text takes; the text must already be GSM-7 ({@link #of}). */
    static int length(String gsm) {
        int n = 0;
        for (int i = 0; i < gsm.length(); i++) {
            n += EXTENSION.indexOf(gsm.charAt(i)) >= 0 ? 2 : 1;
        }
        return n;
    }

    /** The longest prefix within {@code septets}, ending in "..." when cut; never splits an escape pair. */
    static String truncate(String gsm, int septets) {
        if (length(gsm) <= septets) {
            return gsm;
        }
        if (septets < 3) {
            return "";
        }
        int budget = septets - 3;
        int n = 0;
        int end = 0;
        while (end < gsm.length()) {
            int w = EXTENSION.indexOf(gsm.charAt(end)) >= 0 ? 2 : 1;
            if (n + w > budget) {
                break;
            }
            n += w;
            end++;
        }
        return gsm.substring(0, end).stripTrailing() + "...";
    }
}
