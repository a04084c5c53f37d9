package io.natrix.app.server;

import io.natrix.app.IoErrors;
import io.natrix.server.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code natrix server -sl <command>[=<pid|pidfile>]}: sends a running server the Unix signal for a command,
 * with the meanings nats-server gives them:
 *
 * <pre>
 * stop    KILL   end the process at once
 * quit    INT    stop gracefully
 * term    TERM   stop gracefully
 * reopen  USR1   reopen the log file
 * reload  HUP    reload the configuration file
 * ldm     USR2   lame duck mode: stop accepting, move clients away, then stop
 * </pre>
 *
 * <p>The target is the pid or pid file after {@code =}; else the pid file given with {@code -P} (or the
 * configuration file's {@code pid_file}); else the only natrix server running on this machine. The signal is
 * sent with {@code /bin/kill}, as Java can not send one itself.
 */
final class SignalSender {

    private static final long KILL_TIMEOUT_SECONDS = 10;

    /** Flags with which {@code natrix server} does something else than serve, and exits. */
    private static final Set<String> NOT_SERVING =
            Set.of("sl", "signal", "t", "h", "help", "v", "version", "help_tls");

    private final PrintWriter err;
    private final String prefix;

    SignalSender(PrintWriter err, String prefix) {
        this.err = err;
        this.prefix = prefix;
    }

    /** The Unix signal name for a -sl command, or empty when the command is not one. */
    static Optional<String> signalFor(String command) {
        return Optional.ofNullable(switch (command.toLowerCase(Locale.ROOT)) {
            case "stop" -> "KILL";
            case "quit" -> "INT";
            case "term" -> "TERM";
            case "reopen" -> "USR1";
            case "reload" -> "HUP";
            case "ldm" -> "USR2";
            default -> null;
        });
    }

    /** Sends the signal and returns the exit status: 0 when it was delivered. */
    int send(String argument, ServerFlags flags) {
        int equals = argument.indexOf('=');
        String command = equals < 0 ? argument : argument.substring(0, equals);
        String target = equals < 0 ? null : argument.substring(equals + 1);
        Optional<String> signal = signalFor(command);
        if (signal.isEmpty()) {
            err.println(prefix + "unknown signal \"" + command + "\" (use stop, quit, term, reopen, reload or ldm)");
            return 1;
        }
        List<Long> pids;
        try {
            pids = targets(target, flags);
        } catch (IllegalArgumentException e) {
            err.println(prefix + e.getMessage());
            return 1;
        }
        if (pids.isEmpty()) {
            err.println(prefix + "no natrix server processes running");
            return 1;
        }
        if (pids.size() > 1) {
            StringBuilder list = new StringBuilder(prefix + "multiple natrix server processes running:");
            pids.forEach(pid -> list.append(System.lineSeparator()).append(pid));
            err.println(list);
            return 1;
        }
        return kill(signal.get(), pids.get(0));
    }

    private List<Long> targets(String target, ServerFlags flags) {
        if (target != null && !target.isEmpty()) {
            return List.of(pidFrom(target));
        }
        Path pidFile = flags.pidFile;
        if (pidFile == null && flags.configFile != null) {
            try {
                pidFile = flags.options().pidFile();
            } catch (ConfigException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        if (pidFile != null) {
            return List.of(pidFrom(pidFile.toString()));
        }
        return runningServers();
    }

    /** A pid given as a number, or read from a pid file. */
    static long pidFrom(String target) {
        String text = target;
        if (!target.chars().allMatch(Character::isDigit)) {
            try {
                text = Files.readString(Path.of(target), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new IllegalArgumentException("could not read pid file: " + IoErrors.describe(e), e);
            }
        }
        try {
            long pid = Long.parseLong(text);
            if (pid <= 0) {
                throw new NumberFormatException();
            }
            return pid;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid pid \"" + text + "\"" + (text.equals(target) ? ""
                    : " in pid file " + target), e);
        }
    }

    /** The natrix server processes on this machine, other than this one. */
    static List<Long> runningServers() {
        long self = ProcessHandle.current().pid();
        List<Long> pids = new ArrayList<>();
        ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self)
                .filter(p -> p.info().arguments().map(SignalSender::isServerCommandLine).orElse(false))
                .forEach(p -> pids.add(p.pid()));
        return pids;
    }

    /** Whether a java command line runs {@code natrix server} (and not, say, {@code natrix server -sl ...}). */
    static boolean isServerCommandLine(String[] arguments) {
        for (int i = 0; i < arguments.length - 1; i++) {
            String arg = arguments[i];
            if (arg.endsWith("natrix.jar") || arg.equals("io.natrix.app.Natrix")) {
                if (!arguments[i + 1].equals("server")) {
                    return false;
                }
                for (int j = i + 2; j < arguments.length; j++) {
                    if (arguments[j].startsWith("-") && NOT_SERVING.contains(flagName(arguments[j]))) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }

    private static String flagName(String arg) {
        String name = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
        int equals = name.indexOf('=');
        return equals < 0 ? name : name.substring(0, equals);
    }

    private int kill(String signal, long pid) {
        String kill = Files.isExecutable(Path.of("/bin/kill")) ? "/bin/kill" : "kill";
        try {
            Process process = new ProcessBuilder(kill, "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(KILL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                err.println(prefix + kill + " did not finish");
                return 1;
            }
            if (process.exitValue() != 0) {
                err.println(prefix + "could not send SIG" + signal + " to " + pid
                        + (output.isEmpty() ? "" : ": " + output));
                return 1;
            }
            return 0;
        } catch (IOException e) {
            err.println(prefix + "could not run " + kill + ": " + IoErrors.describe(e));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
