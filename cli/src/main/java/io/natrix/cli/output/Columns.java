package io.natrix.cli.output;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * natscli's "columns" layout for info pages: a heading, then {@code label: value} rows with the labels right
 * aligned to the longest one, grouped under {@code Title:} sections.
 *
 * <pre>
 * Information for Stream ORDERS created 2026-11-26 18:06:06
 *
 *               Subjects: orders.&gt;
 *               Replicas: 1
 *
 * Options:
 *
 *              Retention: Limits
 * </pre>
 *
 * Blank lines fall where natscli puts them: before a section title unless one is already there. Also holds the
 * value formats natscli's writer applies (durations, times). Shared by every info page (stream, consumer, kv,
 * object, auth). Not thread-safe: one per page.
 */
public final class Columns {

    private enum Kind { ROW, TITLE, LINE }

    private record Row(Kind kind, String label, String value) {
    }

    private final String heading;
    private final List<Row> rows = new ArrayList<>();

    public Columns(String heading) {
        this.heading = heading;
    }

    /** A {@code label: value} row; an empty label continues the row above; a null value leaves the row out. */
    public Columns row(String label, Object value) {
        if (value != null) {
            rows.add(new Row(Kind.ROW, label, String.valueOf(value)));
        }
        return this;
    }

    /** A limit where a negative value means "Unlimited", as natscli shows account limits. */
    public Columns limit(String label, long value) {
        return row(label, value < 0 ? "Unlimited" : Long.toString(value));
    }

    public Columns rowIf(String label, Object value, boolean condition) {
        return condition ? row(label, value) : this;
    }

    public Columns rowIfNotEmpty(String label, String value) {
        return value == null || value.isEmpty() ? this : row(label, value);
    }

    /** A section title, printed as {@code Title:} between blank lines. */
    public Columns title(String title) {
        rows.add(new Row(Kind.TITLE, title, null));
        return this;
    }

    /** A blank line. */
    public Columns blank() {
        rows.add(new Row(Kind.LINE, null, null));
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

    /** The page as text, each line ending in a newline. */
    public String render() {
        int longest = 0;
        for (Row r : rows) {
            if (r.kind == Kind.ROW) {
                longest = Math.max(longest, width(r.label));
            }
        }
        StringBuilder out = new StringBuilder();
        if (heading != null && !heading.isEmpty()) {
            out.append(heading).append("\n\n");
        }
        Kind prev = null;
        boolean prevBlank = false;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            switch (r.kind) {
                case TITLE -> {
                    if ((i != 0 && prev != Kind.TITLE && prev != Kind.LINE) || (prev == Kind.LINE && !prevBlank)) {
                        out.append('\n');
                    }
                    out.append(r.label.endsWith(":") ? r.label : r.label + ":").append("\n\n");
                    prevBlank = false;
                }
                case ROW -> {
                    int padding = Math.max(0, longest - width(r.label) + 2);
                    if (r.label.isEmpty()) {
                        out.append(" ".repeat(padding + 2)).append(r.value).append('\n');
                    } else {
                        out.append(" ".repeat(padding)).append(r.label).append(": ").append(r.value).append('\n');
                    }
                    prevBlank = false;
                }
                case LINE -> {
                    if (prev == Kind.TITLE) {
                        continue;
                    }
                    out.append('\n');
                    prevBlank = true;
                }
                default -> throw new IllegalStateException();
            }
            prev = r.kind;
        }
        return out.toString();
    }

    public void print(PrintWriter out) {
        out.print(render());
        out.flush();
    }

    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }

    /**
     * A duration as natscli's columns print it: {@code 1d2h3m4s}, {@code 2m0s}, {@code 5.00s}, {@code 250ms};
     * Go's largest duration is {@code never}.
     */
    public static String duration(Duration d) {
        if (d.toNanos() == Long.MAX_VALUE) {
            return "never";
        }
        if (d.isNegative()) {
            return "-" + duration(d.negated());
        }
        if (d.compareTo(Duration.ofMillis(1)) < 0) {
            return io.natrix.cli.support.GoDuration.format(Duration.ofNanos(Math.round(d.toNanos() / 1000.0) * 1000));
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return io.natrix.cli.support.GoDuration.format(Duration.ofMillis(Math.round(d.toNanos() / 1e6)));
        }
        long secs = d.toSeconds();
        long mins = secs / 60;
        long hours = mins / 60;
        long days = hours / 24;
        long years = days / 365;
        if (years > 0) {
            return years + "y" + days % 365 + "d" + hours % 24 + "h" + mins % 60 + "m" + secs % 60 + "s";
        }
        if (days > 0) {
            return days + "d" + hours % 24 + "h" + mins % 60 + "m" + secs % 60 + "s";
        }
        if (hours > 0) {
            return hours + "h" + mins % 60 + "m" + secs % 60 + "s";
        }
        if (mins > 0) {
            return mins + "m" + secs % 60 + "s";
        }
        return String.format(java.util.Locale.ROOT, "%.2fs", d.toNanos() / 1e9);
    }

    /** A duration from the API's nanoseconds. */
    public static String nanos(long nanos) {
        return duration(Duration.ofNanos(nanos));
    }

    /** An API time (RFC 3339) as a local {@code 2006-01-02 15:04:05}; Go's zero time is empty. */
    public static String time(String rfc3339) {
        Instant t = instant(rfc3339);
        return t == null ? "" : Human.time(ZonedDateTime.ofInstant(t, ZoneId.systemDefault()));
    }

    /** Parses an API time; null for a missing value or Go's zero time. */
    public static Instant instant(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty() || rfc3339.startsWith("0001-01-01")) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(rfc3339).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
