package io.natrix.server.monitor;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * The query parameters of one monitoring request, read as nats-server reads them: the first value of a name counts,
 * an empty value is the same as none, names an endpoint does not know are ignored, and a value that does not parse
 * is refused with nats-server's own words (the text of Go's {@code strconv} error included), which monitoring
 * scripts sometimes match on.
 *
 * <p>Not thread-safe; one per request.
 */
final class Query {
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private final Map<String, List<String>> parameters;

    Query(Map<String, List<String>> parameters) {
        this.parameters = parameters;
    }

    /** The first value of {@code name}, or "" when absent. */
    String get(String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() || values.get(0) == null ? "" : values.get(0);
    }

    /** A boolean as Go's {@code strconv.ParseBool} reads it; false when absent. */
    boolean bool(String name) {
        String value = get(name);
        return switch (value) {
            case "" , "0", "f", "F", "false", "FALSE", "False" -> false;
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            default -> throw new MonitorServer.BadRequest("Error decoding boolean for '" + name
                    + "': strconv.ParseBool: parsing " + quote(value) + ": invalid syntax");
        };
    }

    /**
     * A signed integer as Go's {@code strconv.Atoi} reads it on a 64-bit machine, clamped to Java's int (values past
     * it mean "everything" for offsets and limits alike); 0 when absent.
     */
    int integer(String name) {
        String value = get(name);
        if (value.isEmpty()) {
            return 0;
        }
        if (!isDecimal(value, true)) {
            throw new MonitorServer.BadRequest("Error decoding int for '" + name + "': strconv.Atoi: parsing "
                    + quote(value) + ": invalid syntax");
        }
        BigInteger n = new BigInteger(value);
        if (n.compareTo(INT64_MIN) < 0 || n.compareTo(INT64_MAX) > 0) {
            throw new MonitorServer.BadRequest("Error decoding int for '" + name + "': strconv.Atoi: parsing "
                    + quote(value) + ": value out of range");
        }
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, n.longValue()));
    }

    /**
     * An unsigned 64-bit integer as Go's {@code strconv.ParseUint} reads it (no sign allowed); 0 when absent. Values
     * past Java's long come back as {@link Long#MAX_VALUE}, which names no connection either.
     */
    long unsigned(String name) {
        String value = get(name);
        if (value.isEmpty()) {
            return 0;
        }
        if (!isDecimal(value, false)) {
            throw new MonitorServer.BadRequest("Error decoding uint64 for '" + name
                    + "': strconv.ParseUint: parsing " + quote(value) + ": invalid syntax");
        }
        BigInteger n = new BigInteger(value);
        if (n.compareTo(UINT64_MAX) > 0) {
            throw new MonitorServer.BadRequest("Error decoding uint64 for '" + name
                    + "': strconv.ParseUint: parsing " + quote(value) + ": value out of range");
        }
        return n.compareTo(INT64_MAX) > 0 ? Long.MAX_VALUE : n.longValue();
    }

    private static boolean isDecimal(String value, boolean signed) {
        int start = signed && (value.charAt(0) == '+' || value.charAt(0) == '-') ? 1 : 0;
        if (start == value.length()) {
            return false;
        }
        for (int i = start; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Go's {@code %q}: a double-quoted string with quotes, backslashes and control characters escaped. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
