package io.natrix.server.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Reads the NATS configuration format into a tree of maps, lists and scalars, accepting what nats-server's
 * {@code conf} package accepts and meaning the same by it.
 *
 * <p>The format, in short:
 * <pre>{@code
 * # comment             // comment too
 * port: 4222            # key and value separated by ':', '=' or just white space
 * "quoted key" = 1      # keys may be quoted; unquoted keys end at white space, '=', ':' or a bracket
 * cluster {             # maps; entries end at a new line, ',' or ';'
 *   routes = [ a, b     # arrays; elements end at a new line or ','; a trailing ',' is fine
 *     c ]
 * }
 * size: 64MB            # 1k = 1000, 1kb = 1ki = 1024 (see ConfigUnits)
 * text: (
 * a block string, up to a ')' alone at the start of a line
 * )
 * PASS: secret
 * authorization { password: $PASS }   # variables: an earlier key of an enclosing map, else the environment
 * include ./accounts.conf             # relative to the including file; merged into the enclosing map
 * }</pre>
 * Scalars (strings, numbers, booleans, dates) are read by {@link ConfigScanner}, whose documentation lists the rules.
 * The whole file may also be wrapped in braces, which makes plain JSON a valid configuration.
 *
 * <p>The result maps keep keys as written and in the order written, and are read-only. Values are {@link String},
 * {@link Long}, {@link Double}, {@link Boolean}, {@link java.time.Instant} (unquoted Zulu dates), {@link List} or
 * {@link Map}. Durations such as {@code 2s} stay strings; {@link ConfigLoader} turns them into durations. Each map
 * remembers where its keys were written; {@link #positionOf} finds out.
 *
 * <p>Variables: {@code $NAME} in value position (not inside a string) takes the value of the nearest key
 * {@code NAME} already defined in an enclosing map, innermost first; failing that the environment variable
 * {@code NAME}, whose text is read as a value (so {@code "22"} becomes the integer 22). A variable keeps the type
 * of what it refers to. {@code $2a$...} is a bcrypt hash, not a variable. An undefined variable is an error.
 *
 * <p>Includes: {@code include <file>} parses another file on its own (it does not see the includer's variables) and
 * merges its top-level keys into the map where the directive stands, so the includer can use them as variables
 * afterwards. Relative names resolve against the including file's directory, or the working directory for text
 * parsed from a string. Absolute names are taken as they are (nats-server would glue them under the includer's
 * directory, which no working configuration relies on). Include cycles are errors.
 *
 * <p>Errors are {@link ConfigException}s whose message starts with {@code file:line:column}.
 *
 * <p>Differences from nats-server: we accept a little more (digit-led words such as {@code 1m30s} read as strings,
 * unquoted keys end at brackets, so {@code foo{...}} works) and refuse what nats-server silently reads as something
 * unintended: a key without a value at the end of the file or of a map (nats-server makes it an empty string or
 * garbles the map), an unclosed brace around the whole file and integers that overflow 64 bits with their suffix.
 * A word like {@code 1kbb}, whose key nats-server drops without a word, is a string here.
 *
 * <p>Thread-safety: stateless; each call parses independently.
 */
public final class ConfigParser {
    /** Deepest nesting of maps and arrays read; real configurations stay under ten. */
    static final int NESTING_DEPTH_MAX = 128;
    /** Longest chain of includes followed; cycles are caught separately, this bounds the rest. */
    static final int INCLUDE_DEPTH_MAX = 32;
    /** Largest file read; anything bigger is not a configuration file. */
    static final long FILE_BYTES_MAX = 16L * 1024 * 1024;
    /** How text parsed from a string is named in positions. */
    static final String STRING_SOURCE = "<string>";
    /** Unquoted bcrypt password hashes start with "$2a$"; nats-server keeps them as text, not as variables. */
    private static final String BCRYPT_PREFIX = "2a$";

    /**
     * A place in a configuration: the file as named to the parser, a 1-based line and a 1-based column (counted in
     * UTF-16 code units, a tab counting one). Line and column are 0 for the file as a whole.
     */
    public record Position(String file, int line, int column) {
        public Position {
            Objects.requireNonNull(file, "file");
        }

        static Position wholeFile(String file) {
            return new Position(file, 0, 0);
        }

        @Override
        public String toString() {
            return line > 0 ? file + ":" + line + ":" + column : file;
        }
    }

    private ConfigParser() {
    }

    /**
     * Parses a configuration file and everything it includes.
     *
     * @throws ConfigException when the file cannot be read or is not a valid configuration
     */
    public static Map<String, Object> parse(Path file) {
        return parse(file, System::getenv);
    }

    /**
     * Parses configuration text; positions name it {@code <string>} and includes resolve against the working
     * directory.
     *
     * @throws ConfigException when the text is not a valid configuration
     */
    public static Map<String, Object> parse(String text) {
        return parse(text, Path.of(""), System::getenv);
    }

    /**
     * Where {@code key} was written in {@code map}, when the map came out of this parser; empty for other maps and
     * absent keys. The position is that of the key; for keys that came from an include it points into that file.
     */
    public static Optional<Position> positionOf(Map<?, ?> map, String key) {
        return map instanceof ConfigMap config ? Optional.ofNullable(config.positionOf(key)) : Optional.empty();
    }

    /**
     * Whether some {@code $key} reference in the configuration resolved to {@code key} of {@code map}: such a key
     * defines a variable and is not an unknown field, as in nats-server. False for maps not made by this parser.
     */
    public static boolean isReferenced(Map<?, ?> map, String key) {
        return map instanceof ConfigMap config && config.isReferenced(key);
    }

    /** {@link #parse(Path)} with the environment given, for tests. */
    static Map<String, Object> parse(Path file, UnaryOperator<String> environment) {
        return new Session(environment).parseFile(file, null);
    }

    /** {@link #parse(String)} with the include directory and the environment given, for tests. */
    static Map<String, Object> parse(String text, Path baseDir, UnaryOperator<String> environment) {
        Session session = new Session(environment);
        return new TextParser(session, new ConfigScanner(stripByteOrderMark(text), STRING_SOURCE), baseDir).document();
    }

    private static String stripByteOrderMark(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /**
     * What one parse shares across the files it reads: the environment, the chain of files being included (to
     * catch cycles) and the environment variables being expanded (to catch {@code A=$B}, {@code B=$A}).
     */
    private static final class Session {
        private final UnaryOperator<String> environment;
        private final ArrayDeque<Path> includeChain = new ArrayDeque<>();
        private final ArrayDeque<String> includeNames = new ArrayDeque<>();
        private final Set<String> expanding = new HashSet<>();

        Session(UnaryOperator<String> environment) {
            this.environment = environment;
        }

        /** Parses a file; {@code includedAt} is the include directive that asked for it, null for the top file. */
        ConfigMap parseFile(Path file, Position includedAt) {
            String name = file.toString();
            Position blame = includedAt != null ? includedAt : Position.wholeFile(name);
            String what = includedAt != null ? "include file '" + name + "'" : "configuration file";
            if (includeChain.size() >= INCLUDE_DEPTH_MAX) {
                throw new ConfigException(blame, "includes nest deeper than " + INCLUDE_DEPTH_MAX + " files");
            }
            Path real;
            try {
                real = file.toRealPath();
            } catch (NoSuchFileException e) {
                throw new ConfigException(blame, what + " does not exist");
            } catch (IOException e) {
                throw new ConfigException(blame, "cannot read " + what + ": " + e, e);
            }
            if (includeChain.contains(real)) {
                throw new ConfigException(blame, "include cycle: " + cycle(real, name));
            }
            String text = read(real, blame, what);
            includeChain.addLast(real);
            includeNames.addLast(name);
            try {
                Path dir = file.getParent() != null ? file.getParent() : Path.of("");
                return new TextParser(this, new ConfigScanner(text, name), dir).document();
            } catch (ConfigException e) {
                if (includedAt == null) {
                    throw e;
                }
                throw new ConfigException(e.position(), e.reason() + ", included from " + includedAt, e);
            } finally {
                includeChain.removeLast();
                includeNames.removeLast();
            }
        }

        private String cycle(Path real, String name) {
            List<String> names = new ArrayList<>(includeNames);
            List<Path> paths = new ArrayList<>(includeChain);
            StringBuilder out = new StringBuilder();
            for (int i = paths.indexOf(real); i < names.size(); i++) {
                out.append(names.get(i)).append(" -> ");
            }
            return out.append(name).toString();
        }

        private static String read(Path real, Position blame, String what) {
            try {
                if (Files.size(real) > FILE_BYTES_MAX) {
                    throw new ConfigException(blame, what + " is larger than " + FILE_BYTES_MAX + " bytes");
                }
                byte[] bytes = Files.readAllBytes(real);
                String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
                return stripByteOrderMark(text);
            } catch (CharacterCodingException e) {
                throw new ConfigException(blame, what + " is not valid UTF-8");
            } catch (IOException e) {
                throw new ConfigException(blame, "cannot read " + what + ": " + e, e);
            }
        }

        /** Reads the text of environment variable {@code name} as one value, as nats-server does. */
        Object environmentValue(String name, String raw, Position at) {
            if (!expanding.add(name)) {
                throw new ConfigException(at, "variable reference cycle through environment variable " + name);
            }
            try {
                if (raw.isBlank()) {
                    return "";
                }
                return new TextParser(this, new ConfigScanner(raw, "$" + name), Path.of("")).loneValue();
            } catch (ConfigException e) {
                throw new ConfigException(at, "environment variable " + name + " does not hold a valid value: "
                        + e.reason(), e);
            } finally {
                expanding.remove(name);
            }
        }
    }

    /**
     * Reads the structure of one text: the top level, maps, arrays, include directives and variable references.
     * Scalars come from the {@link ConfigScanner}.
     */
    private static final class TextParser {
        private final Session session;
        private final ConfigScanner in;
        private final Path baseDir;
        /** The maps being filled, outermost first; they are the scopes variables resolve in. */
        private final List<ConfigMap> scopes = new ArrayList<>();

        TextParser(Session session, ConfigScanner in, Path baseDir) {
            this.session = session;
            this.in = in;
            this.baseDir = baseDir;
        }

        ConfigMap document() {
            ConfigMap root = new ConfigMap();
            scopes.add(root);
            // Braces around the top level (JSON style) open no scope of their own; nats-server also shrugs off a
            // stray '}' at the top level, so we do too.
            ArrayDeque<Position> wrappers = new ArrayDeque<>();
            while (true) {
                in.skipBlanksAndComments();
                int c = in.peek();
                if (c == ConfigScanner.EOF) {
                    break;
                }
                if (c == '{') {
                    wrappers.push(in.position());
                    in.advance();
                    continue;
                }
                if (c == '}') {
                    wrappers.poll();
                    in.advance();
                    continue;
                }
                String key = entry(root, 0, true);
                endTopLevelValue(key);
            }
            if (!wrappers.isEmpty()) {
                throw new ConfigException(wrappers.peek(), "unterminated '{', the closing '}' is missing");
            }
            return root;
        }

        /** Reads the text of an environment variable: one value and nothing else. */
        Object loneValue() {
            scopes.add(new ConfigMap());
            in.skipBlanks();
            Object value = value(0);
            in.skipBlanks();
            if (in.peek() != ConfigScanner.EOF) {
                throw in.error("unexpected " + ConfigScanner.describe(in.peek()) + " after the value");
            }
            return value;
        }

        /** Reads {@code key [=|:] value} or an include directive into {@code target}; returns the key for messages. */
        private String entry(ConfigMap target, int depth, boolean topLevel) {
            Position keyAt = in.position();
            int c = in.peek();
            if (c == '=' || c == ':') {
                throw in.error("unexpected key separator " + ConfigScanner.describe(c) + ", a key must come first");
            }
            ConfigScanner.Key key = in.readKey();
            if (!key.quoted() && key.text().equalsIgnoreCase("include") && ConfigScanner.isBlank(in.peek())) {
                include(target, keyAt);
                return key.text();
            }
            in.skipBlanks();
            boolean separated = in.peek() == '=' || in.peek() == ':';
            if (separated) {
                in.advance();
                // After a separator nats-server lets a map value start on a later line, but not a top-level one:
                // there the new line means the value is missing.
                if (topLevel) {
                    in.skipSpaces();
                } else {
                    in.skipBlanks();
                }
            }
            c = in.peek();
            if (c == ConfigScanner.EOF || c == '}' || c == ',' || c == ';' || ConfigScanner.isNewline(c)) {
                throw new ConfigException(keyAt, "key '" + key.text() + "' has no value");
            }
            target.define(key.text(), value(depth), keyAt);
            return key.text();
        }

        private void endTopLevelValue(String key) {
            in.skipSpaces();
            in.skipComment();
            int c = in.peek();
            if (c == ConfigScanner.EOF || c == '}') {
                return;
            }
            if (ConfigScanner.isNewline(c) || c == ';' || c == ',') {
                in.advance();
                return;
            }
            throw in.error("expected a new line, ';' or ',' after the value of '" + key + "', found "
                    + ConfigScanner.describe(c));
        }

        private Object value(int depth) {
            Position at = in.position();
            int c = in.peek();
            if (c == '{' || c == '[') {
                if (depth >= NESTING_DEPTH_MAX) {
                    throw in.error("maps and arrays nest deeper than " + NESTING_DEPTH_MAX + " levels");
                }
                return c == '{' ? map(depth + 1) : array(depth + 1);
            }
            Object scalar = in.readScalar();
            if (scalar instanceof ConfigScanner.VariableReference reference) {
                return resolve(reference.name(), at);
            }
            return scalar;
        }

        private ConfigMap map(int depth) {
            Position open = in.position();
            in.advance();
            ConfigMap map = new ConfigMap();
            scopes.add(map);
            while (true) {
                in.skipBlanksAndComments();
                int c = in.peek();
                if (c == ConfigScanner.EOF) {
                    throw new ConfigException(open, "unterminated map, the closing '}' is missing");
                }
                if (c == '}') {
                    in.advance();
                    break;
                }
                String key = entry(map, depth, false);
                in.skipSpaces();
                in.skipComment();
                c = in.peek();
                if (c == '}') {
                    in.advance();
                    break;
                }
                if (c == ConfigScanner.EOF) {
                    throw new ConfigException(open, "unterminated map, the closing '}' is missing");
                }
                if (c != ',' && c != ';' && !ConfigScanner.isNewline(c)) {
                    throw in.error("expected a new line, ',', ';' or '}' after the value of '" + key + "', found "
                            + ConfigScanner.describe(c));
                }
                in.advance();
            }
            scopes.remove(scopes.size() - 1);
            return map;
        }

        private List<Object> array(int depth) {
            Position open = in.position();
            in.advance();
            List<Object> items = new ArrayList<>();
            while (true) {
                in.skipBlanksAndComments();
                int c = in.peek();
                if (c == ConfigScanner.EOF) {
                    throw new ConfigException(open, "unterminated array, the closing ']' is missing");
                }
                if (c == ']') {
                    in.advance();
                    break;
                }
                if (c == ',') {
                    throw in.error("unexpected ',' in an array, expected a value or ']'");
                }
                items.add(value(depth));
                in.skipSpaces();
                in.skipComment();
                c = in.peek();
                if (c == ']') {
                    in.advance();
                    break;
                }
                if (c == ConfigScanner.EOF) {
                    throw new ConfigException(open, "unterminated array, the closing ']' is missing");
                }
                if (c != ',' && !ConfigScanner.isNewline(c)) {
                    throw in.error("expected a new line, ',' or ']' after an array element, found "
                            + ConfigScanner.describe(c));
                }
                in.advance();
            }
            return List.copyOf(items);
        }

        private void include(ConfigMap target, Position at) {
            in.skipSpaces();
            String name = in.readIncludePath();
            if (name.isEmpty()) {
                throw new ConfigException(at, "include needs a file name");
            }
            Path file;
            try {
                file = baseDir.resolve(name).normalize();
            } catch (InvalidPathException e) {
                throw new ConfigException(at, "invalid include file name '" + name + "': " + e.getReason());
            }
            ConfigMap included = session.parseFile(file, at);
            for (Map.Entry<String, Object> entry : included.entrySet()) {
                String key = entry.getKey();
                target.define(key, entry.getValue(), included.positionOf(key));
                if (included.isReferenced(key)) {
                    target.markReferenced(key);
                }
            }
        }

        private Object resolve(String name, Position at) {
            if (name.isEmpty()) {
                throw new ConfigException(at, "'$' must be followed by a variable name");
            }
            if (name.startsWith(BCRYPT_PREFIX)) {
                return "$" + name;
            }
            for (int i = scopes.size() - 1; i >= 0; i--) {
                ConfigMap scope = scopes.get(i);
                if (scope.containsKey(name)) {
                    scope.markReferenced(name);
                    return scope.get(name);
                }
            }
            String raw = session.environment.apply(name);
            if (raw == null) {
                throw new ConfigException(at, "variable '$" + name + "' is not defined: no earlier key '" + name
                        + "' in an enclosing map and no environment variable of that name");
            }
            return session.environmentValue(name, raw, at);
        }
    }
}
