package io.natrix.cli.messaging;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
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
        Map<String, String> env = new HashMap<>(environment);
        env.put("NATS_REQUEST_SUBJECT", subject);
        env.put("NATS_REQUEST_BODY", body);
        ProcessRun.Result run = ProcessRun.run(words, env, request);
        String failure = run.ok() ? templateFailure : "Command \"" + line + "\" failed to run: " + run.why();
        return new Outcome(run.output(), failure);
    }
}
