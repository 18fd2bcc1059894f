package io.sentinelpager.responder;

/**
 * Text that a client chose, made safe to log: a line break in a login name would otherwise start a line of the
 * attacker's writing in the audit log, and an escape sequence would reach the terminal of whoever reads it.
 */
final class LogText {

    private LogText() {
    }

    /** The text with CR, LF, the backslash and every other control character written as a Java escape. */
    static String escape(String text) {
        if (text == null || text.chars().noneMatch(LogText::needsEscape)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        text.chars().forEach(c -> {
            if (c == '\r') {
                out.append("\\r");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\\') {
                out.append("\\\\");
            } else if (needsEscape(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.append((char) c);
            }
        });
        return out.toString();
    }

    private static boolean needsEscape(int c) {
        return Character.isISOControl(c) || c == '\\' || c == '\u2028' || c == '\u2029';
    }
}
