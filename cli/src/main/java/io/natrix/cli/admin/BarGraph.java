package io.natrix.cli.admin;

import io.natrix.cli.output.Human;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A horizontal bar per item, smallest first, as natscli draws its CPU and memory reports:
 *
 * <pre>
 * CPU Usage
 *
 *   n1: ▏ (0)
 *   n2: ██████████████████████████████ (14.5)
 * </pre>
 *
 * Bars scale from the smallest value (no bar) to the largest (the full width); a lone item, or items of one value,
 * get the full width, and zero is always the thin mark. Stateless.
 */
public final class BarGraph {

    /** natscli's width when the output is no terminal: its 80 columns, halved, at most 30. */
    public static final int WIDTH = 30;

    private BarGraph() {
    }

    /** The graph as text, one line per item; {@code bytes} prints values as binary sizes. */
    public static String render(Map<String, Double> data, String caption, int width, boolean bytes) {
        List<String> keys = new ArrayList<>(data.keySet());
        keys.sort(Comparator.comparingDouble(data::get));
        int longest = keys.stream().mapToInt(String::length).max().orElse(0);
        double min = data.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = data.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double steps = max == min ? max / width : (max - min) / width;
        StringBuilder sb = new StringBuilder();
        if (caption != null && !caption.isEmpty()) {
            sb.append(caption).append("\n\n");
        }
        for (String k : keys) {
            double v = data.get(k);
            int blocks;
            if (v == 0) {
                blocks = 0;
            } else if (keys.size() == 1 || min == max) {
                blocks = width;
            } else {
                blocks = (int) ((v - min) / steps);
            }
            String bar = blocks == 0 ? "▏" : "█".repeat(blocks);
            String value = bytes ? Human.bytes((long) v) : commaf(v);
            sb.append(" ".repeat(longest - k.length() + 2)).append(k).append(": ").append(bar).append(" (")
                    .append(value).append(")\n");
        }
        return sb.toString();
    }

    /** A float with thousands separators and all its digits, as Go's humanize.Commaf: {@code 1,234.5}. */
    static String commaf(double v) {
        String plain = new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
        boolean negative = plain.startsWith("-");
        if (negative) {
            plain = plain.substring(1);
        }
        int dot = plain.indexOf('.');
        String whole = dot < 0 ? plain : plain.substring(0, dot);
        String fraction = dot < 0 ? "" : plain.substring(dot);
        StringBuilder grouped = new StringBuilder();
        for (int i = 0; i < whole.length(); i++) {
            if (i > 0 && (whole.length() - i) % 3 == 0) {
                grouped.append(',');
            }
            grouped.append(whole.charAt(i));
        }
        return (negative ? "-" : "") + grouped + fraction;
    }
}
