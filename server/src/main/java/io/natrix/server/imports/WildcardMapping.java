package io.natrix.server.imports;

import io.natrix.server.subject.Subjects;

/**
 * Rewrites a subject matching one pattern into the matching subject of another pattern with the same wildcards:
 * the n-th {@code *} token of the message fills the n-th {@code *} of the target, a trailing {@code >} carries the
 * remaining tokens. {@code foo.*.>} to {@code bar.*.baz.>} turns {@code foo.a.b.c} into {@code bar.a.baz.b.c}.
 * This is how an import's local subject and the exporter's subject correspond.
 *
 * <p>Immutable and thread-safe.
 */
final class WildcardMapping {
    private final String[] from;
    private final String[] to;
    private final boolean identity;

    private WildcardMapping(String from, String to) {
        this.from = Subjects.tokens(from);
        this.to = Subjects.tokens(to);
        this.identity = from.equals(to);
    }

    /**
     * @throws IllegalArgumentException when the patterns do not have the same wildcards in the same order
     */
    static WildcardMapping of(String from, String to) {
        if (!Subjects.isValidSubscribeSubject(from) || !Subjects.isValidSubscribeSubject(to)) {
            throw new IllegalArgumentException("invalid subject in import: " + from + " -> " + to);
        }
        if (!wildcards(from).equals(wildcards(to))) {
            throw new IllegalArgumentException("import subjects " + from + " and " + to
                    + " must have the same wildcards");
        }
        return new WildcardMapping(from, to);
    }

    private static String wildcards(String pattern) {
        StringBuilder sb = new StringBuilder();
        for (String t : Subjects.tokens(pattern)) {
            if (t.equals("*") || t.equals(">")) {
                sb.append(t);
            }
        }
        return sb.toString();
    }

    /** The subject in the target space for {@code subject}, which must match the source pattern. */
    String apply(String subject) {
        if (identity) {
            return subject;
        }
        String[] tokens = Subjects.tokens(subject);
        String[] captured = new String[tokens.length];
        int n = 0;
        String tail = null;
        for (int i = 0; i < from.length && i < tokens.length; i++) {
            if (from[i].equals("*")) {
                captured[n++] = tokens[i];
            } else if (from[i].equals(">")) {
                tail = String.join(".", java.util.Arrays.copyOfRange(tokens, i, tokens.length));
                break;
            }
        }
        StringBuilder sb = new StringBuilder(subject.length() + 16);
        int k = 0;
        for (int i = 0; i < to.length; i++) {
            if (i > 0) {
                sb.append('.');
            }
            switch (to[i]) {
                case "*" -> sb.append(captured[k++]);
                case ">" -> sb.append(tail);
                default -> sb.append(to[i]);
            }
        }
        return sb.toString();
    }
}
