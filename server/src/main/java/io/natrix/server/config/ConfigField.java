package io.natrix.server.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One entry of a parsed configuration as {@link ConfigLoader} sees it: the dotted key path, the value, where it was
 * written and whether it was used as a variable; with typed accessors that turn a value of the wrong shape into a
 * {@link ConfigException} naming the place and the key.
 *
 * <p>The accessors follow nats-server's conventions for sizes, durations and addresses; see {@link ConfigLoader}.
 * Values of secret keys (passwords, tokens, encryption keys) never appear in messages.
 *
 * <p>Thread-safety: immutable.
 */
record ConfigField(String name, Object value, ConfigParser.Position at, boolean referenced) {
    /** Keys whose values never appear in messages. */
    private static final Set<String> SECRET_KEYS = Set.of("pass", "password", "token", "key", "ek",
            "encryption_key", "prev_key", "prev_ek", "prev_encryption_key");

    ConfigException error(String reason) {
        return new ConfigException(at, name + ": " + reason);
    }

    ConfigException expected(String what) {
        return error("expected " + what + ", got " + describe(value, isSecret()));
    }

    private boolean isSecret() {
        String last = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return SECRET_KEYS.contains(last);
    }

    String string() {
        if (value instanceof String s) {
            return s;
        }
        throw expected("a string");
    }

    boolean bool() {
        if (value instanceof Boolean b) {
            return b;
        }
        throw expected("a boolean");
    }

    long integer() {
        if (value instanceof Long n) {
            return n;
        }
        throw expected("an integer");
    }

    int integerInt() {
        return toInt(integer());
    }

    long size() {
        if (value instanceof Long n) {
            return n;
        }
        if (value instanceof String s) {
            try {
                return ConfigUnits.parseSize(s);
            } catch (IllegalArgumentException e) {
                throw error("invalid size \"" + s + "\": " + e.getMessage());
            }
        }
        throw expected("a size such as 1048576 or 1MB");
    }

    int sizeInt() {
        return toInt(size());
    }

    private int toInt(long n) {
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
            throw error("value " + n + " is too big");
        }
        return (int) n;
    }

    Path path() {
        String s = string();
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            throw error("invalid path \"" + s + "\": " + e.getReason());
        }
    }

    Map<?, ?> map() {
        if (value instanceof Map<?, ?> m) {
            return m;
        }
        throw expected("a map");
    }

    List<?> list() {
        if (value instanceof List<?> l) {
            return l;
        }
        throw expected("an array");
    }

    List<String> nonEmptyStrings() {
        List<?> items = list();
        if (items.isEmpty()) {
            throw error("can not be empty");
        }
        List<String> strings = new ArrayList<>(items.size());
        for (Object item : items) {
            if (!(item instanceof String s)) {
                throw error("expected an array of strings, found " + describe(item, isSecret()));
            }
            strings.add(s);
        }
        return strings;
    }

    /** A Go duration string, or (with a warning, as nats-server) an integer number of seconds. */
    Duration duration(List<ConfigLoader.Warning> warnings) {
        if (value instanceof String s) {
            return parseDuration(s);
        }
        if (value instanceof Long n) {
            warnings.add(new ConfigLoader.Warning(at,
                    name + " should be converted to a duration, such as \"" + n + "s\""));
            return Duration.ofSeconds(n);
        }
        throw expected("a duration such as \"2s\" or \"1m30s\"");
    }

    /** Seconds, integer or fractional, or a Go duration string. */
    Duration seconds() {
        if (value instanceof Long n) {
            return Duration.ofSeconds(n);
        }
        if (value instanceof Double d) {
            if (Double.isNaN(d) || Math.abs(d) > Long.MAX_VALUE / 1e9) {
                throw error("value " + d + " is out of range");
            }
            return Duration.ofNanos(Math.round(d * 1e9));
        }
        if (value instanceof String s) {
            return parseDuration(s);
        }
        throw expected("a number of seconds or a duration such as \"2s\"");
    }

    private Duration parseDuration(String s) {
        try {
            return ConfigUnits.parseDuration(s);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
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
        return value instanceof String s ? type + " \"" + s + "\"" : type + " " + value;
    }

    /** An address read by {@link #address()}; host is null when only a port was given. */
    record HostPort(String host, int port) {
    }

    /** Reads a port or a {@code "host:port"} string, splitting as Go's net.SplitHostPort does. */
    HostPort address() {
        if (value instanceof Long) {
            return new HostPort(null, integerInt());
        }
        if (!(value instanceof String address)) {
            throw expected("a port or \"host:port\"");
        }
        String host;
        String port;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) {
                throw error("could not parse address \"" + address + "\": missing ']'");
            }
            if (close + 1 >= address.length() || address.charAt(close + 1) != ':') {
                throw error("could not parse address \"" + address + "\": missing port");
            }
            host = address.substring(1, close);
            port = address.substring(close + 2);
        } else {
            int colon = address.lastIndexOf(':');
            if (colon < 0) {
                throw error("could not parse address \"" + address + "\": missing port");
            }
            if (address.indexOf(':') != colon) {
                throw error("could not parse address \"" + address + "\": too many colons");
            }
            host = address.substring(0, colon);
            port = address.substring(colon + 1);
        }
        try {
            // An empty host means every interface, as in nats-server.
            return new HostPort(host.isEmpty() ? ServerOptions.DEFAULT_HOST : host, Integer.parseInt(port));
        } catch (NumberFormatException e) {
            throw error("could not parse port \"" + port + "\"");
        }
    }

    /** Writes host and port back as {@code host:port}, bracketing IPv6 hosts. */
    static String joinHostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
