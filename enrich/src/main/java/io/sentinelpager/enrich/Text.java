package io.sentinelpager.enrich;

/** Cutting text to a bound with a visible marker, so a reader can tell a shortened value from a whole one. */
final class Text {

    static final String MARKER = "…";

    private Text() {
    }

    /** The text if it fits, else its start and the marker, {@code max} characters in all. */
    static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        return start(text, max - MARKER.length()) + MARKER;
    }

    /** As {@link #cut}, saying how long the whole was: for long fields, where the size itself is news. */
    static String cutNoting(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        String note = MARKER + " [truncated from " + text.length() + " characters]";
        return start(text, max - note.length()) + note;
    }

    private static String start(String text, int length) {
        int end = Math.max(0, length);
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never split a surrogate pair
        }
        return text.substring(0, end);
    }
}
