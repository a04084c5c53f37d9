package io.natrix.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The command lines of the bench drivers ({@link BenchConfig}, {@link SoakConfig}): {@code --name value},
 * {@code --name=value}, and switches that take no value ({@code --no-pin}, {@code --help}). Each read names the
 * option it asks for, so that {@link #rejectUnknown} can refuse the ones no driver reads; every malformed value is
 * an IllegalArgumentException with a one-line message naming the option.
 *
 * <p>Not thread-safe: a driver reads its options once, on its main thread.
 */
final class LongOptions {
    private static final Set<String> SWITCHES = Set.of("no-pin", "help");

    private final Map<String, String> given;
    private final Set<String> known = new HashSet<>(SWITCHES);

    private LongOptions(Map<String, String> given) {
        this.given = given;
    }

    /** Splits {@code args}; throws IllegalArgumentException for a stray word or an option missing its value. */
    static LongOptions parse(String[] args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            int eq = name.indexOf('=');
            if (eq >= 0) {
                given.put(name.substring(0, eq), name.substring(eq + 1));
            } else if (SWITCHES.contains(name)) {
                given.put(name, "true");
            } else if (i + 1 < args.length) {
                given.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("option --" + name + " needs a value");
            }
        }
        return new LongOptions(given);
    }

    /** Whether the option (a switch, usually) was given. */
    boolean has(String name) {
        known.add(name);
        return given.containsKey(name);
    }

    String text(String name, String fallback) {
        known.add(name);
        return given.getOrDefault(name, fallback);
    }

    long number(String name, long fallback, long min, long max) {
        String raw = text(name, Long.toString(fallback)).replace("_", "");
        long value;
        try {
            value = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + raw + "'");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    "--" + name + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    int integer(String name, int fallback, int min, int max) {
        return (int) number(name, fallback, min, max);
    }

    List<Integer> integers(String name, String fallback, int min, int max) {
        List<Integer> values = new ArrayList<>();
        for (String part : text(name, fallback).split(",")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            int value;
            try {
                value = Integer.parseInt(item);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " takes whole numbers, got '" + item + "'");
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("--" + name + " values must be in [" + min + ", " + max + "]");
            }
            values.add(value);
        }
        return List.copyOf(values);
    }

    Set<String> names(String name, String fallback, List<String> allowed) {
        String raw = text(name, fallback).toLowerCase(Locale.ROOT);
        if (raw.equals("all")) {
            return new LinkedHashSet<>(allowed);
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (String part : raw.split(",")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            if (!allowed.contains(item)) {
                throw new IllegalArgumentException(
                        "--" + name + ": unknown '" + item + "', expected one of " + allowed);
            }
            chosen.add(item);
        }
        return chosen;
    }


    double decimal(String name, double fallback, double min, double max) {
        String raw = text(name, Double.toString(fallback)).replace("_", "");
        double value;
        try {
            value = Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, got '" + raw + "'");
        }
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException("--" + name + " must be in [" + min + ", " + max + "], got " + raw);
        }
        return value;
    }

    /** Refuses an option that no read asked for. */
    void rejectUnknown() {
        for (String name : given.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + " (see --help)");
            }
        }
    }
}
