package io.natrix.cli.admin;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * natscli's "columns" layout for one item's details ({@code server info}, {@code micro info},
 * {@code errors lookup}): an optional heading, section titles ending in a colon, and label/value rows whose labels
 * are right aligned on the longest label of the whole document:
 *
 * <pre>
 * Server information for n1 (NABC...)
 *
 * Process Details:
 *
 *          Version: 2.14.5
 *       Start Time: 2026-11-26 18:00:00
 * </pre>
 *
 * An empty label continues the previous row's value on a new line. Not thread-safe: build, then render once.
 */
public final class Columns {

    private enum Kind { ROW, TITLE, LINE, INDENT }

    private record Row(Kind kind, String left, String right) {
    }

    private final String heading;
    private final List<Row> rows = new ArrayList<>();

    public Columns(String heading) {
        this.heading = heading == null ? "" : heading;
    }

    /** A section title; a colon is added unless it has one. */
    public Columns title(String title) {
        rows.add(new Row(Kind.TITLE, title, null));
        return this;
    }

    /** A label and its value (printed with {@link String#valueOf}). */
    public Columns row(String label, Object value) {
        rows.add(new Row(Kind.ROW, label, String.valueOf(value)));
        return this;
    }

    /** A row only when {@code condition} holds. */
    public Columns rowIf(String label, Object value, boolean condition) {
        return condition ? row(label, value) : this;
    }

    /** A row only when the value is not empty. */
    public Columns rowIfNotEmpty(String label, String value) {
        return value == null || value.isEmpty() ? this : row(label, value);
    }

    /** A map's entries as "key: value" values under one label, keys sorted, as natscli shows metadata. */
    public Columns mapRows(String label, Map<String, String> values) {
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
            row(first ? label : "", e.getKey() + ": " + e.getValue());
            first = false;
        }
        return this;
    }

    /** A free line of text (or an empty line). */
    public Columns line(String text) {
        rows.add(new Row(Kind.LINE, text == null ? "" : text, null));
        return this;
    }

    /** Indents what follows by {@code width} spaces. */
    public Columns indent(int width) {
        rows.add(new Row(Kind.INDENT, " ".repeat(width), null));
        return this;
    }

    /** The document as text. */
    public String render() {
        int longest = 0;
        for (Row r : rows) {
            if (r.kind == Kind.ROW) {
                longest = Math.max(longest, width(r.left));
            }
        }
        StringBuilder sb = new StringBuilder();
        if (!heading.isEmpty()) {
            sb.append(heading).append("\n\n");
        }
        String indent = "";
        Kind previous = null;
        boolean previousEmpty = false;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            switch (r.kind) {
                case INDENT -> indent = r.left;
                case TITLE -> {
                    boolean afterContent = i != 0 && previous != Kind.TITLE && previous != Kind.LINE;
                    if (afterContent || previous == Kind.LINE && !previousEmpty) {
                        sb.append('\n');
                    }
                    sb.append(indent).append(r.left.endsWith(":") ? r.left : r.left + ":").append("\n\n");
                    previous = Kind.TITLE;
                    previousEmpty = false;
                }
                case ROW -> {
                    int padding = Math.max(0, longest - width(r.left) + 2);
                    if (r.left.isEmpty()) {
                        sb.append(indent).append(" ".repeat(padding + 1)).append(' ').append(r.right).append('\n');
                    } else {
                        sb.append(indent).append(" ".repeat(padding)).append(r.left).append(": ").append(r.right)
                                .append('\n');
                    }
                    previous = Kind.ROW;
                    previousEmpty = false;
                }
                case LINE -> {
                    if (previous == Kind.TITLE && r.left.isEmpty()) {
                        continue;
                    }
                    sb.append(indent).append(r.left).append('\n');
                    previous = Kind.LINE;
                    previousEmpty = r.left.isEmpty();
                }
                default -> throw new IllegalStateException("unknown row kind " + r.kind);
            }
        }
        return sb.toString();
    }

    /** Prints the document. */
    public void print(PrintWriter out) {
        out.print(render());
        out.flush();
    }

    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}
