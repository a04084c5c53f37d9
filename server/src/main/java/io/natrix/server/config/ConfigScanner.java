package io.natrix.server.config;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Locale;

/**
 * The character level of {@link ConfigParser}: a cursor over one configuration text that reads keys, scalar values,
 * include file names and comments, and knows the line and column it is at.
 *
 * <p>It knows nothing of nesting, scopes or files; the parser drives it. Scalars are classified as nats-server's
 * lexer (conf/lex.go) classifies them, so that a file means the same in both servers:
 * <ul>
 *   <li>{@code "..."} is a string with escapes {@code \t \n \r \" \\ \xXX} (nats-server) and
 *       <code>&#92;uXXXX</code> (ours); {@code '...'} is a raw string; both may span lines.</li>
 *   <li>{@code (} starts a block string that ends at a {@code )} standing alone at the start of a line; the value is
 *       everything in between, newlines included.</li>
 *   <li>A word starting with a digit or {@code -} is an integer ({@code 42}), an integer with a size suffix
 *       ({@code 1k}, {@code 64MB}, see {@link ConfigUnits}), a float ({@code 0.5}) or a Zulu date
 *       ({@code 2016-05-04T18:53:41Z}, read as an {@link Instant}). Other digit-led words are plain strings, which is
 *       how {@code 2s}, {@code 100ms} and {@code 127.0.0.1:4222} arrive as text.</li>
 *   <li>Any other unquoted word runs to a space, tab, new line, {@code ,}, {@code ;}, {@code ]} or <code>}</code>. It
 *       is a boolean when it is {@code true false yes no on off} in any case, a variable reference when it starts
 *       with {@code $}, else a string (escapes apply here too).</li>
 * </ul>
 *
 * <p>Where nats-server's lexer gives up on a digit-led word that is neither a number nor a date (such as an unquoted
 * {@code 1m30s} or {@code 1.5s}, which it rejects) we read a string instead. {@link ConfigParser} lists the few
 * places where we are stricter.
 *
 * <p>Thread-safety: none; one instance reads one text on one thread.
 */
final class ConfigScanner {
    static final int EOF = -1;

    /** A {@code $name} in value position, resolved by the parser against its scopes and the environment. */
    record VariableReference(String name) {
    }

    /** A key as written; a quoted {@code "include"} is an ordinary key, an unquoted one a directive. */
    record Key(String text, boolean quoted) {
    }

    // The layout nats-server requires of an unquoted date: 'd' stands for a digit, anything else for itself.
    private static final String DATE_LAYOUT = "dddd-dd-ddTdd:dd:ddZ";

    private final String text;
    private final String file;
    private int pos;
    private int line = 1;
    private int lineStart;

    ConfigScanner(String text, String file) {
        this.text = text;
        this.file = file;
    }

    int peek() {
        return peek(0);
    }

    int peek(int ahead) {
        int i = pos + ahead;
        return i < text.length() ? text.charAt(i) : EOF;
    }

    void advance() {
        if (text.charAt(pos) == '\n') {
            line++;
            lineStart = pos + 1;
        }
        pos++;
    }

    ConfigParser.Position position() {
        return new ConfigParser.Position(file, line, pos - lineStart + 1);
    }

    ConfigException error(String reason) {
        return new ConfigException(position(), reason);
    }

    static boolean isSpace(int c) {
        return c == ' ' || c == '\t';
    }

    static boolean isNewline(int c) {
        return c == '\n' || c == '\r';
    }

    /** White space in the wide sense, new lines included, as Go's unicode.IsSpace sees ASCII. */
    static boolean isBlank(int c) {
        return isSpace(c) || isNewline(c) || c == '\f' || c == 0x0B;
    }

    /** Characters that end an unquoted value. */
    static boolean endsValue(int c) {
        return c == EOF || isSpace(c) || isNewline(c) || c == ',' || c == ';' || c == ']' || c == '}';
    }

    /**
     * Characters that end an unquoted key. nats-server ends keys only at white space and separators, so it reads
     * {@code foo{} as a key named "foo{" and then fails; stopping at brackets too accepts strictly more files.
     */
    private static boolean endsKey(int c) {
        return c == EOF || isBlank(c) || c == '=' || c == ':' || c == '{' || c == '}' || c == '[' || c == ']'
                || c == ',' || c == ';';
    }

    /** How a character reads in an error message. */
    static String describe(int c) {
        return switch (c) {
            case EOF -> "the end of the file";
            case '\n' -> "a new line";
            case '\r' -> "a carriage return";
            case '\t' -> "a tab";
            case '\'' -> "\"'\"";
            default -> "'" + (char) c + "'";
        };
    }

    void skipSpaces() {
        while (isSpace(peek())) {
            advance();
        }
    }

    void skipBlanks() {
        while (isBlank(peek())) {
            advance();
        }
    }

    /** Skips a {@code #} or {@code //} comment up to, not including, the end of its line. */
    boolean skipComment() {
        int c = peek();
        if (c != '#' && !(c == '/' && peek(1) == '/')) {
            return false;
        }
        while (peek() != EOF && !isNewline(peek())) {
            advance();
        }
        return true;
    }

    void skipBlanksAndComments() {
        while (true) {
            if (isBlank(peek())) {
                advance();
            } else if (!skipComment()) {
                return;
            }
        }
    }

    /** Reads a key, quoted (raw, as nats-server reads quoted keys) or up to the first character that ends keys. */
    Key readKey() {
        int c = peek();
        if (c == '"' || c == '\'') {
            return new Key(readRawQuoted("key"), true);
        }
        int from = pos;
        while (!endsKey(peek())) {
            advance();
        }
        if (pos == from) {
            throw error("expected a key, found " + describe(c));
        }
        return new Key(text.substring(from, pos), false);
    }

    /** Reads the file name after {@code include}: quoted (raw) or up to white space, {@code ;} or <code>}</code>. */
    String readIncludePath() {
        int c = peek();
        if (c == '"' || c == '\'') {
            return readRawQuoted("include file name");
        }
        if (c == EOF || isNewline(c) || c == '[' || c == '{' || c == '(' || c == '\\') {
            throw error("expected an include file name, found " + describe(c));
        }
        int from = pos;
        while (peek() != EOF && !isBlank(peek()) && peek() != ';' && peek() != '}') {
            advance();
        }
        return text.substring(from, pos);
    }

    /**
     * Reads a scalar value: a String, Long, Double, Boolean, Instant or a {@link VariableReference}. Maps and
     * arrays are the parser's business.
     */
    Object readScalar() {
        int c = peek();
        if (c == '"') {
            return readDoubleQuoted();
        }
        if (c == '\'') {
            return readRawQuoted("string");
        }
        if (c == '(') {
            return readBlock();
        }
        if (c == '-' || ConfigUnits.isDigit(c)) {
            return readNumberOrWord();
        }
        if (c == '.') {
            throw error("a number must start with a digit, not '.'");
        }
        if (endsValue(c)) {
            throw error("expected a value, found " + describe(c));
        }
        return readUnquoted();
    }

    private String readRawQuoted(String what) {
        ConfigParser.Position open = position();
        int quote = peek();
        advance();
        int from = pos;
        while (peek() != quote) {
            if (peek() == EOF) {
                throw new ConfigException(open, "unterminated " + what + ", the closing " + describe(quote)
                        + " is missing");
            }
            advance();
        }
        String value = text.substring(from, pos);
        advance();
        return value;
    }

    private String readDoubleQuoted() {
        ConfigParser.Position open = position();
        advance();
        TextBuilder out = new TextBuilder();
        while (true) {
            int c = peek();
            if (c == EOF) {
                throw new ConfigException(open, "unterminated string, the closing '\"' is missing");
            }
            if (c == '"') {
                advance();
                return out.toString();
            }
            if (c == '\\') {
                readEscape(out);
            } else {
                out.append((char) c);
                advance();
            }
        }
    }

    private String readBlock() {
        ConfigParser.Position open = position();
        advance();
        int from = pos;
        while (true) {
            int c = peek();
            if (c == EOF) {
                throw new ConfigException(open,
                        "unterminated block string, '(' needs a ')' alone at the start of a line");
            }
            // Only a ')' that starts a line and ends it closes the block, so ')' may appear freely inside.
            if (c == ')' && text.charAt(pos - 1) == '\n' && (peek(1) == EOF || isNewline(peek(1)))) {
                String value = text.substring(from, pos);
                advance();
                return value;
            }
            advance();
        }
    }

    private Object readUnquoted() {
        TextBuilder out = new TextBuilder();
        boolean escaped = false;
        while (true) {
            int c = peek();
            if (endsValue(c)) {
                break;
            }
            if (c == '\'') {
                // nats-server ends an unquoted word at a single quote and swallows the quote; the word is then
                // plain text even if it spells a boolean or starts with '$'.
                advance();
                return out.toString();
            }
            if (c == '\\') {
                readEscape(out);
                escaped = true;
            } else {
                out.append((char) c);
                advance();
            }
        }
        String word = out.toString();
        if (escaped) {
            return word;
        }
        switch (word.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> {
                return Boolean.TRUE;
            }
            case "false", "no", "off" -> {
                return Boolean.FALSE;
            }
            default -> {
                return word.startsWith("$") ? new VariableReference(word.substring(1)) : word;
            }
        }
    }

    /** Reads the escape at the cursor (a backslash) into {@code out}. */
    private void readEscape(TextBuilder out) {
        ConfigParser.Position at = position();
        advance();
        int c = peek();
        switch (c) {
            case 't' -> out.append('\t');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case '"' -> out.append('"');
            case '\\' -> out.append('\\');
            case 'x' -> {
                advance();
                out.appendByte(readHex(2, at, "\\x"));
                return;
            }
            case 'u' -> {
                advance();
                out.append((char) readHex(4, at, "\\u"));
                return;
            }
            default -> throw new ConfigException(at, "invalid escape "
                    + (c == EOF || isBlank(c) ? "'\\' before " + describe(c) : "'\\" + (char) c + "'")
                    + ", only \\t, \\n, \\r, \\\", \\\\, \\xXX and \\uXXXX are allowed");
        }
        advance();
    }

    private int readHex(int digits, ConfigParser.Position at, String escape) {
        int value = 0;
        for (int i = 0; i < digits; i++) {
            int digit = Character.digit(peek(), 16);
            if (peek() == EOF || digit < 0) {
                throw new ConfigException(at, "expected " + digits + " hexadecimal digits after '" + escape + "'");
            }
            value = value * 16 + digit;
            advance();
        }
        return value;
    }

    /** Reads a word that starts with a digit or '-' and decides what it is; see the class comment. */
    private Object readNumberOrWord() {
        ConfigParser.Position start = position();
        int end = pos;
        while (end < text.length() && !endsValue(text.charAt(end)) && text.charAt(end) != '\\'
                && text.charAt(end) != '\'') {
            end++;
        }
        boolean negative = text.charAt(pos) == '-';
        if (end < text.length() && (text.charAt(end) == '\\' || text.charAt(end) == '\'')) {
            if (negative) {
                throw new ConfigException(start, "invalid number '" + text.substring(pos, end + 1) + "'");
            }
            return readUnquoted();
        }
        String word = text.substring(pos, end);
        pos = end; // the word holds no new line, so line and column bookkeeping stays valid
        return classifyNumber(word, negative, start);
    }

    private static Object classifyNumber(String word, boolean negative, ConfigParser.Position start) {
        int digitsFrom = negative ? 1 : 0;
        int digitsEnd = digitsFrom;
        while (digitsEnd < word.length() && ConfigUnits.isDigit(word.charAt(digitsEnd))) {
            digitsEnd++;
        }
        if (digitsEnd == digitsFrom) {
            throw new ConfigException(start, "invalid number '" + word + "', '-' must be followed by digits");
        }
        if (digitsEnd == word.length()) {
            return parseLong(word, word, 1, start);
        }
        char next = word.charAt(digitsEnd);
        if (next == '-' && !negative) {
            return parseDate(word, start);
        }
        if (next == '.') {
            int fractionEnd = digitsEnd + 1;
            while (fractionEnd < word.length() && ConfigUnits.isDigit(word.charAt(fractionEnd))) {
                fractionEnd++;
            }
            if (fractionEnd == digitsEnd + 1) {
                throw new ConfigException(start, "invalid number '" + word + "', '.' must be followed by digits");
            }
            if (fractionEnd == word.length()) {
                double value = Double.parseDouble(word);
                if (Double.isInfinite(value)) {
                    throw new ConfigException(start, "float '" + word + "' is out of range");
                }
                return value;
            }
        } else {
            long multiplier = ConfigUnits.sizeMultiplier(word.substring(digitsEnd));
            if (multiplier > 0) {
                return parseLong(word.substring(0, digitsEnd), word, multiplier, start);
            }
        }
        if (negative) {
            throw new ConfigException(start, "invalid number '" + word + "'");
        }
        return word;
    }

    private static Long parseLong(String digits, String word, long multiplier, ConfigParser.Position start) {
        try {
            return Math.multiplyExact(Long.parseLong(digits), multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(start, "integer '" + word + "' is out of range");
        }
    }

    private static Instant parseDate(String word, ConfigParser.Position start) {
        boolean shaped = word.length() == DATE_LAYOUT.length();
        for (int i = 0; shaped && i < word.length(); i++) {
            char expected = DATE_LAYOUT.charAt(i);
            char actual = word.charAt(i);
            shaped = expected == 'd' ? ConfigUnits.isDigit(actual) : actual == expected;
        }
        if (!shaped) {
            throw new ConfigException(start, "invalid date '" + word
                    + "', dates must be in full ISO 8601 Zulu form like 2016-05-04T18:53:41Z");
        }
        try {
            return LocalDateTime.of(number(word, 0, 4), number(word, 5, 7), number(word, 8, 10),
                    number(word, 11, 13), number(word, 14, 16), number(word, 17, 19)).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw new ConfigException(start, "invalid date '" + word + "': " + e.getMessage());
        }
    }

    private static int number(String s, int from, int to) {
        return Integer.parseInt(s, from, to, 10);
    }

    /**
     * Collects string text. {@code \xXX} escapes add raw bytes, as in nats-server; a run of them is decoded as UTF-8
     * when it is valid UTF-8 (so {@code \xc3\xa9} is "é") and byte by byte as Latin-1 otherwise (so a lone
     * {@code \xe9} is "é" too).
     */
    private static final class TextBuilder {
        private final StringBuilder chars = new StringBuilder();
        private byte[] bytes = new byte[8];
        private int byteCount;

        void append(char c) {
            flushBytes();
            chars.append(c);
        }

        void appendByte(int b) {
            if (byteCount == bytes.length) {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[byteCount++] = (byte) b;
        }

        @Override
        public String toString() {
            flushBytes();
            return chars.toString();
        }

        private void flushBytes() {
            if (byteCount == 0) {
                return;
            }
            try {
                chars.append(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, byteCount)));
            } catch (CharacterCodingException e) {
                for (int i = 0; i < byteCount; i++) {
                    chars.append((char) (bytes[i] & 0xFF));
                }
            }
            byteCount = 0;
        }
    }
}
