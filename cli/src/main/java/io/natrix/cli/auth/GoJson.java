package io.natrix.cli.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes a JSON tree the way Go's {@code encoding/json} writes it: compact, object fields in the tree's order, and
 * Go's string escaping ({@code <}, {@code >}, {@code &}, U+2028 and U+2029 as six-character backslash-u escapes,
 * control characters as backslash-n, -r, -t or a backslash-u escape).
 *
 * <p>Byte-for-byte agreement with Go matters for one thing: a JWT's {@code jti} is a hash of its registered claims
 * as nats-io/jwt serializes them (see {@link Jwt}). Which fields a tree holds (Go's {@code omitempty}) is the
 * caller's choice; this class writes what it is given. Stateless and thread-safe.
 */
final class GoJson {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoJson() {
    }

    /** The compact Go JSON text of {@code node}. */
    static String write(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(sb, node);
        return sb.toString();
    }

    private static void write(StringBuilder sb, JsonNode node) {
        if (node.isObject()) {
            sb.append('{');
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!first) {
                    sb.append(',');
                }
                first = false;
                string(sb, field.getKey());
                sb.append(':');
                write(sb, field.getValue());
            }
            sb.append('}');
        } else if (node.isArray()) {
            sb.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(sb, node.get(i));
            }
            sb.append(']');
        } else if (node.isTextual()) {
            string(sb, node.textValue());
        } else if (node.isNull() || node.isMissingNode()) {
            sb.append("null");
        } else {
            // Numbers and booleans: Jackson's text is Go's for the integers and booleans claims hold.
            sb.append(node.asText());
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        sb.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF])
                                .append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
