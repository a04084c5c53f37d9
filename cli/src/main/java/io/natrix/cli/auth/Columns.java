package io.natrix.cli.auth;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The "label: value" reports natscli prints for {@code auth ... info} (its {@code columns} writer): a heading, then
 * section titles each followed by rows whose labels are right-aligned to the longest label of the report; a row of
 * several values prints the rest under the first.
 *
 * <pre>
 * Operator DEMO (OABC...)
 *
 * Configuration:
 *
 *            Name: DEMO
 *         Subject: OABC...
 * </pre>
 *
 * Not thread-safe; one report per instance.
 */
final class Columns {

    private record Row(String label, List<String> values) {
    }

    private final String heading;
    private final List<Object> items = new ArrayList<>();

    Columns(String heading) {
        this.heading = heading;
    }

    Columns title(String title) {
        items.add(title);
        return this;
    }

    /** A row; a null value leaves the row out. */
    Columns row(String label, Object value) {
        if (value != null) {
            items.add(new Row(label, List.of(String.valueOf(value))));
        }
        return this;
    }

    /** A row of several values, one a line; an empty list leaves it out. */
    Columns rows(String label, List<String> values) {
        if (!values.isEmpty()) {
            items.add(new Row(label, List.copyOf(values)));
        }
        return this;
    }

    /** A number where {@code -1} means "Unlimited", as natscli shows limits. */
    Columns limit(String label, long value) {
        return row(label, value < 0 ? "Unlimited" : Long.toString(value));
    }

    void print(PrintWriter out) {
        int longest = 0;
        for (Object item : items) {
            if (item instanceof Row row) {
                longest = Math.max(longest, row.label().length());
            }
        }
        out.println(heading);
        out.println();
        boolean first = true;
        for (Object item : items) {
            if (item instanceof String title) {
                if (!first) {
                    out.println();
                }
                out.println(title + ":");
                out.println();
            } else if (item instanceof Row row) {
                String pad = " ".repeat(longest - row.label().length() + 2);
                out.println(pad + row.label() + ": " + row.values().getFirst());
                for (String more : row.values().subList(1, row.values().size())) {
                    out.println(" ".repeat(longest + 4) + more);
                }
            }
            first = false;
        }
        out.flush();
    }
}
