package io.natrix.cli.stream;

import io.natrix.cli.CliException;
import io.natrix.cli.Globals;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Fills in values a command line left out, as natscli's prompts do: with {@code --defaults} the default is taken
 * silently; on a terminal the user is asked (an empty answer takes the default); elsewhere nothing is asked and
 * the missing value is a one-line error naming the flag that gives it. Confirmations of destructive actions work
 * the same way: on a non-terminal they need {@code --force}.
 *
 * <p>Reads answers from the command line's standard input, one line each. Not thread-safe: one per command.
 */
public final class Prompter {

    private final Globals globals;
    private final PrintWriter out;
    private final boolean acceptDefaults;
    private BufferedReader in;

    public Prompter(Globals globals, PrintWriter out, boolean acceptDefaults) {
        this.globals = globals;
        this.out = out;
        this.acceptDefaults = acceptDefaults;
    }

    /** A value the flag {@code flag} would have given: the default, the user's answer, or an error. */
    public String ask(String question, String dflt, String flag) {
        if (acceptDefaults && dflt != null) {
            return dflt;
        }
        if (!globals.terminal()) {
            throw new CliException(flag + " is required when not on a terminal"
                    + (dflt != null ? " (or pass --defaults)" : ""));
        }
        out.print("? " + question + (dflt == null || dflt.isEmpty() ? "" : " [" + dflt + "]") + ": ");
        out.flush();
        String answer = readLine();
        if (answer == null) {
            throw new CliException("no answer for \"" + question + "\" (end of input)");
        }
        answer = answer.strip();
        if (answer.isEmpty()) {
            if (dflt == null) {
                throw new CliException(question + " is required (" + flag + ")");
            }
            return dflt;
        }
        return answer;
    }

    /**
     * A value natscli asks for even with {@code --defaults} (a consumer's delivery target): on a terminal the user
     * is asked, with {@code suggested} taken for an empty answer; elsewhere it is an error naming the flag.
     */
    public String askEvenWithDefaults(String question, String suggested, String flag) {
        if (!globals.terminal()) {
            throw new CliException(flag + " is required when not on a terminal");
        }
        return new Prompter(globals, out, false).ask(question, suggested, flag);
    }

    /** A yes/no answer for a value ({@code --allow-rollup} and the like). */
    public boolean askBoolean(String question, boolean dflt, String flag) {
        if (acceptDefaults) {
            return dflt;
        }
        if (!globals.terminal()) {
            throw new CliException(flag + " is required when not on a terminal (or pass --defaults)");
        }
        return yesNo(question, dflt);
    }

    /**
     * Asks before a destructive action ({@code action} as in "delete Stream ORDERS"): true when {@code force} is
     * given or the user says yes; on a non-terminal without {@code force} it is an error naming {@code --force}.
     */
    public boolean confirm(String action, boolean force) {
        if (force) {
            return true;
        }
        if (!globals.terminal()) {
            throw new CliException("--force is required to " + action + " when not on a terminal");
        }
        return yesNo("Really " + action, false);
    }

    private boolean yesNo(String question, boolean dflt) {
        out.print("? " + question + " (" + (dflt ? "Y/n" : "y/N") + ") ");
        out.flush();
        String answer = readLine();
        if (answer == null || answer.isBlank()) {
            return dflt;
        }
        String a = answer.strip().toLowerCase(Locale.ROOT);
        return a.equals("y") || a.equals("yes");
    }

    private String readLine() {
        try {
            if (in == null) {
                in = new BufferedReader(new InputStreamReader(globals.stdin(), StandardCharsets.UTF_8));
            }
            return in.readLine();
        } catch (IOException e) {
            throw new CliException("cannot read the answer: " + e.getMessage());
        }
    }
}
