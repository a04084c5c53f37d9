package io.natrix.nex.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * Which subjects a function may be triggered by. {@code $SYS.>}, {@code $JS.>} and {@code $NEX.>} are always
 * refused, and so is any subject in the node's deny list ({@code deny_trigger_subjects}). A trigger is refused
 * when some subject could match both it and a denied pattern (so {@code >} and {@code *.API.x} are refused too),
 * which keeps wildcards from reaching around the list. Immutable.
 */
public final class TriggerPolicy {

    /** Subjects no function may listen on, whatever the configuration says. */
    public static final List<String> ALWAYS_DENIED = List.of("$SYS.>", "$JS.>", "$NEX.>");

    private final List<String> denied;

    public TriggerPolicy(List<String> configured) {
        List<String> all = new ArrayList<>(ALWAYS_DENIED);
        for (String s : configured) {
            checkSyntax(s, "deny-listed subject");
            all.add(s);
        }
        this.denied = List.copyOf(all);
    }

    /** The patterns refused, built-in ones first. */
    public List<String> denied() {
        return denied;
    }

    /** Throws a {@link WorkloadException} naming the first trigger that is malformed or refused. */
    public void check(List<String> triggers) throws WorkloadException {
        for (String trigger : triggers) {
            try {
                checkSyntax(trigger, "trigger subject");
            } catch (IllegalArgumentException e) {
                throw new WorkloadException(e.getMessage());
            }
            for (String pattern : denied) {
                if (overlaps(trigger, pattern)) {
                    throw new WorkloadException("trigger subject \"" + trigger + "\" is not allowed: it overlaps the "
                            + "denied subject \"" + pattern + "\"");
                }
            }
        }
    }

    /** Whether some literal subject matches both patterns. */
    static boolean overlaps(String a, String b) {
        String[] x = a.split("\\.", -1);
        String[] y = b.split("\\.", -1);
        int i = 0;
        for (; i < x.length && i < y.length; i++) {
            if (x[i].equals(">") || y[i].equals(">")) {
                return true;
            }
            if (!x[i].equals("*") && !y[i].equals("*") && !x[i].equals(y[i])) {
                return false;
            }
        }
        return x.length == y.length;
    }

    private static void checkSyntax(String subject, String what) {
        if (subject == null || subject.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        String[] tokens = subject.split("\\.", -1);
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            boolean bad = t.isEmpty() || t.chars().anyMatch(c -> c <= ' ' || c == 127)
                    || (t.length() > 1 && (t.contains("*") || t.contains(">")))
                    || (t.equals(">") && i != tokens.length - 1);
            if (bad) {
                throw new IllegalArgumentException(what + " \"" + subject + "\" is not a valid subject");
            }
        }
    }
}
