package io.natrix.cli.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The differences between two configurations, field by field, as the {@code edit} commands show them before
 * changing anything ({@code -} the old value, {@code +} the new). natscli prints Go's structure diff; this is the
 * same information in the API's field names. Arrays of strings that differ only in order are equal, as in natscli.
 * {@link #show} prints them the way both {@code stream edit} and {@code consumer edit} do.
 */
public final class ConfigDiff {

    private ConfigDiff() {
    }

    /** One line per removed or added field value; empty when nothing differs. */
    public static List<String> lines(ObjectNode before, ObjectNode after) {
        TreeSet<String> fields = new TreeSet<>();
        before.fieldNames().forEachRemaining(fields::add);
        after.fieldNames().forEachRemaining(fields::add);
        List<String> out = new ArrayList<>();
        for (String f : fields) {
            JsonNode a = before.get(f);
            JsonNode b = after.get(f);
            if (same(a, b)) {
                continue;
            }
            if (a != null && !a.isNull()) {
                out.add("-   " + f + ": " + a);
            }
            if (b != null && !b.isNull()) {
                out.add("+   " + f + ": " + b);
            }
        }
        return out;
    }

    /**
     * Shows what an edit would change, before anything is changed, as natscli's edit commands do: the differences
     * under {@code Differences (-old +new):}, or {@code No difference in configuration} (said only when not a dry
     * run, where silence already means no difference).
     *
     * @return whether the configurations differ
     */
    public static boolean show(PrintWriter out, ObjectNode before, ObjectNode after, boolean dryRun) {
        List<String> diff = lines(before, after);
        if (diff.isEmpty()) {
            if (!dryRun) {
                out.println("No difference in configuration");
            }
        } else {
            out.println("Differences (-old +new):");
            diff.forEach(out::println);
        }
        out.flush();
        return !diff.isEmpty();
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a == null || a.isNull()) {
            return b == null || b.isNull();
        }
        if (b == null || b.isNull()) {
            return false;
        }
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            List<String> x = new ArrayList<>();
            List<String> y = new ArrayList<>();
            a.forEach(n -> x.add(n.toString()));
            b.forEach(n -> y.add(n.toString()));
            x.sort(null);
            y.sort(null);
            return x.equals(y);
        }
        return a.equals(SAME_VALUE, b);
    }

    /** Numbers compare by value: the server writes 10 where a flag made 10L. */
    private static final java.util.Comparator<JsonNode> SAME_VALUE = (x, y) -> {
        if (x.isNumber() && y.isNumber()) {
            return x.decimalValue().compareTo(y.decimalValue()) == 0 ? 0 : 1;
        }
        return x.equals(y) ? 0 : 1;
    };
}
