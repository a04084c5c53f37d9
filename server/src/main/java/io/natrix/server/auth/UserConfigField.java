package io.natrix.server.auth;

import io.natrix.server.config.ConfigException;
import io.natrix.server.config.ConfigParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One value of the parsed configuration as the user and permission readers see it: its dotted name (with
 * {@code [i]} for array elements), the value, and the place to blame, with accessors that turn a value of the wrong
 * type into a {@link ConfigException} naming both. Array elements have no place of their own in the parsed tree, so
 * they are blamed on the key of their array.
 *
 * <p>Values of secret keys (passwords, tokens) never appear in messages.
 *
 * <p>Immutable. Shared by the readers of users and permissions ({@link UserConfigs}) and of account imports and
 * exports ({@code io.natrix.server.account.AccountConfigs}), so that all of them name places and keys alike.
 */
public record UserConfigField(String name, Object value, ConfigParser.Position at) {
    private static final Set<String> SECRET_KEYS = Set.of("pass", "password", "token");

    /** The entry {@code key} of {@code map}, placed where the parser saw the key, else at {@code fallback}. */
    public static UserConfigField of(Map<?, ?> map, String key, String prefix, ConfigParser.Position fallback) {
        ConfigParser.Position at = ConfigParser.positionOf(map, key).orElse(fallback);
        return new UserConfigField(prefix.isEmpty() ? key : prefix + "." + key, map.get(key), at);
    }

    /**
     * Calls {@code action} with each entry of this map value, its key in lower case (keys match without regard to
     * case, as in nats-server). A {@link ConfigException} from one entry is added to {@code errors} and the walk
     * goes on, so one run reports every bad entry.
     */
    public void forEachEntry(List<ConfigException> errors, BiConsumer<String, UserConfigField> action) {
        Map<?, ?> map = map();
        for (Object key : map.keySet()) {
            String text = String.valueOf(key);
            try {
                action.accept(text.toLowerCase(Locale.ROOT), of(map, text, name, at));
            } catch (ConfigException e) {
                errors.add(e);
            }
        }
    }

    /** Element {@code index} of this array value. */
    public UserConfigField element(int index) {
        return new UserConfigField(name + "[" + index + "]", list().get(index), at);
    }

    public ConfigException error(String reason) {
        return new ConfigException(at, name + ": " + reason);
    }

    public ConfigException expected(String what) {
        return error("expected " + what + ", got " + describe(value, isSecret()));
    }

    public String string() {
        if (value instanceof String s) {
            return s;
        }
        throw expected("a string");
    }

    public boolean bool() {
        if (value instanceof Boolean b) {
            return b;
        }
        throw expected("a boolean");
    }

    public long integer() {
        if (value instanceof Long n) {
            return n;
        }
        throw expected("an integer");
    }

    public Map<?, ?> map() {
        if (value instanceof Map<?, ?> m) {
            return m;
        }
        throw expected("a map");
    }

    public List<?> list() {
        if (value instanceof List<?> l) {
            return l;
        }
        throw expected("an array");
    }

    /** A single string or an array of strings, at most {@code max} of them. */
    List<String> strings(String what, int max) {
        if (value instanceof String s) {
            return List.of(s);
        }
        if (!(value instanceof List<?> items)) {
            throw expected(what + " or an array of them");
        }
        if (items.size() > max) {
            throw error("has " + items.size() + " entries, at most " + max + " are allowed");
        }
        List<String> strings = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof String s)) {
                throw error("element " + i + ": expected " + what + ", got " + describe(items.get(i), isSecret()));
            }
            strings.add(s);
        }
        return strings;
    }

    private boolean isSecret() {
        String last = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return SECRET_KEYS.contains(last);
    }

    static String describe(Object value, boolean secret) {
        String type = switch (value) {
            case String s -> "string";
            case Long n -> "integer";
            case Double d -> "float";
            case Boolean b -> "boolean";
            case Instant i -> "date";
            case Map<?, ?> m -> "a map";
            case List<?> l -> "an array";
            case null -> "nothing";
            default -> value.getClass().getSimpleName();
        };
        if (secret || value instanceof Map || value instanceof List || value == null) {
            return type;
        }
        String text = String.valueOf(value);
        if (text.length() > 64) {
            text = text.substring(0, 64) + "...";
        }
        return value instanceof String ? type + " " + PermissionsViolation.quote(text) : type + " " + text;
    }
}
