package io.natrix.server.jetstream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * JSON read the way nats-server reads JetStream API requests: with Go's {@code json.Decoder} and unknown fields
 * refused. Requests are small and not on the message path, so they are read in two steps, as Go does: the bytes
 * become a tree ({@link Values}), then a {@link Binder} fills a Java value from the tree, reporting the first
 * problem in Go's words. Clients switch on the {@code err_code} of the resulting {@code invalid JSON} error, but
 * operators read the text, so it matches nats-server's for the cases that matter: syntax errors
 * ({@code invalid character '}' looking for beginning of value at offset 13}, {@code unexpected EOF}), unknown
 * fields ({@code json: unknown field "foo"}) and wrong types ({@code json: cannot unmarshal string into Go struct
 * field StreamConfigRequest.max_msgs of type int64}).
 *
 * <p>The tree: objects are {@link Obj} (members in document order, repeats kept), arrays {@code List<Object>},
 * strings {@code String}, numbers {@link Num} (the literal as written, so that errors can quote it), booleans
 * {@code Boolean}, and null {@link #NULL}.
 *
 * <p>Like Go's decoder, a request may hold several JSON values one after another; each is decoded in turn into the
 * same target. Nesting is limited to Go's 10,000 levels, and the scanner keeps its own stack, so hostile nesting
 * cannot exhaust the thread's.
 *
 * <p>Stateless apart from the instances it hands out, which belong to one thread.
 */
final class GoJson {
    /** JSON {@code null}. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** Go's limit on nesting. */
    private static final int MAX_DEPTH = 10_000;

    private GoJson() {
    }

    /** A JSON number, kept as written. */
    record Num(String literal) {
    }

    /** One member of an object. */
    record Member(String name, Object value) {
    }

    /** A JSON object: its members in document order. */
    record Obj(List<Member> members) {
    }

    /** Bad JSON syntax, worded as Go's decoder words it. */
    static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The successive top-level values of a request body, read as Go's {@code json.Decoder} reads them: whitespace
     * only (or nothing) means no value; a value's syntax is checked before it is handed out, so a later value's
     * syntax error surfaces only after the earlier values were decoded.
     */
    static final class Values {
        private final byte[] in;
        private int pos;

        Values(byte[] in) {
            this.in = in;
        }

        /** The next value, or null when only whitespace remains. */
        Object next() throws SyntaxException {
            skipSpace();
            if (pos == in.length) {
                return null;
            }
            // A value ends where its syntax does; whatever follows is read as the next value, as Go's decoder does.
            return value();
        }

        private Object value() throws SyntaxException {
            Deque<Frame> stack = new ArrayDeque<>();
            while (true) {
                Object value;
                skipSpace();
                int c = current();
                if (c == '{' || c == '[') {
                    if (stack.size() >= MAX_DEPTH) {
                        throw error("exceeded max depth");
                    }
                    pos++;
                    skipSpace();
                    if (c == '{') {
                        if (current() == '}') {
                            pos++;
                            value = new Obj(List.of());
                        } else {
                            Frame frame = new Frame(true);
                            frame.key = key();
                            stack.push(frame);
                            continue;
                        }
                    } else if (current() == ']') {
                        pos++;
                        value = List.of();
                    } else {
                        stack.push(new Frame(false));
                        continue;
                    }
                } else {
                    value = scalar(c);
                }
                // A value is complete: hand it to its container, closing containers as far as they end here.
                while (true) {
                    Frame frame = stack.peek();
                    if (frame == null) {
                        return value;
                    }
                    frame.add(value);
                    skipSpace();
                    c = current();
                    if (c == ',') {
                        pos++;
                        if (frame.object) {
                            skipSpace();
                            frame.key = key();
                        }
                        break;
                    }
                    if (c == (frame.object ? '}' : ']')) {
                        pos++;
                        stack.pop();
                        value = frame.value();
                        continue;
                    }
                    throw error(frame.object ? "after object key:value pair" : "after array element");
                }
            }
        }

        /** An object key and its colon. */
        private String key() throws SyntaxException {
            if (current() != '"') {
                throw error("looking for beginning of object key string");
            }
            String key = string();
            skipSpace();
            if (current() != ':') {
                throw error("after object key");
            }
            pos++;
            return key;
        }

        private Object scalar(int c) throws SyntaxException {
            switch (c) {
                case '"':
                    return string();
                case 't':
                    literal("true");
                    return Boolean.TRUE;
                case 'f':
                    literal("false");
                    return Boolean.FALSE;
                case 'n':
                    literal("null");
                    return NULL;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw error("looking for beginning of value");
            }
        }

        private void literal(String word) throws SyntaxException {
            pos++;
            for (int i = 1; i < word.length(); i++) {
                if (current() != word.charAt(i)) {
                    throw error("in literal " + word + " (expecting '" + word.charAt(i) + "')");
                }
                pos++;
            }
        }

        /**
         * A number. The input may end right after one (a number alone at the top), so what may follow is peeked at;
         * what must follow ({@code -}, {@code .} and {@code e} need digits) may not be missing.
         */
        private Num number() throws SyntaxException {
            int start = pos;
            if (peek() == '-') {
                pos++;
                if (!isDigit(current())) {
                    throw error("in numeric literal");
                }
            }
            if (peek() == '0') {
                pos++;
            } else {
                while (isDigit(peek())) {
                    pos++;
                }
            }
            if (peek() == '.') {
                pos++;
                if (!isDigit(current())) {
                    throw error("after decimal point in numeric literal");
                }
                while (isDigit(peek())) {
                    pos++;
                }
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (current() == '+' || current() == '-') {
                    pos++;
                }
                if (!isDigit(current())) {
                    throw error("in exponent of numeric literal");
                }
                while (isDigit(peek())) {
                    pos++;
                }
            }
            return new Num(new String(in, start, pos - start, StandardCharsets.US_ASCII));
        }

        /** The byte at {@code pos}, or -1 at the end. */
        private int peek() {
            return pos < in.length ? in[pos] & 0xff : -1;
        }

        /** A string from its opening quote; invalid UTF-8 and unpaired surrogates become U+FFFD, as in Go. */
        private String string() throws SyntaxException {
            pos++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                int c = current();
                if (c == '"') {
                    pos++;
                    return sb.toString();
                }
                if (c < 0x20) {
                    throw error("in string literal");
                }
                if (c == '\\') {
                    pos++;
                    int e = current();
                    switch (e) {
                        case '"', '\\', '/' -> sb.append((char) e);
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case 'u' -> {
                            pos++;
                            int unit = hex4();
                            if (Character.isHighSurrogate((char) unit) && pos + 1 < in.length && in[pos + 1] == '\\'
                                    && pos + 2 < in.length && in[pos + 2] == 'u') {
                                int save = pos;
                                pos += 3;
                                int low = hex4();
                                if (Character.isLowSurrogate((char) low)) {
                                    sb.append((char) unit).append((char) low);
                                    break;
                                }
                                pos = save;
                            }
                            sb.append(Character.isSurrogate((char) unit) ? '\uFFFD' : (char) unit);
                        }
                        default -> throw error("in string escape code");
                    }
                    pos++;
                    continue;
                }
                if (c < 0x80) {
                    sb.append((char) c);
                    pos++;
                    continue;
                }
                pos += utf8(sb);
            }
        }

        /** Four hex digits from {@code pos}; leaves {@code pos} on the last. */
        private int hex4() throws SyntaxException {
            int value = 0;
            for (int i = 0; i < 4; i++) {
                int c = current();
                int digit = Character.digit(c, 16);
                if (c >= 128 || digit < 0) {
                    throw error("in \\u hexadecimal character escape");
                }
                value = value * 16 + digit;
                if (i < 3) {
                    pos++;
                }
            }
            return value;
        }

        /** Decodes one UTF-8 sequence at {@code pos} into {@code sb}; returns the bytes used (1 when invalid). */
        private int utf8(StringBuilder sb) {
            int b0 = in[pos] & 0xff;
            int n;
            int cp;
            int min;
            if (b0 >= 0xc2 && b0 <= 0xdf) {
                n = 2;
                cp = b0 & 0x1f;
                min = 0x80;
            } else if (b0 >= 0xe0 && b0 <= 0xef) {
                n = 3;
                cp = b0 & 0x0f;
                min = 0x800;
            } else if (b0 >= 0xf0 && b0 <= 0xf4) {
                n = 4;
                cp = b0 & 0x07;
                min = 0x10000;
            } else {
                sb.append('\uFFFD');
                return 1;
            }
            if (pos + n > in.length) {
                sb.append('\uFFFD');
                return 1;
            }
            for (int i = 1; i < n; i++) {
                int b = in[pos + i] & 0xff;
                if ((b & 0xc0) != 0x80) {
                    sb.append('\uFFFD');
                    return 1;
                }
                cp = (cp << 6) | (b & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                sb.append('\uFFFD');
                return 1;
            }
            sb.appendCodePoint(cp);
            return n;
        }

        private int current() throws SyntaxException {
            if (pos >= in.length) {
                throw new SyntaxException("unexpected EOF");
            }
            return in[pos] & 0xff;
        }

        private void skipSpace() {
            while (pos < in.length && isSpace(in[pos])) {
                pos++;
            }
        }

        private SyntaxException error(String context) {
            return new SyntaxException("invalid character " + quoteChar(in[pos] & 0xff) + " " + context
                    + " at offset " + (pos + 1));
        }

        private static boolean isSpace(int c) {
            return c == ' ' || c == '\t' || c == '\n' || c == '\r';
        }

        private static boolean isDigit(int c) {
            return c >= '0' && c <= '9';
        }
    }

    /** An object or array being read. */
    private static final class Frame {
        final boolean object;
        final List<Object> items = new ArrayList<>();
        final List<Member> members = new ArrayList<>();
        String key;

        Frame(boolean object) {
            this.object = object;
        }

        void add(Object value) {
            if (object) {
                members.add(new Member(key, value));
            } else {
                items.add(value);
            }
        }

        Object value() {
            return object ? new Obj(Collections.unmodifiableList(members)) : Collections.unmodifiableList(items);
        }
    }

    /** Go's {@code quoteChar}: how its scanner names an offending byte. */
    static String quoteChar(int c) {
        if (c == '\'') {
            return "'\\''";
        }
        if (c == '"') {
            return "'\"'";
        }
        String q = quote(String.valueOf((char) c));
        return "'" + q.substring(1, q.length() - 1) + "'";
    }

    /** Go's {@code strconv.Quote} for the texts errors quote. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case 0x07 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 0x0b -> sb.append("\\v");
                default -> {
                    if (cp < 0x20 || cp == 0x7f) {
                        sb.append(String.format("\\x%02x", cp));
                    } else if (isGoPrintable(cp)) {
                        sb.appendCodePoint(cp);
                    } else if (cp < 0x10000) {
                        sb.append(String.format("\\u%04x", cp));
                    } else {
                        sb.append(String.format("\\U%08x", cp));
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Go's {@code strconv.IsPrint}, closely enough: letters, marks, numbers, punctuation, symbols and ASCII space. */
    private static boolean isGoPrintable(int cp) {
        if (cp == ' ') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.UNASSIGNED, Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE,
                 Character.SURROGATE, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                 Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }

    /** Compact JSON for a tree value, standing in for the raw bytes Go hands to a custom decoder. */
    static String raw(Object value) {
        StringBuilder sb = new StringBuilder();
        raw(value, sb);
        return sb.toString();
    }

    private static void raw(Object value, StringBuilder sb) {
        if (value instanceof String s) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (ch == '"' || ch == '\\') {
                    sb.append('\\').append(ch);
                } else if (ch < 0x20) {
                    sb.append(String.format("\\u%04x", (int) ch));
                } else {
                    sb.append(ch);
                }
            }
            sb.append('"');
        } else if (value instanceof Num n) {
            sb.append(n.literal());
        } else if (value instanceof Obj o) {
            sb.append('{');
            for (int i = 0; i < o.members().size(); i++) {
                Member m = o.members().get(i);
                if (i > 0) {
                    sb.append(',');
                }
                raw(m.name(), sb);
                sb.append(':');
                raw(m.value(), sb);
            }
            sb.append('}');
        } else if (value instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                raw(list.get(i), sb);
            }
            sb.append(']');
        } else {
            sb.append(value);
        }
    }

    /** How Go names a JSON value's kind in type errors. */
    static String kind(Object value) {
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Num) {
            return "number";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof List) {
            return "array";
        }
        if (value instanceof Obj) {
            return "object";
        }
        return "null";
    }
}
