package io.natrix.cli.bench;

import io.natrix.cli.CliException;
import io.natrix.cli.Globals;
import io.nats.client.JetStreamApiException;

/**
 * One-line failures for the JetStream benchmarks: what was being done, then the server's description and error code
 * for an API error, or a plain statement that JetStream is not there when nothing answers the JetStream API (a
 * server without JetStream, or an account without it). Stateless.
 */
final class JetStreamErrors {

    private JetStreamErrors() {
    }

    /** {@code doing: why}, for a failure of a JetStream call. */
    static CliException failure(String doing, Exception e) {
        if (e instanceof CliException cli) {
            return cli;
        }
        if (e instanceof JetStreamApiException api) {
            return new CliException(doing + ": " + api.getErrorDescription() + " (" + api.getApiErrorCode() + ")", e);
        }
        String message = Globals.rootMessage(e);
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("no responders")) {
            return new CliException(doing + ": JetStream is not enabled on the server for this account "
                    + "(no responders for the JetStream API)", e);
        }
        if (lower.contains("timeout") || lower.contains("timed out")) {
            return new CliException(doing + ": no answer from the JetStream API (is JetStream enabled?): " + message,
                    e);
        }
        return new CliException(doing + ": " + message, e);
    }
}
