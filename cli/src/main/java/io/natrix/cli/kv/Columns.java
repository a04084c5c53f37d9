package io.natrix.cli.kv;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A report of labelled values in columns, as natscli prints its {@code info} views (its {@code columns} writer):
 * a heading, section titles ending in a colon, and {@code label: value} rows whose labels are right-aligned to the
 * longest label of the whole report, two spaces in from the longest:
 *
 * <pre>
 * Information for Key-Value Store Bucket CONFIG created 2026-11-26 18:06:06
 *
 * Configuration:
 *
 *           Bucket Name: CONFIG
 *          History Kept: 5
 * </pre>
 *
 * Values are printed as given: callers format numbers, sizes and times with {@link io.natrix.cli.output.Human}.
 * Used by the key-value and object store commands; not thread-safe (one report per command).
 */
public final class Columns {

    private sealed interface Line permits Title, Row {
    }

    private record Title(String text) implements Line {
    }

    private record Row(String label, String value) implements Line {
    }

    private final String heading;
    private final List<Line> lines = new ArrayList<>();

    public Columns(String heading) {
        this.heading = heading;
    }

    /** Starts a section: a blank line (unless first), {@code Title:}, a blank line. */
    public Columns section(String title) {
        lines.add(new Title(title));
        return this;
    }

    /** Adds a {@code label: value} row; a null value prints empty. */
    public Columns row(String label, Object value) {
        lines.add(new Row(label, value == null ? "" : String.valueOf(value)));
        return this;
    }

    /**
     * Adds a label with several values: the first on the label's row, the rest beneath it in the value column
     * (natscli's map and list rows, {@code Metadata: team: ops}).
     */
    public Columns rows(String label, java.util.Collection<String> values) {
        boolean first = true;
        for (String value : values) {
            row(first ? label : "", value);
            first = false;
        }
        return this;
    }

    /** Adds a row only when the condition holds. */
    public Columns rowIf(String label, Object value, boolean condition) {
        return condition ? row(label, value) : this;
    }

    /** Adds a row only when the value is neither null nor empty. */
    public Columns rowIfNotEmpty(String label, String value) {
        return rowIf(label, value, value != null && !value.isEmpty());
    }

    /** The report as text, each line ending in a newline. */
    public String render() {
        int longest = 0;
        for (Line line : lines) {
            if (line instanceof Row row) {
                longest = Math.max(longest, width(row.label()));
            }
        }
        StringBuilder sb = new StringBuilder();
        if (heading != null && !heading.isEmpty()) {
            sb.append(heading).append("\n\n");
        }
        boolean first = true;
        boolean afterTitle = false;
        for (Line line : lines) {
            if (line instanceof Title title) {
                if (!first && !afterTitle) {
                    sb.append('\n');
                }
                sb.append(title.text().endsWith(":") ? title.text() : title.text() + ":").append("\n\n");
                afterTitle = true;
            } else if (line instanceof Row row && row.label().isEmpty()) {
                sb.append(" ".repeat(longest + 4)).append(row.value()).append('\n');
                afterTitle = false;
            } else if (line instanceof Row row) {
                sb.append(" ".repeat(longest - width(row.label()) + 2)).append(row.label()).append(": ")
                        .append(row.value()).append('\n');
                afterTitle = false;
            }
            first = false;
        }
        return sb.toString();
    }

    public void print(PrintWriter out) {
        out.print(render());
        out.flush();
    }

    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}
