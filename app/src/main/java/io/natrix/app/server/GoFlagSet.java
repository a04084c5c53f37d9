package io.natrix.app.server;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command-line parser with the rules of Go's {@code flag} package, which nats-server's command line follows,
 * so that every command line nats-server takes means the same here:
 *
 * <ul>
 *   <li>a flag is {@code -name} or {@code --name}, whatever the length of the name ({@code -js},
 *       {@code --port}, {@code -DV}); short flags do not cluster;</li>
 *   <li>a value follows as {@code -name=value} or as the next argument ({@code -p 4222}, {@code -p -1}), which
 *       is taken whatever it looks like;</li>
 *   <li>a boolean flag takes its value only after {@code =} ({@code -T=false}); its syntax is Go's:
 *       {@code 1 t T TRUE true True} and {@code 0 f F FALSE false False};</li>
 *   <li>{@code --} ends the flags; a flag given twice keeps the last value.</li>
 * </ul>
 *
 * <p>Unlike Go, an argument that is not a flag is an error rather than the silent end of the flags, because
 * a server has no use for one. Error messages use Go's wording.
 *
 * <p>Written by hand rather than with picocli because a spawned {@code natrix server} must accept connections
 * within a few hundred milliseconds: picocli's classes are Java 5 class files, which the JVM's start-up cache can
 * not hold, and loading them plus its reflective set-up cost over 100 ms at every start on our machines.
 *
 * <p>Thread-safety: define all flags on one thread, then {@link #parse} may be called from any thread.
 */
final class GoFlagSet {

    /** The type of a flag's value, which decides how its text is read. */
    enum Kind { BOOL, STRING, INT, LONG, PATH }

    /** One flag: the name its value is reported under, and its kind. */
    record Flag(String canonical, Kind kind) {
    }

    /** A command line that breaks the rules; {@link #usage} tells whether it is a usage or a value mistake. */
    static final class FlagException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean usage;

        FlagException(String message, boolean usage) {
            super(message);
            this.usage = usage;
        }

        /** True for unknown flags, missing values and stray arguments; false for a value that does not parse. */
        boolean usage() {
            return usage;
        }
    }

    private final Map<String, Flag> byName = new HashMap<>();

    /** Defines a flag under every one of its names; the first is the canonical one. */
    GoFlagSet define(Kind kind, String canonical, String... aliases) {
        Flag flag = new Flag(canonical, kind);
        add(canonical, flag);
        for (String alias : aliases) {
            add(alias, flag);
        }
        return this;
    }

    private void add(String name, Flag flag) {
        if (byName.putIfAbsent(name, flag) != null) {
            throw new IllegalArgumentException("flag redefined: " + name);
        }
    }

    /**
     * Parses a command line into the flags it gives, by canonical name, in the order given, with values of
     * their kind's type ({@link Boolean}, {@link String}, {@link Integer}, {@link Long}, {@link Path}).
     */
    Map<String, Object> parse(List<String> args) throws FlagException {
        Map<String, Object> given = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                if (i + 1 < args.size()) {
                    throw new FlagException("unexpected argument: " + args.get(i + 1), true);
                }
                break;
            }
            if (arg.length() < 2 || arg.charAt(0) != '-') {
                throw new FlagException("unexpected argument: " + arg, true);
            }
            String name = arg.substring(arg.charAt(1) == '-' ? 2 : 1);
            if (name.isEmpty() || name.charAt(0) == '-' || name.charAt(0) == '=') {
                throw new FlagException("bad flag syntax: " + arg, true);
            }
            String value = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            Flag flag = byName.get(name);
            if (flag == null) {
                throw new FlagException("flag provided but not defined: -" + name, true);
            }
            if (flag.kind() == Kind.BOOL) {
                given.put(flag.canonical(), value == null ? Boolean.TRUE : parseBool(value, name));
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new FlagException("flag needs an argument: -" + name, true);
                }
                value = args.get(++i);
            }
            given.put(flag.canonical(), convert(flag.kind(), value, name));
        }
        return given;
    }

    private static Boolean parseBool(String value, String name) throws FlagException {
        return switch (value) {
            case "1", "t", "T", "TRUE", "true", "True" -> Boolean.TRUE;
            case "0", "f", "F", "FALSE", "false", "False" -> Boolean.FALSE;
            default -> throw new FlagException("invalid boolean value \"" + value + "\" for -" + name
                    + ": use true or false", false);
        };
    }

    private static Object convert(Kind kind, String value, String name) throws FlagException {
        try {
            return switch (kind) {
                case INT -> Integer.parseInt(value);
                case LONG -> Long.parseLong(value);
                case PATH -> Path.of(value);
                default -> value;
            };
        } catch (NumberFormatException e) {
            throw new FlagException("invalid value \"" + value + "\" for flag -" + name + ": not a number", false);
        } catch (java.nio.file.InvalidPathException e) {
            throw new FlagException("invalid value \"" + value + "\" for flag -" + name + ": " + e.getReason(),
                    false);
        }
    }
}
