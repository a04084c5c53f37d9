package io.natrix.cli.messaging;

/**
 * Whether a message's subject falls under a subscription-style pattern ({@code *} one token, {@code >} the rest),
 * as {@code sub --ignore-subject} tests each message. Tokens are compared as whole dot-separated words, walking
 * both strings once without splitting them. Stateless.
 */
final class SubjectPattern {

    private SubjectPattern() {
    }

    /** True when literal {@code subject} matches {@code pattern}. */
    static boolean matches(String pattern, String subject) {
        int p = 0;
        int s = 0;
        while (p < pattern.length() && s < subject.length()) {
            int pEnd = tokenEnd(pattern, p);
            int sEnd = tokenEnd(subject, s);
            int pLen = pEnd - p;
            if (pLen == 1 && pattern.charAt(p) == '>') {
                return true;
            }
            boolean star = pLen == 1 && pattern.charAt(p) == '*';
            if (!star && (pLen != sEnd - s || !pattern.regionMatches(p, subject, s, pLen))) {
                return false;
            }
            p = pEnd + 1;
            s = sEnd + 1;
        }
        return p >= pattern.length() && s >= subject.length();
    }

    private static int tokenEnd(String text, int from) {
        int dot = text.indexOf('.', from);
        return dot < 0 ? text.length() : dot;
    }
}
