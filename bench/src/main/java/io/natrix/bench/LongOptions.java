package io.natrix.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Splits the command lines of the bench drivers: {@code --name value}, {@code --name=value}, and switches that take
 * no value ({@code --no-pin}, {@code --help}, given as "true"). What the names mean is each driver's config's.
 */
final class LongOptions {
    private static final Set<String> SWITCHES = Set.of("no-pin", "help");

    private LongOptions() {
    }

    /** The options by name, in the order given; throws IllegalArgumentException for a stray word or missing value. */
    static Map<String, String> split(String[] args) {
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
        return given;
    }
}
