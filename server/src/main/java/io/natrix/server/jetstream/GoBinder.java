package io.natrix.server.jetstream;

import io.natrix.server.jetstream.GoJson.Member;
import io.natrix.server.jetstream.GoJson.Num;
import io.natrix.server.jetstream.GoJson.Obj;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Fills Java values from a {@link GoJson} tree the way Go's {@code encoding/json} fills a struct, with unknown fields
 * refused: field names match exactly or, failing that, ignoring case; {@code null} leaves a value as it was (a
 * pointer or slice becomes nil); a value of the wrong kind, a number that does not fit, or an unknown field is an
 * error, and decoding goes on so that, as in Go, the error reported is the first one in document order.
 *
 * <p>Errors are worded as Go words them, naming the innermost Go struct being filled and the path of JSON field
 * names from the top: {@code json: cannot unmarshal string into Go struct field StreamConfigRequest.max_msgs of type
 * int64}. Callers pass the Go names (struct and type) that nats-server's declarations have, since those are what
 * appear in its messages.
 *
 * <p>One binder decodes one request on one thread.
 */
final class GoBinder {
    /** A field table: JSON name to the code that reads its value, in declaration order. */
    static final class Fields extends LinkedHashMap<String, Consumer<Object>> {
        private static final long serialVersionUID = 1L;

        Fields with(String name, Consumer<Object> reader) {
            put(name, reader);
            return this;
        }
    }

    private final Deque<String> path = new ArrayDeque<>();
    private String struct;
    private String error;

    /**
     * Decodes every JSON value of a request body in turn into the same target, as nats-server's request reader
     * does, stopping at the first error.
     *
     * @param goStruct the Go name of the request type ({@code JSApiStreamPurgeRequest}...)
     * @param fields   makes the field table for one value, reading through the binder it is given
     * @return Go's description of the first problem, or null when there was none
     */
    static String decode(byte[] json, String goStruct, Function<GoBinder, Map<String, Consumer<Object>>> fields) {
        GoJson.Values values = new GoJson.Values(json);
        try {
            for (Object value = values.next(); value != null; value = values.next()) {
                GoBinder binder = new GoBinder(goStruct);
                binder.object(value, goStruct, "server." + goStruct, fields.apply(binder));
                if (binder.error() != null) {
                    return binder.error();
                }
            }
            return null;
        } catch (GoJson.SyntaxException e) {
            return e.getMessage();
        }
    }

    /** {@code topStruct} is the Go type name of the value being filled, as errors name it. */
    GoBinder(String topStruct) {
        this.struct = topStruct;
    }

    /** The first error, or null. */
    String error() {
        return error;
    }

    /** Records an error unless an earlier one was recorded. */
    void fail(String message) {
        if (error == null) {
            error = message;
        }
    }

    private void typeError(String valueKind, String goType) {
        if (path.isEmpty()) {
            fail("json: cannot unmarshal " + valueKind + " into Go value of type " + goType);
        } else {
            fail("json: cannot unmarshal " + valueKind + " into Go struct field " + struct + "."
                    + String.join(".", path) + " of type " + goType);
        }
    }

    /**
     * Decodes an object into {@code fields} (JSON name to the code that reads its value), in document order.
     * Null leaves everything as it was; another kind is an error naming {@code goType}.
     *
     * @param goStruct the Go struct name errors name for this object's fields
     * @return whether {@code value} was an object
     */
    boolean object(Object value, String goStruct, String goType, Map<String, Consumer<Object>> fields) {
        if (value == GoJson.NULL) {
            return false;
        }
        if (!(value instanceof Obj obj)) {
            typeError(GoJson.kind(value), goType);
            return false;
        }
        String outer = struct;
        struct = goStruct;
        for (Member member : obj.members()) {
            Consumer<Object> field = fields.get(member.name());
            if (field == null) {
                for (Map.Entry<String, Consumer<Object>> candidate : fields.entrySet()) {
                    if (candidate.getKey().equalsIgnoreCase(member.name())) {
                        field = candidate.getValue();
                        break;
                    }
                }
            }
            if (field == null) {
                fail("json: unknown field " + GoJson.quote(member.name()));
                continue;
            }
            path.addLast(fieldName(fields, member.name()));
            field.accept(member.value());
            path.removeLast();
        }
        struct = outer;
        return true;
    }

    /** The declared name a member matched (Go reports the declared name, not the one in the request). */
    private static String fieldName(Map<String, Consumer<Object>> fields, String given) {
        if (fields.containsKey(given)) {
            return given;
        }
        for (String declared : fields.keySet()) {
            if (declared.equalsIgnoreCase(given)) {
                return declared;
            }
        }
        return given;
    }

    /** A Go {@code string}; null when the JSON was null or wrong. */
    String string(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value != GoJson.NULL) {
            typeError(GoJson.kind(value), "string");
        }
        return null;
    }

    /** A Go {@code bool}; null when the JSON was null or wrong. */
    Boolean bool(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value != GoJson.NULL) {
            typeError(GoJson.kind(value), "bool");
        }
        return null;
    }

    /**
     * A signed Go integer of {@code bits} bits ({@code int} and {@code time.Duration} are 64), named
     * {@code goType} in errors; null when the JSON was null or wrong.
     */
    Long signed(Object value, int bits, String goType) {
        if (value instanceof Num n) {
            try {
                long v = Long.parseLong(n.literal());
                if (bits == 64 || (v >= -(1L << (bits - 1)) && v < (1L << (bits - 1)))) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // Not an integer, or out of range: Go names the literal.
            }
            typeError("number " + n.literal(), goType);
            return null;
        }
        if (value != GoJson.NULL) {
            typeError(GoJson.kind(value), goType);
        }
        return null;
    }

    /**
     * A Go {@code uint64}; null when the JSON was null or wrong. Values above {@link Long#MAX_VALUE}, which Go
     * accepts, are refused as if out of range: no sequence or count gets there.
     */
    Long unsigned(Object value) {
        if (value instanceof Num n) {
            String literal = n.literal();
            boolean integer = !literal.isEmpty() && literal.chars().allMatch(ch -> ch >= '0' && ch <= '9');
            if (integer && new BigInteger(literal).compareTo(BigInteger.valueOf(Long.MAX_VALUE)) <= 0) {
                return Long.parseLong(literal);
            }
            typeError("number " + literal, "uint64");
            return null;
        }
        if (value != GoJson.NULL) {
            typeError(GoJson.kind(value), "uint64");
        }
        return null;
    }

    /** A Go {@code *time.Time}: RFC 3339 text; null when the JSON was null or wrong. */
    OffsetDateTime time(Object value) {
        if (value == GoJson.NULL) {
            return null;
        }
        if (!(value instanceof String s)) {
            fail("Time.UnmarshalJSON: input is not a JSON string");
            return null;
        }
        try {
            return GoTime.parse(s);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
            return null;
        }
    }

    /** A Go {@code []string}: null elements become "", as in Go; null when the JSON was null or wrong. */
    List<String> strings(Object value) {
        return list(value, "[]string", element -> {
            String s = string(element);
            return s == null ? "" : s;
        });
    }

    /** A Go slice of {@code goType}, each element read by {@code element}; null when the JSON was null or wrong. */
    <T> List<T> list(Object value, String goType, Function<Object, T> element) {
        if (value instanceof List<?> items) {
            List<T> out = new ArrayList<>(items.size());
            for (Object item : items) {
                out.add(element.apply(item));
            }
            return out;
        }
        if (value != GoJson.NULL) {
            typeError(GoJson.kind(value), goType);
        }
        return null;
    }

    /** A Go {@code map[string]string}; null when the JSON was null or wrong. */
    Map<String, String> stringMap(Object value) {
        if (value instanceof Obj obj) {
            Map<String, String> out = new LinkedHashMap<>();
            for (Member member : obj.members()) {
                String s = string(member.value());
                if (s != null || member.value() == GoJson.NULL) {
                    out.put(member.name(), s == null ? "" : s);
                }
            }
            return out;
        }
        if (value != GoJson.NULL) {
            typeError(GoJson.kind(value), "map[string]string");
        }
        return null;
    }
}
