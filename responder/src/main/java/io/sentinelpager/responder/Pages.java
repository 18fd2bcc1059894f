package io.sentinelpager.responder;

/** Small server-made HTML pages (link confirmations and results), styled by the app's stylesheet, no script. */
final class Pages {

    private Pages() {
    }

    static String page(String title, String body) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + " – Sentinel Pager</title><link rel=\"stylesheet\" href=\"/app.css\"></head>"
                + "<body><header class=\"bar\"><a class=\"brand\" href=\"/\">Sentinel Pager</a></header><main><h1>"
                + escape(title) + "</h1>" + body + "</main></body></html>";
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
