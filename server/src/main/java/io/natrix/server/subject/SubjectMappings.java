package io.natrix.server.subject;

import io.natrix.server.config.ConfigException;
import io.natrix.server.config.ConfigParser;
import io.natrix.server.subject.SubjectMapping.Destination;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The subject mappings of one account: what the subject of each inbound message becomes before it is routed.
 *
 * <p>Configured as nats-server reads its {@code mappings} (or {@code maps}) block, at the top level for the global
 * account or inside an account:
 * <pre>
 * mappings {
 *   foo: bar                                    # always to bar (weight 100)
 *   "orders.*.*": "orders.$2.$1"                 # a transform, see SubjectTransform
 *   canary: { destination: canary.v2, weight: 10% }          # 10% to canary.v2, the rest unchanged
 *   split: [ { dest: a, weight: 50% }, { dest: b, weight: "50" } ]
 *   scoped: [ { destination: near, weight: 100, cluster: east } ]
 * }
 * </pre>
 * A value is a destination subject, one destination map or a list of them. A destination map has
 * {@code destination} (or {@code dest}), {@code weight} (an integer 0 to 100, or a string of one with an optional
 * trailing {@code %}; required) and optionally {@code cluster}; keys match without regard to case.
 *
 * <p>{@link #map} looks a subject up among the literal sources by hash first, then tries the wildcard sources in
 * configured order; the first that matches decides. (nats-server tries all in one list whose order comes from
 * iterating a Go map, so where sources overlap its choice is not defined; ours is.)
 *
 * <p>Immutable and thread-safe.
 */
public final class SubjectMappings {

    /** No mappings: every subject stays as it is. */
    public static final SubjectMappings EMPTY = new SubjectMappings(List.of());

    private static final ConfigParser.Position UNKNOWN_PLACE = new ConfigParser.Position("<config>", 0, 0);

    private final List<SubjectMapping> mappings;
    private final Map<String, SubjectMapping> literal;
    private final SubjectMapping[] wildcard;

    private SubjectMappings(List<SubjectMapping> mappings) {
        this.mappings = mappings;
        Map<String, SubjectMapping> literal = new HashMap<>();
        List<SubjectMapping> wildcard = new ArrayList<>();
        for (SubjectMapping m : mappings) {
            if (m.isLiteral()) {
                literal.put(m.source(), m);
            } else {
                wildcard.add(m);
            }
        }
        this.literal = literal;
        this.wildcard = wildcard.toArray(new SubjectMapping[0]);
    }

    /**
     * Mappings in the given order. A later mapping with the source of an earlier one replaces it in its place, as
     * nats-server's adding of a mapping does.
     */
    public static SubjectMappings of(List<SubjectMapping> mappings) {
        Map<String, SubjectMapping> bySource = new LinkedHashMap<>();
        for (SubjectMapping m : mappings) {
            bySource.put(m.source(), m);
        }
        return bySource.isEmpty() ? EMPTY : new SubjectMappings(List.copyOf(bySource.values()));
    }

    /**
     * Reads the value of a {@code mappings} key; {@code path} names the key in messages (such as
     * {@code mappings} or {@code accounts.A.mappings}). Positions come from the parsed maps; a problem with the value
     * as a whole is placed at an unknown line.
     *
     * @throws ConfigException for the first problem found, with any others attached as suppressed exceptions
     */
    public static SubjectMappings fromConfig(Object mappingsValue, String path) {
        return fromConfig(mappingsValue, path, UNKNOWN_PLACE);
    }

    /** {@link #fromConfig(Object, String)} with the place of the {@code mappings} key, for whole-value problems. */
    public static SubjectMappings fromConfig(Object mappingsValue, String path, ConfigParser.Position at) {
        if (!(mappingsValue instanceof Map<?, ?> map)) {
            throw new ConfigException(at, path + ": expected a map of source subjects to destinations, got "
                    + describe(mappingsValue));
        }
        List<ConfigException> errors = new ArrayList<>();
        List<SubjectMapping> mappings = new ArrayList<>();
        for (Object key : map.keySet()) {
            String source = String.valueOf(key);
            ConfigParser.Position where = ConfigParser.positionOf(map, source).orElse(at);
            try {
                SubjectMapping mapping = mapping(source, map.get(key), path + "." + source, where, errors);
                if (mapping != null) {
                    mappings.add(mapping);
                }
            } catch (ConfigException e) {
                errors.add(e);
            }
        }
        if (!errors.isEmpty()) {
            ConfigException first = errors.get(0);
            for (ConfigException other : errors.subList(1, errors.size())) {
                first.addSuppressed(other);
            }
            throw first;
        }
        return of(mappings);
    }

    /** One source's mapping, or null when a destination entry was bad (its error is in {@code errors}). */
    private static SubjectMapping mapping(String source, Object value, String name, ConfigParser.Position where,
                                          List<ConfigException> errors) {
        if (!Subjects.isValidSubscribeSubject(source)) {
            throw new ConfigException(where, name + ": subject " + quote(source) + " is not a valid subject");
        }
        List<Destination> destinations = new ArrayList<>();
        String what;
        if (value instanceof String subject) {
            destinations.add(new Destination(subject, 100));
            what = quote(source) + " to " + quote(subject);
        } else {
            what = quote(source);
            List<?> entries = value instanceof List<?> list ? list : Collections.singletonList(value);
            boolean bad = false;
            for (int i = 0; i < entries.size(); i++) {
                String entryName = value instanceof List<?> ? name + "[" + i + "]" : name;
                try {
                    destinations.add(destination(entries.get(i), entryName, where));
                } catch (ConfigException e) {
                    errors.add(e);
                    bad = true;
                }
            }
            if (bad) {
                return null;
            }
        }
        try {
            return SubjectMapping.of(source, destinations);
        } catch (SubjectTransformException e) {
            throw new ConfigException(where, name + ": error adding mapping for " + what + ": " + e.getMessage(), e);
        }
    }

    private static Destination destination(Object value, String name, ConfigParser.Position where) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new ConfigException(where, name + ": expected a destination subject or a map with destination and "
                    + "weight, got " + describe(value));
        }
        String subject = null;
        Integer weight = null;
        String cluster = "";
        for (Object key : map.keySet()) {
            String field = String.valueOf(key);
            Object v = map.get(key);
            ConfigParser.Position at = ConfigParser.positionOf(map, field).orElse(where);
            String fieldName = name + "." + field;
            switch (field.toLowerCase(Locale.ROOT)) {
                case "dest", "destination" -> subject = string(v, fieldName, at);
                case "weight" -> weight = weight(v, fieldName, at);
                case "cluster" -> cluster = string(v, fieldName, at);
                default -> throw new ConfigException(at, name + ": unknown field " + quote(field)
                        + " for mapping destination");
            }
        }
        if (weight == null) {
            throw new ConfigException(where, name + ": missing weight for mapping destination"
                    + (subject == null ? "" : " " + quote(subject)));
        }
        if (subject == null) {
            // nats-server accepts this and fails when a message arrives; refuse it here instead.
            throw new ConfigException(where, name + ": missing destination");
        }
        return new Destination(subject, weight, cluster);
    }

    /** A weight as nats-server reads it: an integer, or a string of one with an optional trailing '%'. */
    private static int weight(Object value, String name, ConfigParser.Position at) {
        long weight;
        if (value instanceof String text) {
            String digits = text.endsWith("%") ? text.substring(0, text.length() - 1) : text;
            Long parsed = SubjectTransform.goAtoi(digits);
            if (parsed == null) {
                throw new ConfigException(at, name + ": invalid weight " + quote(digits) + " for mapping destination");
            }
            weight = parsed;
        } else if (value instanceof Long number) {
            weight = number;
        } else {
            throw new ConfigException(at, name + ": expected a weight such as 50% or 50, got " + describe(value));
        }
        if (weight < 0 || weight > 100) {
            throw new ConfigException(at, name + ": invalid weight " + weight + " for mapping destination");
        }
        return (int) weight;
    }

    private static String string(Object value, String name, ConfigParser.Position at) {
        if (value instanceof String s) {
            return s;
        }
        throw new ConfigException(at, name + ": expected a string, got " + describe(value));
    }

    /** The mappings, literal and wildcard, in configured order. */
    public List<SubjectMapping> mappings() {
        return mappings;
    }

    public boolean isEmpty() {
        return mappings.isEmpty();
    }

    /**
     * The subject a message published to {@code subject} goes to: the subject itself when no mapping applies,
     * {@link SubjectMapping#DROPPED} (the empty string) when the mapping's weights drop it, else the mapped
     * subject.
     */
    public String map(String subject) {
        if (mappings.isEmpty()) {
            return subject;
        }
        SubjectMapping exact = literal.get(subject);
        if (exact != null) {
            return exact.mapMatched(subject, null, "");
        }
        if (wildcard.length == 0) {
            return subject;
        }
        int[] bounds = SubjectTransform.bounds(subject);
        if (bounds == null) {
            return subject;
        }
        for (SubjectMapping m : wildcard) {
            if (m.matches(subject, bounds)) {
                return m.mapMatched(subject, bounds, "");
            }
        }
        return subject;
    }

    @Override
    public String toString() {
        return mappings.toString();
    }

    private static String quote(String s) {
        return SubjectMapping.quote(s);
    }

    private static String describe(Object value) {
        return switch (value) {
            case String s -> "string " + quote(s.length() > 64 ? s.substring(0, 64) + "..." : s);
            case Long n -> "integer " + n;
            case Double d -> "float " + d;
            case Boolean b -> "boolean " + b;
            case Instant i -> "date " + i;
            case Map<?, ?> m -> "a map";
            case List<?> l -> "an array";
            case null -> "nothing";
            default -> value.getClass().getSimpleName();
        };
    }
}
