package io.sentinelpager.app.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The storm as a picture: each stage's records per second over the run, one line per stage topic, in one HTML page
 * with an inline SVG, so it opens anywhere without a network.
 */
final class StormChart {

    private static final String[] COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"};
    private static final int WIDTH = 900;
    private static final int HEIGHT = 400;
    private static final int LEFT = 70;
    private static final int BOTTOM = 40;
    private static final int TOP = 20;
    private static final int RIGHT = 20;

    private StormChart() {
    }

    static String html(StormScenario.Result storm, Map<String, String> about) {
        Map<String, List<Long>> stages = storm.appendedPerStage();
        int seconds = 1;
        for (List<Long> appended : stages.values()) {
            for (long at : appended) {
                seconds = Math.max(seconds, (int) ((at - storm.startMillis()) / 1000) + 1);
            }
        }
        int[][] perSecond = new int[stages.size()][seconds];
        int peak = 1;
        int s = 0;
        for (List<Long> appended : stages.values()) {
            for (long at : appended) {
                int bucket = (int) Math.max(0, (at - storm.startMillis()) / 1000);
                peak = Math.max(peak, ++perSecond[s][bucket]);
            }
            s++;
        }
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
                        + " font-size=\"12\">%n", WIDTH, HEIGHT));
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\""
                + " stroke=\"#999\"/>%n", LEFT, TOP, plotW, plotH));
        for (int tick = 0; tick <= 4; tick++) {
            double y = TOP + plotH - plotH * tick / 4;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.0f\" text-anchor=\"end\">%,d</text>%n",
                    LEFT - 6, y + 4, Math.round((double) peak * tick / 4)));
            double x = LEFT + plotW * tick / 4;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">%.0f s</text>%n",
                    x, HEIGHT - BOTTOM + 16, seconds * tick / 4.0));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.0f\" transform=\"rotate(-90 14 %.0f)\""
                + " text-anchor=\"middle\">records per second</text>%n", TOP + plotH / 2, TOP + plotH / 2));
        s = 0;
        for (String topic : stages.keySet()) {
            StringBuilder points = new StringBuilder();
            for (int second = 0; second < seconds; second++) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + plotW * (second + 0.5) / seconds,
                        TOP + plotH - plotH * perSecond[s][second] / peak));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\""
                    + " points=\"%s\"/>%n", COLOURS[s % COLOURS.length], points.toString().strip()));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", LEFT + 10,
                    TOP + 16 + 16 * s, COLOURS[s % COLOURS.length], topic));
            s++;
        }
        svg.append("</svg>\n");
        return String.format(Locale.ROOT, """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>pager bench: storm</title></head>
                <body style="font-family: sans-serif">
                <h1>Storm: %,d alerts over %d connectors, %.0f alerts/s end to end</h1>
                <p>Each stage's records per second, by the broker's append time, from the first alert's appearance in
                Graph. Commit %s, %s.</p>
                %s</body></html>
                """, storm.alerts(), storm.connectors(), storm.alertsPerSecond(), escape(about.get("commit")),
                escape(about.get("machine")), svg);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
