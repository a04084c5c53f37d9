package io.natrix.nex.api;

/**
 * Checks the names that become subject tokens and bucket names: namespaces, workload names, node names. Nex v0
 * allows {@code [A-Za-z0-9_-]+} for workload names; the same rule keeps namespaces and names safe inside
 * {@code $NEX.SVC.<ns>} subjects and {@code hs_<ns>_<name>_kv} bucket names.
 */
public final class Names {

    /** Longest name accepted: bucket names must stay well under the JetStream limits. */
    public static final int NAME_LENGTH_MAX = 64;

    private Names() {
    }

    /** Returns {@code value} if it is a valid name, else throws with a message naming {@code what}. */
    public static String require(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " is required");
        }
        if (value.length() > NAME_LENGTH_MAX) {
            throw new IllegalArgumentException(what + " \"" + value + "\" is longer than " + NAME_LENGTH_MAX);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!ok) {
                throw new IllegalArgumentException(what + " \"" + value + "\" may only hold letters, digits, '_' and '-'");
            }
        }
        return value;
    }

    /** {@code text} on one line, as NATS headers require: control characters become spaces. */
    public static String oneLine(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            sb.append(c < ' ' || c == 127 ? ' ' : c);
        }
        return sb.toString();
    }
}
