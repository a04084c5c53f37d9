package io.natrix.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table drawn with rounded box characters, as natscli draws its lists and reports:
 *
 * <pre>
 * ╭──────────────────────────╮
 * │          Streams         │
 * ├────────┬─────────┬───────┤
 * │ Name   │ Storage │ Bytes │
 * ├────────┼─────────┼───────┤
 * │ ORDERS │ File    │ 0 B   │
 * ╰────────┴─────────┴───────╯
 * </pre>
 *
 * The title row is optional; cells are left aligned; a null cell prints empty. Widths count code points, so
 * non-ASCII text lines up as long as it is one column per character.
 */
public final class Table {

    private final String title;
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    private Table(String title, List<String> headers) {
        this.title = title;
        this.headers = headers;
    }

    /** A table with a title row above the headers. */
    public static Table titled(String title, String... headers) {
        return new Table(title, List.of(headers));
    }

    /** A table without a title row. */
    public static Table of(String... headers) {
        return new Table(null, List.of(headers));
    }

    /** Adds a row; each value is printed with {@link String#valueOf}. */
    public Table row(Object... cells) {
        List<String> row = new ArrayList<>(headers.size());
        for (int i = 0; i < headers.size(); i++) {
            Object cell = i < cells.length ? cells[i] : null;
            row.add(cell == null ? "" : String.valueOf(cell));
        }
        rows.add(row);
        return this;
    }

    public int rowCount() {
        return rows.size();
    }

    /** The table as text, one line per row, each ending in a newline. */
    public String render() {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = width(headers.get(i));
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], width(row.get(i)));
            }
        }
        int inner = Arrays.stream(widths).sum() + 3 * widths.length - 1;
        if (title != null && width(title) + 2 > inner) {
            widths[widths.length - 1] += width(title) + 2 - inner;
            inner = width(title) + 2;
        }
        StringBuilder sb = new StringBuilder();
        if (title != null) {
            sb.append('╭').append("─".repeat(inner)).append("╮\n");
            int left = (inner - width(title)) / 2;
            sb.append('│').append(" ".repeat(left)).append(title)
                    .append(" ".repeat(inner - left - width(title))).append("│\n");
            rule(sb, widths, '├', '┬', '┤');
        } else {
            rule(sb, widths, '╭', '┬', '╮');
        }
        line(sb, widths, headers);
        rule(sb, widths, '├', '┼', '┤');
        for (List<String> row : rows) {
            line(sb, widths, row);
        }
        rule(sb, widths, '╰', '┴', '╯');
        return sb.toString();
    }

    /** Prints the table. */
    public void print(PrintWriter out) {
        out.print(render());
        out.flush();
    }

    private static void rule(StringBuilder sb, int[] widths, char left, char middle, char right) {
        sb.append(left);
        for (int i = 0; i < widths.length; i++) {
            if (i > 0) {
                sb.append(middle);
            }
            sb.append("─".repeat(widths[i] + 2));
        }
        sb.append(right).append('\n');
    }

    private static void line(StringBuilder sb, int[] widths, List<String> cells) {
        sb.append('│');
        for (int i = 0; i < widths.length; i++) {
            String cell = cells.get(i);
            sb.append(' ').append(cell).append(" ".repeat(widths[i] - width(cell) + 1)).append('│');
        }
        sb.append('\n');
    }

    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}
