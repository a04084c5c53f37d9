package io.natrix.cli.messaging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Answers a request by running {@code reply --command}, as natscli does: {@code {{0}}}, {@code {{1}}}, ... in the
 * command become the request subject's tokens, the rest is a {@link MessageTemplate} with the request body as
 * {@code Request}; the words are split as a shell would (no shell runs); the process gets
 * {@code NATS_REQUEST_SUBJECT} and {@code NATS_REQUEST_BODY} in its environment and, beyond natscli, the request
 * body on its standard input. Its standard output and error together are the reply, as natscli's
 * {@code CombinedOutput}; a failed command still replies with what it printed.
 *
 * <p>Immutable; {@link #run} may be called from any thread.
 */
final class CommandResponder {

    /** The most output one run may make into a reply: far above any server's max_payload. */
    static final int OUTPUT_BYTES_MAX = 64 * 1024 * 1024;

    /** What one run made: the reply body and, when the command failed, why. */
    record Outcome(byte[] output, String failure) {
    }

    private final String command;
    private final Map<String, String> environment;

    CommandResponder(String command, Map<String, String> environment) {
        this.command = command;
        this.environment = environment;
    }

    /** Runs the command for one request; {@code count} is the request number templates see. */
    Outcome run(String subject, byte[] request, long count) throws InterruptedException {
        String line = command;
        String[] tokens = subject.split("\\.", -1);
        for (int i = 0; i < tokens.length; i++) {
            line = line.replace("{{" + i + "}}", tokens[i]);
        }
        String body = new String(request, StandardCharsets.UTF_8);
        String templateFailure = null;
        try {
            line = MessageTemplate.expand(line, count, body);
        } catch (MessageTemplate.TemplateException e) {
            templateFailure = "Could not parse command template: " + e.getMessage();
        }
        List<String> words;
        try {
            words = ShellWords.split(line);
        } catch (IllegalArgumentException e) {
            return new Outcome(null, "Could not parse command: " + e.getMessage());
        }
        if (words.isEmpty()) {
            return new Outcome(null, "Could not parse command: empty command");
        }
        ProcessBuilder pb = new ProcessBuilder(words).redirectErrorStream(true);
        // The process's own environment (PATH, HOME) under the command line's, as natscli passes os.Environ().
        pb.environment().putAll(environment);
        pb.environment().put("NATS_REQUEST_SUBJECT", subject);
        pb.environment().put("NATS_REQUEST_BODY", body);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            return new Outcome(new byte[0], "Command \"" + line + "\" failed to run: " + e.getMessage());
        }
        Thread feeder = Thread.ofVirtual().start(() -> feed(process.getOutputStream(), request));
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            output = readCapped(in);
        } catch (IOException e) {
            process.destroyForcibly();
            return new Outcome(new byte[0], "Command \"" + line + "\" failed to run: " + e.getMessage());
        }
        int status = process.waitFor();
        feeder.join();
        String failure = status == 0 ? templateFailure
                : "Command \"" + line + "\" failed to run: exit status " + status;
        return new Outcome(output, failure);
    }

    /** Writes the request to the command's standard input; a command that does not read it is no failure. */
    private static void feed(OutputStream stdin, byte[] request) {
        try (stdin) {
            stdin.write(request);
        } catch (IOException ignored) {
            // The command closed its input without reading it all: natscli's commands never got it at all.
        }
    }

    private static byte[] readCapped(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (out.size() + n > OUTPUT_BYTES_MAX) {
                throw new IOException("output exceeds " + OUTPUT_BYTES_MAX + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
