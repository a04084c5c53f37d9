package io.natrix.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.Globals;
import io.natrix.cli.output.Json;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import picocli.CommandLine.ParentCommand;

/**
 * The base of each {@code server check}: connects with the command line's settings (a failure to connect is a
 * CRITICAL result, not an error, so a monitoring system always gets a verdict), runs the check, prints the
 * {@link CheckResult} in the parent's {@code --format} and returns its Nagios status. Flags are validated before
 * anything is asked: a bad flag is a one-line error.
 */
abstract class HealthCheck extends ClientCommand {
    @ParentCommand
    ServerCheckCommand parent;

    abstract CheckResult newResult();

    /** Runs the check on a connection. */
    abstract void check(Connection nc, CheckResult check) throws Exception;

    @Override
    public Integer call() throws Exception {
        CheckResult.Format format = parent.format();
        validate();
        CheckResult check = newResult();
        if (!needsConnection()) {
            check(null, check);
        } else {
            Connection nc = null;
            try {
                nc = connect();
            } catch (CliException e) {
                check.critical("connection failed: " + ServerCheckCommand.reason(e));
            }
            if (nc != null) {
                try {
                    check(nc, check);
                } finally {
                    nc.close();
                }
            }
        }
        String rendered = check.render(format, parent.namespace);
        if (parent.outFile != null) {
            writeAtomically(Path.of(parent.outFile), rendered + "\n");
        } else {
            PrintWriter out = out();
            out.println(rendered);
            out.flush();
        }
        return check.exitStatus(format);
    }

    /**
     * Writes the result beside the target and renames it into place, so a collector reading the file never sees a
     * half-written result (natscli's {@code --outfile}); the file is readable by its owner only.
     */
    private static void writeAtomically(Path target, String text) {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, ".check", ".tmp");
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the file keeps the default permissions.
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // The write already failed; that is the error to report.
                }
            }
            throw new CliException("could not write " + target + ": " + Globals.rootMessage(e), e);
        }
    }

    /** Whether the check talks to a server; one that does not (a credential file) gets a null connection. */
    boolean needsConnection() {
        return true;
    }

    /** Checks the flags before anything is asked; bad flags are one-line errors, not check results. */
    void validate() {
    }

    /** A JetStream API request's answer; an error answer or no answer is null after a CRITICAL message. */
    JsonNode api(Connection nc, CheckResult check, String suffix) {
        String subject = globals().jetStreamApiPrefix() + suffix;
        try {
            Message m = nc.request(subject, new byte[0], globals().timeout());
            if (m == null) {
                check.critical("could not load info: timeout");
                return null;
            }
            if (m.isStatusMessage()) {
                check.critical("could not load info: JetStream not enabled (" + m.getStatus().getCode() + ")");
                return null;
            }
            JsonNode answer = Json.parse(m.getData(), "the answer to " + subject);
            JsonNode error = answer.get("error");
            if (error != null && !error.isNull()) {
                check.critical("could not load info: " + error.path("description").asText() + " ("
                        + error.path("err_code").asInt() + ")");
                return null;
            }
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            check.critical("could not load info: interrupted");
            return null;
        }
    }
}
