package io.natrix.server.subject;

import io.natrix.server.subject.SubjectTransformException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Rewrites subjects that match a source pattern into a destination, as nats-server's subject mappings, import
 * transforms and stream transforms do.
 *
 * <p>The source is a subject that may hold wildcards. The destination is a subject whose tokens are literal text,
 * references to the source's {@code *} wildcards, or mapping functions, and which ends in {@code >} exactly when
 * the source does (the tokens the source's {@code >} matched are appended there). Wildcards are numbered from 1 in
 * the order they appear in the source.
 * <pre>
 * $n                             the token matched by wildcard n (legacy form of wildcard(n))
 * {{wildcard(n)}}                the same
 * {{partition(p, n1, n2...)}}    FNV-1a 32-bit hash of the tokens of wildcards n1, n2... concatenated (without
 *                                separator), modulo p; with no wildcards given, of the whole subject
 * {{random(p)}}                  a random number from 0 to p-1
 * {{split(n, delim)}}            the token of wildcard n split at every delim, empty pieces dropped
 * {{splitFromLeft(n, pos)}}      the token cut in two after pos bytes
 * {{splitFromRight(n, pos)}}     the token cut in two pos bytes before its end
 * {{sliceFromLeft(n, size)}}     the token cut into pieces of size bytes from the left, the rest last
 * {{sliceFromRight(n, size)}}    the token cut into pieces of size bytes from the right, the rest first
 * {{left(n, size)}}              the first size bytes of the token
 * {{right(n, size)}}             the last size bytes of the token
 * </pre>
 * A function that cannot cut (position or size out of range) leaves the token whole. Function names match
 * nats-server's spelling: the first letter of each word may be either case ({@code splitfromleft},
 * {@code SplitFromLeft}), the other letters must be lower case; spaces may surround the name and follow commas.
 *
 * <p>Validation follows nats-server: a reference to a wildcard the source lacks is an error; a source without
 * wildcards allows only literal tokens, {@code partition} (over the whole subject) and {@code random}; a plain
 * transform need not use every wildcard, while a {@linkplain #parseStrict strict} one (imports, which must be
 * reversible) must reference them all and may use no function but {@code wildcard}. Two nats-server quirks are
 * kept on purpose, because configurations may rely on them: a wildcard number below 1 ({@code $0},
 * {@code partition(10, 0)}) selects the first token of the subject, and a token of {@code $} followed by something
 * other than a number is literal text.
 *
 * <p>Positions and sizes count bytes of the token's UTF-8 form, as in nats-server; a cut through a multi-byte
 * character yields U+FFFD in Java where nats-server would pass on the broken bytes.
 *
 * <p>{@link #apply} works from a plan made once at parse time: it locates the subject's tokens in one scan,
 * matches them against the source in place, and copies regions of the subject into the result; no regular
 * expressions and no per-token strings except where a function has to cut a non-ASCII token.
 *
 * <p>Immutable and thread-safe.
 */
public final class SubjectTransform {

    /** What one destination token becomes. */
    private enum Kind {
        LITERAL(null),
        /** The destination's trailing {@code >}: the tokens the source's {@code >} matched. */
        TAIL(null),
        WILDCARD("Wildcard"),
        PARTITION("Partition"),
        SPLIT_FROM_LEFT("SplitFromLeft"),
        SPLIT_FROM_RIGHT("SplitFromRight"),
        SLICE_FROM_LEFT("SliceFromLeft"),
        SLICE_FROM_RIGHT("SliceFromRight"),
        SPLIT("Split"),
        LEFT("Left"),
        RIGHT("Right"),
        RANDOM("Random");

        /** Spelling with the letters that may be either case in upper case; null for non-functions. */
        final String spelling;

        Kind(String spelling) {
            this.spelling = spelling;
        }
    }

    /**
     * One destination token's part of the plan. {@code position} is the subject token a function reads;
     * {@code positions} the tokens {@code partition} hashes (null for the whole subject); {@code number} the count,
     * position or size argument.
     */
    private record Step(Kind kind, String text, int position, int[] positions, int number, String delimiter) {
    }

    /** A {@code {{name(args)}}} token taken apart; args split at commas, whitespace after each comma dropped. */
    private record Call(Kind kind, List<String> args) {
    }

    private static final int FNV_OFFSET_BASIS = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;

    private final String source;
    private final String destination;
    private final String[] sourceTokens;
    private final boolean[] sourceWildcard;
    private final boolean sourceTail;
    private final Step[] steps;
    /** The result for every matching subject when the destination holds no reference and no function. */
    private final String constant;

    private SubjectTransform(String source, String destination, String[] sourceTokens, Step[] steps) {
        this.source = source;
        this.destination = destination;
        this.sourceTokens = sourceTokens;
        this.sourceWildcard = new boolean[sourceTokens.length];
        for (int i = 0; i < sourceTokens.length; i++) {
            sourceWildcard[i] = isWildcard(sourceTokens[i]);
        }
        this.sourceTail = sourceTokens[sourceTokens.length - 1].equals(">");
        this.steps = steps;
        boolean literal = true;
        for (Step step : steps) {
            literal &= step.kind == Kind.LITERAL;
        }
        this.constant = literal ? destination : null;
    }

    /**
     * Builds the transform from {@code source} to {@code destination}, as nats-server does for subject mappings
     * and stream transforms. An empty source stands for {@code >}.
     *
     * @throws SubjectTransformException when either side is invalid, with nats-server's message
     */
    public static SubjectTransform parse(String source, String destination) {
        return build(source, destination, false);
    }

    /**
     * Builds a strict transform, as nats-server does for import subjects: every source wildcard must be referenced
     * and only {@code $n} and {@code wildcard(n)} are allowed, so that the transform can be {@linkplain #reverse
     * reversed}.
     *
     * @throws SubjectTransformException when either side is invalid or the transform is not reversible
     */
    public static SubjectTransform parseStrict(String source, String destination) {
        return build(source, destination, true);
    }

    /**
     * A transform that serves only to {@linkplain #matches match} {@code source}, which must be a valid subject;
     * its destination is meaningless.
     */
    static SubjectTransform matcher(String source) {
        return new SubjectTransform(source, source, Subjects.tokens(source), new Step[0]);
    }

    /** The source pattern ({@code >} when it was given empty). */
    public String source() {
        return source;
    }

    /** The destination as written. */
    public String destination() {
        return destination;
    }

    /**
     * The subject that {@code subject} becomes, or null when it does not match the source or is not a literal
     * subject (empty token, wildcard token).
     */
    public String apply(String subject) {
        int[] bounds = bounds(subject);
        if (bounds == null || !matches(subject, bounds)) {
            return null;
        }
        return transform(subject, bounds);
    }

    /**
     * The transform back, as nats-server builds it for import subjects: references in the destination become
     * wildcards of the new source and the source's wildcards become those references, so that
     * {@code reverse().apply(apply(s))} gives {@code s} back. Null when no strict transform can be built that way.
     */
    public SubjectTransform reverse() {
        String[] destinationTokens = Subjects.tokens(destination);
        List<String> references = new ArrayList<>();
        StringBuilder newSource = new StringBuilder(destination.length());
        for (int i = 0; i < destinationTokens.length; i++) {
            String token = destinationTokens[i];
            if (i > 0) {
                newSource.append('.');
            }
            if (isReference(token)) {
                references.add(token);
                newSource.append('*');
            } else {
                newSource.append(token);
            }
        }
        StringBuilder newDestination = new StringBuilder(source.length());
        int next = 0;
        for (int i = 0; i < sourceTokens.length; i++) {
            if (i > 0) {
                newDestination.append('.');
            }
            if (sourceTokens[i].equals("*")) {
                if (next == references.size()) {
                    return null;
                }
                newDestination.append(references.get(next++));
            } else {
                newDestination.append(sourceTokens[i]);
            }
        }
        try {
            return parseStrict(newSource.toString(), newDestination.toString());
        } catch (SubjectTransformException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return source + " -> " + destination;
    }

    // ---- matching and transforming ----------------------------------------------------------------------------

    /**
     * Where the tokens of a literal subject start: element i is the offset of token i, and a last element one past
     * the end of the subject, so token i spans {@code [b[i], b[i+1] - 1)}. Null when the subject has an empty
     * token or a wildcard token, which nats-server does not transform.
     */
    static int[] bounds(String subject) {
        int length = subject.length();
        int count = 1;
        for (int i = 0; i < length; i++) {
            if (subject.charAt(i) == '.') {
                count++;
            }
        }
        int[] bounds = new int[count + 1];
        int token = 0;
        int start = 0;
        for (int i = 0; i <= length; i++) {
            if (i == length || subject.charAt(i) == '.') {
                int tokenLength = i - start;
                if (tokenLength == 0 || tokenLength == 1 && isWildcardChar(subject.charAt(start))) {
                    return null;
                }
                bounds[token++] = start;
                start = i + 1;
            }
        }
        bounds[count] = length + 1;
        return bounds;
    }

    /** Whether the literal subject, located by {@link #bounds}, matches the source. */
    boolean matches(String subject, int[] bounds) {
        int count = bounds.length - 1;
        int last = sourceTokens.length - 1;
        for (int i = 0; i <= last; i++) {
            if (i == last && sourceTail) {
                return count > last;
            }
            if (i >= count) {
                return false;
            }
            if (!sourceWildcard[i]) {
                String expected = sourceTokens[i];
                int start = bounds[i];
                int tokenLength = bounds[i + 1] - 1 - start;
                if (tokenLength != expected.length() || !subject.regionMatches(start, expected, 0, tokenLength)) {
                    return false;
                }
            }
        }
        return count == sourceTokens.length;
    }

    /**
     * The destination for a subject already known to match. {@code bounds} may be null when the source has no
     * wildcards, since such a destination reads no single token.
     */
    String transform(String subject, int[] bounds) {
        if (constant != null) {
            return constant;
        }
        StringBuilder out = new StringBuilder(subject.length() + destination.length());
        for (int i = 0; i < steps.length; i++) {
            if (i > 0) {
                out.append('.');
            }
            Step step = steps[i];
            switch (step.kind) {
                case LITERAL -> out.append(step.text);
                case TAIL -> out.append(subject, bounds[sourceTokens.length - 1], subject.length());
                case WILDCARD -> out.append(subject, bounds[step.position], bounds[step.position + 1] - 1);
                case PARTITION -> out.append(partition(subject, bounds, step));
                case RANDOM -> out.append(random(step.number));
                case SPLIT -> split(out, subject, bounds[step.position], bounds[step.position + 1] - 1,
                        step.delimiter);
                default -> cut(out, subject, bounds[step.position], bounds[step.position + 1] - 1, step);
            }
        }
        return out.toString();
    }

    private static String partition(String subject, int[] bounds, Step step) {
        if (step.number == 0) {
            return "0";
        }
        int hash = FNV_OFFSET_BASIS;
        if (step.positions == null) {
            hash = fnv1a(hash, subject, 0, subject.length());
        } else {
            for (int position : step.positions) {
                hash = fnv1a(hash, subject, bounds[position], bounds[position + 1] - 1);
            }
        }
        // nats-server takes the modulus of the unsigned hash by the count as an unsigned 32-bit number, so a
        // negative count behaves as a very large one.
        return Integer.toUnsignedString(Integer.remainderUnsigned(hash, step.number));
    }

    private static String random(int ceiling) {
        if (ceiling == 0) {
            return "0";
        }
        // A non-negative 31-bit draw, then the remainder with the sign of the draw, as Go's % computes it.
        return Integer.toString((ThreadLocalRandom.current().nextInt() >>> 1) % ceiling);
    }

    /** FNV-1a over the UTF-8 bytes of {@code s[from, to)}, continuing from {@code hash}. */
    static int fnv1a(int hash, String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                hash = (hash ^ c) * FNV_PRIME;
            } else if (c < 0x800) {
                hash = (hash ^ (0xc0 | c >> 6)) * FNV_PRIME;
                hash = (hash ^ (0x80 | c & 0x3f)) * FNV_PRIME;
            } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                hash = (hash ^ (0xf0 | cp >> 18)) * FNV_PRIME;
                hash = (hash ^ (0x80 | cp >> 12 & 0x3f)) * FNV_PRIME;
                hash = (hash ^ (0x80 | cp >> 6 & 0x3f)) * FNV_PRIME;
                hash = (hash ^ (0x80 | cp & 0x3f)) * FNV_PRIME;
            } else if (Character.isSurrogate(c)) {
                hash = (hash ^ '?') * FNV_PRIME; // a lone surrogate encodes as '?', as String.getBytes does
            } else {
                hash = (hash ^ (0xe0 | c >> 12)) * FNV_PRIME;
                hash = (hash ^ (0x80 | c >> 6 & 0x3f)) * FNV_PRIME;
                hash = (hash ^ (0x80 | c & 0x3f)) * FNV_PRIME;
            }
        }
        return hash;
    }

    /**
     * {@code split}: the pieces between delimiters, joined by '.'. The separator rule is nats-server's: a '.' is
     * written before each non-empty piece except when everything before it was a single leading empty piece, so a
     * token like {@code --a} yields {@code .a} there too. An empty delimiter splits between characters, as Go's
     * strings.Split does.
     */
    private static void split(StringBuilder out, String s, int start, int end, String delimiter) {
        if (delimiter.isEmpty()) {
            for (int i = start; i < end; i = s.offsetByCodePoints(i, 1)) {
                if (i > start) {
                    out.append('.');
                }
                out.append(s, i, s.offsetByCodePoints(i, 1));
            }
            return;
        }
        int dl = delimiter.length();
        int pieceStart = start;
        int pieceEnd = nextDelimiter(s, delimiter, pieceStart, end);
        for (int j = 0; ; j++) {
            boolean last = pieceEnd == end;
            if (pieceEnd > pieceStart) {
                out.append(s, pieceStart, pieceEnd);
            }
            if (last) {
                return;
            }
            int nextStart = pieceEnd + dl;
            int nextEnd = nextDelimiter(s, delimiter, nextStart, end);
            if (nextEnd > nextStart && !(j == 0 && pieceEnd == pieceStart)) {
                out.append('.');
            }
            pieceStart = nextStart;
            pieceEnd = nextEnd;
        }
    }

    /** Where the next delimiter inside {@code [from, end)} starts, or {@code end} when there is none. */
    private static int nextDelimiter(String s, String delimiter, int from, int end) {
        int at = s.indexOf(delimiter, from);
        return at < 0 || at + delimiter.length() > end ? end : at;
    }

    /** The byte-positional functions, over the token {@code s[start, end)}. */
    private static void cut(StringBuilder out, String s, int start, int end, Step step) {
        // Positions count UTF-8 bytes; for an ASCII token those are its chars and the subject's regions serve.
        byte[] utf8 = isAscii(s, start, end) ? null : s.substring(start, end).getBytes(StandardCharsets.UTF_8);
        int length = utf8 == null ? end - start : utf8.length;
        int n = step.number;
        if (n <= 0 || n >= length) {
            piece(out, s, start, utf8, 0, length);
            return;
        }
        switch (step.kind) {
            case SPLIT_FROM_LEFT -> {
                piece(out, s, start, utf8, 0, n);
                out.append('.');
                piece(out, s, start, utf8, n, length);
            }
            case SPLIT_FROM_RIGHT -> {
                piece(out, s, start, utf8, 0, length - n);
                out.append('.');
                piece(out, s, start, utf8, length - n, length);
            }
            case SLICE_FROM_LEFT -> {
                int i = 0;
                for (; i + n <= length; i += n) {
                    if (i > 0) {
                        out.append('.');
                    }
                    piece(out, s, start, utf8, i, i + n);
                }
                if (i < length) {
                    out.append('.');
                    piece(out, s, start, utf8, i, length);
                }
            }
            case SLICE_FROM_RIGHT -> {
                int remainder = length % n;
                if (remainder > 0) {
                    piece(out, s, start, utf8, 0, remainder);
                    out.append('.');
                }
                for (int i = remainder; i + n <= length; i += n) {
                    if (i > remainder) {
                        out.append('.');
                    }
                    piece(out, s, start, utf8, i, i + n);
                }
            }
            case LEFT -> piece(out, s, start, utf8, 0, n);
            case RIGHT -> piece(out, s, start, utf8, length - n, length);
            default -> throw new IllegalStateException("not a cutting function: " + step.kind);
        }
    }

    /** Appends bytes {@code [from, to)} of the token that starts at {@code base} in {@code s}. */
    private static void piece(StringBuilder out, String s, int base, byte[] utf8, int from, int to) {
        if (utf8 == null) {
            out.append(s, base + from, base + to);
        } else {
            out.append(new String(utf8, from, to - from, StandardCharsets.UTF_8));
        }
    }

    private static boolean isAscii(String s, int start, int end) {
        for (int i = start; i < end; i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    // ---- parsing ----------------------------------------------------------------------------------------------

    private static SubjectTransform build(String source, String destination, boolean strict) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        if (destination.isEmpty()) {
            // nats-server treats an empty destination as "no transform" and hands back nothing; a caller that
            // wants that meaning checks for the empty string itself.
            throw new SubjectTransformException(Reason.BAD_SUBJECT);
        }
        if (source.isEmpty()) {
            source = ">";
        }
        if (!Subjects.isValidSubscribeSubject(source)) {
            throw new SubjectTransformException(Reason.BAD_SUBJECT);
        }
        String[] destinationTokens = Subjects.tokens(destination);
        checkDestinationTokens(destinationTokens);

        String[] sourceTokens = Subjects.tokens(source);
        List<Integer> wildcardPositions = new ArrayList<>();
        for (int i = 0; i < sourceTokens.length; i++) {
            if (sourceTokens[i].equals("*")) {
                wildcardPositions.add(i);
            }
        }
        boolean sourceTail = sourceTokens[sourceTokens.length - 1].equals(">");
        boolean destinationTail = destinationTokens[destinationTokens.length - 1].equals(">");
        for (String token : destinationTokens) {
            if (token.equals("*")) {
                throw new SubjectTransformException(Reason.BAD_SUBJECT);
            }
        }
        if (sourceTail != destinationTail) {
            throw new SubjectTransformException(Reason.BAD_SUBJECT);
        }

        Step[] steps = new Step[destinationTokens.length];
        if (!wildcardPositions.isEmpty() || sourceTail) {
            int references = 0;
            for (int i = 0; i < destinationTokens.length; i++) {
                String token = destinationTokens[i];
                Step parsed = placeholder(token);
                if (strict && parsed != null && parsed.kind != Kind.WILDCARD) {
                    throw new SubjectTransformException(Reason.NOT_SUPPORTED_FOR_IMPORT, token);
                }
                if (parsed == null) {
                    steps[i] = token.equals(">") ? new Step(Kind.TAIL, null, -1, null, 0, null)
                            : new Step(Kind.LITERAL, token, -1, null, 0, null);
                } else if (parsed.kind == Kind.RANDOM) {
                    steps[i] = parsed;
                } else {
                    // The step holds wildcard numbers as parsed; turn them into subject token positions.
                    int[] numbers = parsed.positions;
                    references += numbers.length;
                    int[] positions = new int[numbers.length];
                    for (int k = 0; k < numbers.length; k++) {
                        positions[k] = position(numbers[k], wildcardPositions, token);
                    }
                    steps[i] = parsed.kind == Kind.PARTITION
                            ? new Step(Kind.PARTITION, null, -1, positions.length == 0 ? null : positions,
                                    parsed.number, null)
                            : new Step(parsed.kind, null, positions[0], null, parsed.number, parsed.delimiter);
                }
            }
            if (strict && references < wildcardPositions.size()) {
                throw new SubjectTransformException(Reason.NOT_USING_ALL_WILDCARDS, destination);
            }
        } else {
            for (int i = 0; i < destinationTokens.length; i++) {
                String token = destinationTokens[i];
                Step parsed = placeholder(token);
                if (parsed == null) {
                    steps[i] = new Step(Kind.LITERAL, token, -1, null, 0, null);
                } else if (parsed.kind == Kind.RANDOM) {
                    steps[i] = parsed;
                } else if (parsed.kind == Kind.PARTITION) {
                    // Without wildcards there is nothing to select: nats-server hashes the whole subject.
                    steps[i] = new Step(Kind.PARTITION, null, -1, null, parsed.number, null);
                } else {
                    throw new SubjectTransformException(Reason.INDEX_OUT_OF_RANGE, token);
                }
            }
        }
        return new SubjectTransform(source, destination, sourceTokens, steps);
    }

    /**
     * The subject token position of wildcard {@code number}. Numbers below 1 select the first token, as nats-server's
     * lookup of an absent wildcard number yields position 0.
     */
    private static int position(long number, List<Integer> wildcardPositions, String token) {
        if (number > wildcardPositions.size()) {
            throw new SubjectTransformException(Reason.INDEX_OUT_OF_RANGE, token + ": [" + number + "]");
        }
        return number < 1 ? 0 : wildcardPositions.get((int) number - 1);
    }

    /**
     * nats-server's checks of destination tokens before the transform is built: no empty token, nothing after
     * {@code >}, whitespace only inside a function, and every {@code {{...}}} token a known function.
     */
    private static void checkDestinationTokens(String[] tokens) {
        boolean afterTail = false;
        for (String token : tokens) {
            if (token.isEmpty() || afterTail) {
                throw new SubjectTransformException(Reason.INVALID_TRANSFORM, token);
            }
            if (looksLikeCall(token)) {
                if (call(token) == null) {
                    throw new SubjectTransformException(Reason.UNKNOWN_FUNCTION, token);
                }
                continue;
            }
            if (token.equals(">")) {
                afterTail = true;
            } else if (hasWhitespace(token)) {
                throw new SubjectTransformException(Reason.INVALID_TRANSFORM);
            }
        }
    }

    /**
     * What a destination token asks for, or null for literal text. Wildcard numbers come back in
     * {@link Step#positions} (one for the single-token functions); the caller maps them to positions.
     */
    private static Step placeholder(String token) {
        int length = token.length();
        if (length < 2) {
            return null;
        }
        if (token.charAt(0) == '$') {
            Long number = goAtoi(token.substring(1));
            // Other uses of '$' (such as $SYS) make it literal text, not an error.
            return number == null ? null : new Step(Kind.WILDCARD, null, -1, new int[] {clamp(number)}, -1, null);
        }
        if (!looksLikeCall(token)) {
            return null;
        }
        Call call = call(token);
        if (call == null) {
            throw new SubjectTransformException(Reason.UNKNOWN_FUNCTION, token);
        }
        List<String> args = call.args;
        switch (call.kind) {
            case WILDCARD -> {
                if (args.size() > 1) {
                    throw new SubjectTransformException(Reason.TOO_MANY_ARGS, token);
                }
                if (args.get(0).isEmpty()) {
                    throw new SubjectTransformException(Reason.NOT_ENOUGH_ARGS, token);
                }
                return new Step(Kind.WILDCARD, null, -1, new int[] {clamp(wildcardNumber(args.get(0), token))}, -1,
                        null);
            }
            case PARTITION -> {
                int count = count(args.get(0), token);
                int[] numbers = new int[args.size() - 1];
                for (int i = 1; i < args.size(); i++) {
                    numbers[i - 1] = clamp(wildcardNumber(args.get(i), token));
                }
                return new Step(Kind.PARTITION, null, -1, numbers, count, null);
            }
            case RANDOM -> {
                if (args.size() != 1) {
                    throw new SubjectTransformException(Reason.NOT_ENOUGH_ARGS, token);
                }
                return new Step(Kind.RANDOM, null, -1, null, count(args.get(0), token), null);
            }
            case SPLIT -> {
                checkTwoArgs(args, token);
                int number = clamp(wildcardNumber(args.get(0), token));
                String delimiter = args.get(1);
                if (delimiter.contains(" ") || delimiter.contains(".")) {
                    throw new SubjectTransformException(Reason.INVALID_ARG, token);
                }
                return new Step(Kind.SPLIT, null, -1, new int[] {number}, -1, delimiter);
            }
            default -> {
                checkTwoArgs(args, token);
                int number = clamp(wildcardNumber(args.get(0), token));
                Long size = goAtoi(trimSpaces(args.get(1)));
                if (size == null || size < Integer.MIN_VALUE || size > Integer.MAX_VALUE) {
                    throw new SubjectTransformException(Reason.INVALID_ARG, token);
                }
                return new Step(call.kind, null, -1, new int[] {number}, size.intValue(), null);
            }
        }
    }

    private static void checkTwoArgs(List<String> args, String token) {
        if (args.size() < 2) {
            throw new SubjectTransformException(Reason.NOT_ENOUGH_ARGS, token);
        }
        if (args.size() > 2) {
            throw new SubjectTransformException(Reason.TOO_MANY_ARGS, token);
        }
    }

    private static long wildcardNumber(String arg, String token) {
        Long number = goAtoi(trimSpaces(arg));
        if (number == null) {
            throw new SubjectTransformException(Reason.INVALID_ARG, token);
        }
        return number;
    }

    /** A partition or random count: an integer up to 2^31-1 (nats-server lets negative ones through). */
    private static int count(String arg, String token) {
        Long count = goAtoi(trimSpaces(arg));
        if (count == null || count > Integer.MAX_VALUE) {
            throw new SubjectTransformException(Reason.INVALID_ARG, token);
        }
        // Go keeps the low 32 bits of a count below -2^31; so do we.
        return count.intValue();
    }

    /**
     * A wildcard number squeezed into an int without changing how it is judged: above any real wildcard count
     * stays above, below 1 stays below.
     */
    private static int clamp(long number) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, number));
    }

    /** Whether a token has the {@code {{...}}} shape that nats-server reads as a function call. */
    private static boolean looksLikeCall(String token) {
        int length = token.length();
        return length > 4 && token.startsWith("{{") && token.endsWith("}}");
    }

    /**
     * Takes apart {@code {{ name ( args ) }}}, or returns null when the token is no call of a known function.
     * nats-server matches with unanchored regular expressions; this reads the same shapes anchored, so text after
     * the closing parenthesis other than whitespace and the braces makes the token unknown rather than ignored.
     */
    private static Call call(String token) {
        int end = token.length() - 2;
        int i = 2;
        while (i < end && isSpace(token.charAt(i))) {
            i++;
        }
        int nameStart = i;
        while (i < end && isAsciiLetter(token.charAt(i))) {
            i++;
        }
        Kind kind = function(token, nameStart, i);
        while (i < end && isSpace(token.charAt(i))) {
            i++;
        }
        if (kind == null || i >= end || token.charAt(i) != '(') {
            return null;
        }
        int close = end;
        while (close > i && isSpace(token.charAt(close - 1))) {
            close--;
        }
        if (close - 1 <= i || token.charAt(close - 1) != ')') {
            return null;
        }
        String inside = token.substring(i + 1, close - 1);
        if (inside.indexOf('\n') >= 0) {
            return null; // the regular expression's '.' does not cross a line feed
        }
        List<String> args = new ArrayList<>();
        int from = 0;
        while (true) {
            int comma = inside.indexOf(',', from);
            args.add(inside.substring(from, comma < 0 ? inside.length() : comma));
            if (comma < 0) {
                break;
            }
            from = comma + 1;
            while (from < inside.length() && isSpace(inside.charAt(from))) {
                from++;
            }
        }
        return new Call(kind, args);
    }

    /** The function spelled by {@code token[from, to)}, or null. */
    private static Kind function(String token, int from, int to) {
        for (Kind kind : Kind.values()) {
            String spelling = kind.spelling;
            if (spelling == null || spelling.length() != to - from) {
                continue;
            }
            boolean same = true;
            for (int k = 0; k < spelling.length() && same; k++) {
                char expected = spelling.charAt(k);
                char actual = token.charAt(from + k);
                same = actual == expected || Character.isUpperCase(expected) && actual == Character.toLowerCase(
                        expected);
            }
            if (same) {
                return kind;
            }
        }
        return null;
    }

    /** Whether a destination token is a wildcard reference that {@link #reverse} turns back into a wildcard. */
    private static boolean isReference(String token) {
        if (token.length() > 1 && token.charAt(0) == '$') {
            return token.charAt(1) >= '1' && token.charAt(1) <= '9';
        }
        Call call = looksLikeCall(token) ? call(token) : null;
        return call != null && call.kind == Kind.WILDCARD && call.args.size() == 1 && !call.args.get(0).isEmpty();
    }

    /** Go's strconv.Atoi: an optional sign and ASCII digits, within 64 bits; null otherwise. */
    static Long goAtoi(String text) {
        int length = text.length();
        int i = 0;
        boolean negative = false;
        if (length > 0 && (text.charAt(0) == '+' || text.charAt(0) == '-')) {
            negative = text.charAt(0) == '-';
            i = 1;
        }
        if (i == length) {
            return null;
        }
        long value = 0;
        for (; i < length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            // Accumulate negatively so that Long.MIN_VALUE fits.
            if (value < (Long.MIN_VALUE + (c - '0')) / 10) {
                return null;
            }
            value = value * 10 - (c - '0');
        }
        if (!negative) {
            if (value == Long.MIN_VALUE) {
                return null;
            }
            value = -value;
        }
        return value;
    }

    /** Go's strings.Trim(s, " "): spaces only, not tabs. */
    private static String trimSpaces(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == ' ') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == ' ') {
            to--;
        }
        return s.substring(from, to);
    }

    /** Whitespace as Go's regular expressions' {@code \s} knows it. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    }

    private static boolean hasWhitespace(String token) {
        for (int i = 0; i < token.length(); i++) {
            if (isSpace(token.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isWildcard(String token) {
        return token.length() == 1 && isWildcardChar(token.charAt(0));
    }

    private static boolean isWildcardChar(char c) {
        return c == '*' || c == '>';
    }
}
