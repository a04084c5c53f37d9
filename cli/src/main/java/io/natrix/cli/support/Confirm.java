package io.natrix.cli.support;

import io.natrix.cli.CliException;
import io.natrix.cli.Globals;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The yes/no question natscli asks before destroying data ({@code Delete key B > K?}). It is asked only on a
 * terminal; elsewhere the command must be given {@code --force}, and asking is a one-line error, as natscli's
 * "cannot ask for confirmation without a terminal". Shared by the key-value and object store commands.
 */
public final class Confirm {

    /** The longest answer read; a longer line is not an answer anyone typed. */
    private static final int ANSWER_CHARS_MAX = 256;

    private Confirm() {
    }

    /** Asks {@code question} and says whether the user answered yes (the default is no). */
    public static boolean ask(Globals globals, PrintWriter out, String question) {
        if (!globals.terminal()) {
            throw new CliException("cannot ask for confirmation without a terminal, use --force");
        }
        out.print("? " + question + " (y/N) ");
        out.flush();
        String answer = readLine(globals.stdin()).strip().toLowerCase(Locale.ROOT);
        return answer.equals("y") || answer.equals("yes");
    }

    /** Reads one line byte by byte, so nothing after it is taken from standard input. */
    private static String readLine(InputStream in) {
        StringBuilder line = new StringBuilder();
        byte[] one = new byte[1];
        try {
            while (line.length() < ANSWER_CHARS_MAX && in.read(one) == 1 && one[0] != '\n') {
                line.append(new String(one, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new CliException("could not read the answer: " + e.getMessage(), e);
        }
        return line.toString();
    }
}
