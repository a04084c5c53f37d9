package io.natrix.server.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON read the way Go's {@code encoding/json} fills a struct, because nats-server reads JWT claims that way and a
 * token must mean the same thing to both servers:
 * <ul>
 *   <li>a key matches a field case-insensitively, and when several keys match, the last one in the document wins
 *       (so the tree keeps every key in order, duplicates included);</li>
 *   <li>unknown keys are ignored; {@code null} or a missing key leaves the zero value ("", 0, false, empty);</li>
 *   <li>a value of the wrong JSON type is an error (no coercion of "12" to 12, no 1.0 for an integer);</li>
 *   <li>trailing data after the document is an error.</li>
 * </ul>
 * Known deviation: invalid UTF-8 is an error here, where Go substitutes U+FFFD.
 *
 * <p>Parsing is iterative with a depth limit ({@link #DEPTH_MAX}); input size is bounded by the caller. Errors are
 * {@link JwtException}s with reason {@link JwtException.Reason#BAD_JSON} and the path of the offending field.
 *
 * <p>Stateless and thread-safe; {@link Obj} views are immutable.
 */
final class GoJson {
    /** Deepest nesting accepted; NATS claims nest about six levels. */
    static final int DEPTH_MAX = 64;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(DEPTH_MAX + 1)
                    .maxNumberLength(1000)
                    .build())
            .build();

    private static final Object ABSENT = new Object();

    private GoJson() {
    }

    /**
     * Parses a document whose top level must be an object.
     *
     * @throws JwtException with {@code BAD_JSON} when it is not
     */
    static Obj parseObject(byte[] json, String path) {
        Object root = parse(json, path);
        if (!(root instanceof Members members)) {
            throw bad(path, "expected a JSON object");
        }
        return new Obj(members, path);
    }

    private static Object parse(byte[] json, String path) {
        try (JsonParser parser = FACTORY.createParser(json)) {
            Deque<Object> stack = new ArrayDeque<>();
            Deque<String> pendingKeys = new ArrayDeque<>();
            Object root = null;
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw bad(path, "empty document");
            }
            while (token != null) {
                Object value;
                switch (token) {
                    case START_OBJECT -> {
                        if (stack.size() >= DEPTH_MAX) {
                            throw bad(path, "nested deeper than " + DEPTH_MAX);
                        }
                        stack.push(new Members());
                        token = parser.nextToken();
                        continue;
                    }
                    case START_ARRAY -> {
                        if (stack.size() >= DEPTH_MAX) {
                            throw bad(path, "nested deeper than " + DEPTH_MAX);
                        }
                        stack.push(new ArrayList<>());
                        token = parser.nextToken();
                        continue;
                    }
                    case FIELD_NAME -> {
                        pendingKeys.push(parser.currentName());
                        token = parser.nextToken();
                        continue;
                    }
                    case END_OBJECT, END_ARRAY -> value = stack.pop();
                    case VALUE_STRING -> value = parser.getText();
                    case VALUE_NUMBER_INT -> value = integer(parser);
                    case VALUE_NUMBER_FLOAT -> value = NumberMarker.FRACTION;
                    case VALUE_TRUE -> value = Boolean.TRUE;
                    case VALUE_FALSE -> value = Boolean.FALSE;
                    case VALUE_NULL -> value = null;
                    default -> throw bad(path, "unexpected JSON token " + token);
                }
                Object parent = stack.peek();
                if (parent == null) {
                    root = value;
                    if (parser.nextToken() != null) {
                        throw bad(path, "data after the end of the document");
                    }
                    return root;
                }
                if (parent instanceof Members members) {
                    members.add(pendingKeys.pop(), value);
                } else {
                    @SuppressWarnings("unchecked")
                    List<Object> list = (List<Object>) parent;
                    list.add(value);
                }
                token = parser.nextToken();
            }
            throw bad(path, "truncated document");
        } catch (IOException e) {
            // Jackson reports syntax errors, bad UTF-8 and broken limits as IOExceptions; none of it is our bug.
            throw bad(path, "malformed JSON");
        }
    }

    private static Object integer(JsonParser parser) throws IOException {
        JsonParser.NumberType type = parser.getNumberType();
        if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
            return parser.getLongValue();
        }
        // Too big for any NATS field; not worth converting (an unknown field may hold it harmlessly).
        return NumberMarker.OVERFLOW;
    }

    static JwtException bad(String path, String message) {
        return new JwtException(JwtException.Reason.BAD_JSON, (path.isEmpty() ? "" : path + ": ") + message);
    }

    /** Numbers kept only as what they are not: Go accepts neither in any field NATS claims hold. */
    private enum NumberMarker {
        /** A number with a fraction or an exponent. */
        FRACTION,
        /** An integer beyond the 64-bit range. */
        OVERFLOW
    }

    /** The members of one JSON object in document order, duplicates kept. */
    private static final class Members {
        private final List<String> keys = new ArrayList<>();
        private final List<Object> values = new ArrayList<>();

        void add(String key, Object value) {
            keys.add(key);
            values.add(value);
        }
    }

    /**
     * A JSON object read field by field with Go's rules. Getters take the JSON field name and return Go's zero value
     * for missing or null fields.
     */
    static final class Obj {
        private final Members members;
        private final String path;

        private Obj(Members members, String path) {
            this.members = members;
            this.path = path;
        }

        /** An object with no members, for absent nested objects. */
        static Obj empty(String path) {
            return new Obj(new Members(), path);
        }

        String path() {
            return path;
        }

        /** Whether the field is present (null counts as present). */
        boolean has(String name) {
            return find(name) != ABSENT;
        }

        String string(String name) {
            Object value = find(name);
            if (value == ABSENT || value == null) {
                return "";
            }
            if (value instanceof String s) {
                return s;
            }
            throw bad(child(name), "expected a string");
        }

        long int64(String name) {
            return integer(find(name), child(name), Long.MIN_VALUE, Long.MAX_VALUE);
        }

        /** An int64 that keeps {@code zero} when missing or null (Go leaves a pre-set field alone then). */
        long int64Or(String name, long zero) {
            Object value = find(name);
            if (value == ABSENT || value == null) {
                return zero;
            }
            return integer(value, child(name), Long.MIN_VALUE, Long.MAX_VALUE);
        }

        /** An unsigned integer; Go's uint64 fields hold values this server never needs above {@code max}. */
        long unsigned(String name, long max) {
            return integer(find(name), child(name), 0, max);
        }

        boolean bool(String name) {
            Object value = find(name);
            if (value == ABSENT || value == null) {
                return false;
            }
            if (value instanceof Boolean b) {
                return b;
            }
            throw bad(child(name), "expected true or false");
        }

        /** A list of strings; a null element reads as "", as in Go. */
        List<String> strings(String name) {
            List<Object> list = array(name);
            List<String> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(stringElement(list.get(i), child(name) + "[" + i + "]"));
            }
            return Collections.unmodifiableList(out);
        }

        /** A nested object; an empty one when missing or null. */
        Obj object(String name) {
            Obj obj = objectOrNull(name);
            return obj == null ? empty(child(name)) : obj;
        }

        /** A nested object, or null when missing or null (Go's pointer fields). */
        Obj objectOrNull(String name) {
            Object value = find(name);
            if (value == ABSENT || value == null) {
                return null;
            }
            if (value instanceof Members m) {
                return new Obj(m, child(name));
            }
            throw bad(child(name), "expected an object");
        }

        /** A list of objects; null elements (Go's nil pointers) are left out. */
        List<Obj> objects(String name) {
            List<Object> list = array(name);
            List<Obj> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                Object element = list.get(i);
                if (element == null) {
                    continue;
                }
                if (!(element instanceof Members m)) {
                    throw bad(child(name) + "[" + i + "]", "expected an object");
                }
                out.add(new Obj(m, child(name) + "[" + i + "]"));
            }
            return out;
        }

        /** The raw elements of an array field, empty when missing or null. */
        List<Object> array(String name) {
            Object value = find(name);
            if (value == ABSENT || value == null) {
                return List.of();
            }
            if (value instanceof List<?> list) {
                @SuppressWarnings("unchecked")
                List<Object> objects = (List<Object>) list;
                return objects;
            }
            throw bad(child(name), "expected an array");
        }

        /** The raw value of a field: null for JSON null, {@link GoJson#absent()} when missing. */
        Object raw(String name) {
            return find(name);
        }

        /** A map field as an ordered map of member name to raw value (last duplicate wins, as in a Go map). */
        Map<String, Object> map(String name) {
            Obj obj = objectOrNull(name);
            if (obj == null) {
                return Map.of();
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (int i = 0; i < obj.members.keys.size(); i++) {
                out.put(obj.members.keys.get(i), obj.members.values.get(i));
            }
            return out;
        }

        /** A map of string to int64 ({@code revocations}). */
        Map<String, Long> int64Map(String name) {
            Map<String, Object> raw = map(name);
            Map<String, Long> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : raw.entrySet()) {
                out.put(e.getKey(), integer(e.getValue(), child(name) + "." + e.getKey(), Long.MIN_VALUE, Long.MAX_VALUE));
            }
            return out;
        }

        /** Views a raw value taken from this object as an object, or null for JSON null. */
        Obj asObject(Object value, String childPath) {
            if (value == null || value == ABSENT) {
                return null;
            }
            if (value instanceof Members m) {
                return new Obj(m, childPath);
            }
            throw bad(childPath, "expected an object");
        }

        /** Views a raw value as an object when it is one, else null; for lists that mix kinds of element. */
        Obj asObjectIfObject(Object value, String childPath) {
            return value instanceof Members m ? new Obj(m, childPath) : null;
        }

        /** The raw value of the last member named exactly {@code name} (no case folding), or {@link GoJson#absent()}. */
        Object exact(String name) {
            for (int i = members.keys.size() - 1; i >= 0; i--) {
                if (members.keys.get(i).equals(name)) {
                    return members.values.get(i);
                }
            }
            return ABSENT;
        }

        /**
         * This object as Go sees it after a round trip through a generic map, which is how nats-io/jwt reads signing
         * key scopes: exact duplicate keys collapsed (last wins) and members sorted by key, at every depth.
         */
        Obj viaGoMap() {
            return new Obj(viaGoMap(members), path);
        }

        private static Members viaGoMap(Members members) {
            TreeMap<String, Object> sorted = new TreeMap<>();
            for (int i = 0; i < members.keys.size(); i++) {
                sorted.put(members.keys.get(i), viaGoMapValue(members.values.get(i)));
            }
            Members out = new Members();
            sorted.forEach(out::add);
            return out;
        }

        private static Object viaGoMapValue(Object value) {
            if (value instanceof Members m) {
                return viaGoMap(m);
            }
            if (value instanceof List<?> list) {
                List<Object> out = new ArrayList<>(list.size());
                for (Object element : list) {
                    out.add(viaGoMapValue(element));
                }
                return out;
            }
            return value;
        }

        String child(String name) {
            return path.isEmpty() ? name : path + "." + name;
        }

        private Object find(String name) {
            // Go picks, for every key in the document, the field it names (exactly or ignoring case) and assigns;
            // later keys overwrite earlier ones. Scanning backwards for the first match gives the same result.
            for (int i = members.keys.size() - 1; i >= 0; i--) {
                if (members.keys.get(i).equalsIgnoreCase(name)) {
                    return members.values.get(i);
                }
            }
            return ABSENT;
        }
    }

    /** The marker {@link Obj#raw} returns for a missing field (JSON null reads as Java null). */
    static Object absent() {
        return ABSENT;
    }

    static String stringElement(Object value, String path) {
        if (value == null) {
            return "";
        }
        if (value instanceof String s) {
            return s;
        }
        throw bad(path, "expected a string");
    }

    static long integer(Object value, String path, long min, long max) {
        if (value == ABSENT || value == null) {
            return 0;
        }
        if (value instanceof Long l) {
            if (l < min || l > max) {
                throw bad(path, "integer out of range");
            }
            return l;
        }
        if (value == NumberMarker.OVERFLOW) {
            throw bad(path, "integer out of range");
        }
        throw bad(path, "expected an integer");
    }
}
