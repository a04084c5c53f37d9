package io.natrix.server.config;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One map of a parsed configuration: keys in the order written, read-only to everyone but the parser, and for each
 * key the place it was written.
 *
 * <p>{@link ConfigParser} fills instances through the package-private mutators while it reads; once a map is handed
 * out it never changes, so the parsed tree can sit in {@link ServerOptions#rawConfig()} like any other immutable
 * value. Positions travel with the tree, so code that reads a section of {@code rawConfig} later can still name the
 * line of a bad value through {@link ConfigParser#positionOf}. The map also remembers which keys were used as
 * {@code $variables}, because nats-server does not report such keys as unknown fields: a top-level
 * {@code PASS: secret} that only feeds {@code password: $PASS} is a definition, not a typo.
 *
 * <p>Thread-safety: filled by one thread, then immutable and safe to share.
 */
final class ConfigMap extends AbstractMap<String, Object> {
    private final LinkedHashMap<String, Object> entries = new LinkedHashMap<>();
    private final Set<Entry<String, Object>> readOnlyEntries = Collections.unmodifiableMap(entries).entrySet();
    private final Map<String, ConfigParser.Position> positions = new HashMap<>();
    private final Set<String> referenced = new HashSet<>();

    /**
     * Sets a key. A key written twice keeps its first place in the order and takes the later value, as in
     * nats-server.
     */
    void define(String key, Object value, ConfigParser.Position where) {
        entries.put(key, value);
        positions.put(key, where);
    }

    /** Where the key was written (the key itself, not its value), or null for a key this map does not hold. */
    ConfigParser.Position positionOf(String key) {
        return positions.get(key);
    }

    void markReferenced(String key) {
        referenced.add(key);
    }

    /** Whether some {@code $key} reference resolved to this key. */
    boolean isReferenced(String key) {
        return referenced.contains(key);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return readOnlyEntries;
    }

    @Override
    public Object get(Object key) {
        return entries.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return entries.containsKey(key);
    }

    @Override
    public int size() {
        return entries.size();
    }
}
