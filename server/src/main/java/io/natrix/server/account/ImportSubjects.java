package io.natrix.server.account;

import io.natrix.server.subject.Subjects;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subject rules that nats-server's account code applies to exports and imports and that the subject package
 * has no use for: subset matching (an import subject inside an export subject), collision of two subjects, the
 * {@code *} to {@code $1} rewriting of import subjects, and the check that an import with a different local subject
 * can be mapped both ways.
 *
 * <p>Stateless and thread-safe.
 */
final class ImportSubjects {
    /** What nats-server's mapping errors start with. */
    static final String INVALID_MAPPING = "invalid mapping destination";

    private static final Pattern WILDCARD_FUNCTION = Pattern.compile("\\{\\{\\s*[wW]ildcard\\s*\\((.*)\\)\\s*}}");
    private static final Pattern ARGUMENT_SEPARATOR = Pattern.compile(",\\s*");
    /** The mapping functions nats-server knows besides wildcard(); an import may not use them. */
    private static final List<Pattern> OTHER_FUNCTIONS = List.of(
            Pattern.compile("\\{\\{\\s*[pP]artition\\s*\\((.*)\\)\\s*}}"),
            Pattern.compile("\\{\\{\\s*[sS]plit[fF]rom[lL]eft\\s*\\((.*)\\)\\s*}}"),
            Pattern.compile("\\{\\{\\s*[sS]plit[fF]rom[rR]ight\\s*\\((.*)\\)\\s*}}"),
            Pattern.compile("\\{\\{\\s*[sS]lice[fF]rom[lL]eft\\s*\\((.*)\\)\\s*}}"),
            Pattern.compile("\\{\\{\\s*[sS]lice[fF]rom[rR]ight\\s*\\((.*)\\)\\s*}}"),
            Pattern.compile("\\{\\{\\s*[sS]plit\\s*\\((.*)\\)\\s*}}"),
            Pattern.compile("\\{\\{\\s*[lL]eft\\s*\\((.*)\\)\\s*}}"),
            Pattern.compile("\\{\\{\\s*[rR]ight\\s*\\((.*)\\)\\s*}}"),
            Pattern.compile("\\{\\{\\s*[rR]andom\\s*\\((.*)\\)\\s*}}"));

    private ImportSubjects() {
    }

    /** A valid subject, wildcards allowed. */
    static boolean isValid(String subject) {
        return Subjects.isValidSubscribeSubject(subject);
    }

    /** Whether some literal subject matches both (nats-server's SubjectsCollide). Both valid. */
    static boolean collide(String a, String b) {
        return a.equals(b) || Subjects.intersect(a, b);
    }

    /** Numbers the {@code *} tokens: {@code foo.*.*} becomes {@code foo.$1.$2}. */
    static String tokenize(String subject) {
        String[] tokens = Subjects.tokens(subject);
        int next = 1;
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].equals("*")) {
                tokens[i] = "$" + next++;
            }
        }
        return String.join(".", tokens);
    }

    /**
     * Turns placeholders back into {@code *}: {@code foo.$2.{{wildcard(1)}}} becomes {@code foo.*.*}, the subject
     * space a mapped import occupies.
     */
    static String untokenize(String subject) {
        String[] tokens = Subjects.tokens(subject);
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            boolean dollar = t.length() > 1 && t.charAt(0) == '$' && t.charAt(1) >= '1' && t.charAt(1) <= '9';
            List<String> args = arguments(WILDCARD_FUNCTION, t);
            if (dollar || (args != null && args.size() == 1 && !args.get(0).isEmpty())) {
                tokens[i] = "*";
            }
        }
        return String.join(".", tokens);
    }

    /**
     * Why {@code source} cannot be mapped to {@code destination} reversibly, or null when it can: nats-server's
     * strict transform for imports. Both must be valid, {@code >} in both or neither, no {@code *} in the
     * destination, every destination placeholder ({@code $n} or {@code {{wildcard(n)}}}, no other function) must
     * name one of the source's {@code *} tokens, and every one of those must be used.
     *
     * <p>Only meaningful when the source has wildcards; callers do not ask otherwise. For a function other than
     * wildcard() nats-server may first complain about its arguments; here it is refused for being a function.
     */
    static String importMappingError(String source, String destination) {
        Shape src = Shape.of(source);
        Shape dest = Shape.of(destination);
        if (!src.valid || !dest.valid || dest.partials > 0 || src.full != dest.full) {
            return "invalid subject";
        }
        int placeholders = 0;
        for (String token : Subjects.tokens(destination)) {
            long index;
            if (token.length() > 1 && token.charAt(0) == '$') {
                Long n = goAtoi(token.substring(1));
                if (n == null) {
                    continue; // a literal token that happens to start with '$'
                }
                index = n;
            } else if (token.length() > 4 && token.startsWith("{{") && token.endsWith("}}")) {
                List<String> args = arguments(WILDCARD_FUNCTION, token);
                if (args == null) {
                    boolean known = OTHER_FUNCTIONS.stream().anyMatch(p -> p.matcher(token).find());
                    return mappingError(known
                            ? "the only mapping function allowed for import transforms is {{Wildcard()}}"
                            : "unknown function", token);
                }
                if (args.size() == 1 && args.get(0).isEmpty()) {
                    return mappingError("not enough arguments passed to the function", token);
                }
                if (args.size() > 1) {
                    return mappingError("too many arguments passed to the function", token);
                }
                Long n = goAtoi(trimSpaces(args.get(0)));
                if (n == null) {
                    return mappingError("function argument is invalid or in the wrong format", token);
                }
                index = n;
            } else {
                continue;
            }
            placeholders++;
            if (index > src.partials) {
                return mappingError("wildcard index out of range", token + ": [" + index + "]");
            }
        }
        if (placeholders < src.partials) {
            return mappingError("not using all of the token wildcard(s)", destination);
        }
        return null;
    }

    private static String mappingError(String what, String token) {
        return INVALID_MAPPING + ": " + what + " in " + token;
    }

    /** The arguments of the first match of {@code function} in {@code token}, split at commas; null if none. */
    private static List<String> arguments(Pattern function, String token) {
        Matcher m = function.matcher(token);
        if (!m.find()) {
            return null;
        }
        return List.of(ARGUMENT_SEPARATOR.split(m.group(1), -1));
    }

    private static String trimSpaces(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == ' ') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == ' ') {
            end--;
        }
        return s.substring(start, end);
    }

    /** Go's strconv.Atoi: an optional sign and decimal digits within 64 bits; null otherwise. */
    static Long goAtoi(String s) {
        int i = !s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-') ? 1 : 0;
        if (i == s.length()) {
            return null;
        }
        for (int j = i; j < s.length(); j++) {
            if (s.charAt(j) < '0' || s.charAt(j) > '9') {
                return null;
            }
        }
        try {
            return Long.parseLong(s.charAt(0) == '+' ? s.substring(1) : s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Validity and wildcard counts of a subject, as nats-server's subjectInfo. */
    private record Shape(boolean valid, int partials, boolean full) {
        static Shape of(String subject) {
            if (!isValid(subject)) {
                return new Shape(false, 0, false);
            }
            int partials = 0;
            boolean full = false;
            for (String t : Subjects.tokens(subject)) {
                if (t.equals("*")) {
                    partials++;
                } else if (t.equals(">")) {
                    full = true;
                }
            }
            return new Shape(true, partials, full);
        }
    }
}
