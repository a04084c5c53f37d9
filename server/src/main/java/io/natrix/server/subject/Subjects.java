package io.natrix.server.subject;

/**
 * Subject and token rules of NATS.
 *
 * <p>A subject is one or more non-empty tokens separated by '.'. {@code *} matches exactly one token and {@code >}
 * matches one or more trailing tokens; both are wildcards only when they are a whole token. Whitespace is never
 * allowed in a subject. Publish subjects may not contain wildcards.
 *
 * <p>Stateless and thread-safe.
 */
public final class Subjects {

    private Subjects() {
    }

    /** A valid subscription subject: tokens non-empty, no whitespace, {@code >} only as the last token. */
    public static boolean isValidSubscribeSubject(String subject) {
        return validate(subject, true);
    }

    /** A valid literal subject for publishing (no wildcards). */
    public static boolean isValidPublishSubject(String subject) {
        return validate(subject, false);
    }

    /** Whether the subject contains a wildcard token. */
    public static boolean hasWildcard(String subject) {
        int length = subject.length();
        for (int i = 0; i < length; i++) {
            char c = subject.charAt(i);
            if ((c == '*' || c == '>') && (i == 0 || subject.charAt(i - 1) == '.')
                    && (i + 1 == length || subject.charAt(i + 1) == '.')) {
                return true;
            }
        }
        return false;
    }

    /** Splits a subject at '.', keeping empty tokens (callers validate first where that matters). */
    public static String[] tokens(String subject) {
        int n = 1;
        for (int i = 0; i < subject.length(); i++) {
            if (subject.charAt(i) == '.') {
                n++;
            }
        }
        String[] tokens = new String[n];
        int start = 0;
        int t = 0;
        for (int i = 0; i <= subject.length(); i++) {
            if (i == subject.length() || subject.charAt(i) == '.') {
                tokens[t++] = subject.substring(start, i);
                start = i + 1;
            }
        }
        return tokens;
    }

    /** A valid queue group name: non-empty, no space, tab, CR or LF (nats-server lets a form feed through). */
    public static boolean isValidQueueName(String queue) {
        if (queue == null || queue.isEmpty()) {
            return false;
        }
        for (int i = 0; i < queue.length(); i++) {
            char c = queue.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                return false;
            }
        }
        return true;
    }

    private static boolean validate(String subject, boolean wildcardsAllowed) {
        if (subject == null || subject.isEmpty()) {
            return false;
        }
        int length = subject.length();
        int tokenStart = 0;
        for (int i = 0; i <= length; i++) {
            if (i == length || subject.charAt(i) == '.') {
                int tokenLength = i - tokenStart;
                if (tokenLength == 0) {
                    return false;
                }
                if (tokenLength == 1) {
                    char c = subject.charAt(tokenStart);
                    if (c == '*' || c == '>') {
                        if (!wildcardsAllowed) {
                            return false;
                        }
                        if (c == '>' && i != length) {
                            return false;
                        }
                    }
                }
                tokenStart = i + 1;
            } else if (isSpace(subject.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
    }

    /**
     * Whether the literal {@code subject} is matched by {@code filter} (which may contain wildcards). Both must be
     * valid; not for the hot path (the index does the hot-path matching).
     */
    public static boolean matches(String filter, String subject) {
        int fi = 0;
        int si = 0;
        int fl = filter.length();
        int sl = subject.length();
        while (fi < fl && si < sl) {
            int fEnd = filter.indexOf('.', fi);
            if (fEnd < 0) {
                fEnd = fl;
            }
            int sEnd = subject.indexOf('.', si);
            if (sEnd < 0) {
                sEnd = sl;
            }
            int fLen = fEnd - fi;
            if (fLen == 1 && filter.charAt(fi) == '>') {
                return true;
            }
            if (!(fLen == 1 && filter.charAt(fi) == '*')
                    && !(fLen == sEnd - si && filter.regionMatches(fi, subject, si, fLen))) {
                return false;
            }
            fi = fEnd + 1;
            si = sEnd + 1;
        }
        return fi >= fl && si >= sl;
    }

    /**
     * Whether two subscription subjects (each possibly with wildcards) can both match at least one literal subject.
     */
    public static boolean intersect(String a, String b) {
        String[] ta = a.split("\\.", -1);
        String[] tb = b.split("\\.", -1);
        int n = Math.min(ta.length, tb.length);
        for (int i = 0; i < n; i++) {
            if (ta[i].equals(">") || tb[i].equals(">")) {
                return true;
            }
            if (!ta[i].equals("*") && !tb[i].equals("*") && !ta[i].equals(tb[i])) {
                return false;
            }
        }
        // No '>' in the common prefix: the shorter subject cannot reach the longer one's extra tokens.
        return ta.length == tb.length;
    }

    /**
     * Whether every literal subject {@code sub} matches is also matched by {@code of} (both may have wildcards):
     * {@code a.*} is within {@code a.>}, {@code a.>} is not within {@code a.*}.
     */
    public static boolean isSubsetOf(String sub, String of) {
        String[] ts = sub.split("\\.", -1);
        String[] to = of.split("\\.", -1);
        for (int i = 0; i < to.length; i++) {
            if (to[i].equals(">")) {
                return i < ts.length;
            }
            if (i >= ts.length || ts[i].equals(">")) {
                return false;
            }
            if (!to[i].equals("*") && (ts[i].equals("*") || !ts[i].equals(to[i]))) {
                return false;
            }
        }
        return ts.length == to.length;
    }
}
