package io.natrix.cli.bench;

import io.natrix.cli.CliException;
import io.natrix.cli.support.GoDuration;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --idle-timeout} of the benchmarks that wait for messages ({@code sub}, {@code pubsub},
 * {@code js ordered|consume|fetch}): how long a client waits with no message arriving before the run fails. natscli
 * has no such flag: its receivers wait for ever, so a run that asks for more messages than will come never ends.
 * The default is long enough to start the publishers by hand in another terminal.
 */
final class IdleFlag {

    static final String NAME = "--idle-timeout";
    static final String DEFAULT = "1m";

    @Option(names = NAME, paramLabel = "DURATION", defaultValue = DEFAULT,
            description = "Fail when no message has arrived for this long (default: ${DEFAULT-VALUE})")
    String idleTimeout;

    /** The checked value, which must be positive: a receiver must not wait for ever. */
    Duration limit() {
        Duration d = GoDuration.flag(idleTimeout, NAME);
        if (d.isZero()) {
            throw new CliException("invalid value \"" + idleTimeout + "\" for " + NAME + ": must be positive");
        }
        return d;
    }

    /** The limit for clients that pause for {@code pacing} after each message, which does not count as idle. */
    IdleTimeout timeout(Pacing pacing) {
        return new IdleTimeout(limit(), pacing.sleep());
    }
}
