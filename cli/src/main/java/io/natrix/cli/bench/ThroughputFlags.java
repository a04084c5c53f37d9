package io.natrix.cli.bench;

import io.natrix.cli.CliException;
import io.natrix.cli.support.GoDuration;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * natscli's rate flags of the sending benchmarks ({@code pub}, {@code pubsub}, {@code service request},
 * {@code js pub ...}, {@code kv put}): {@code --throughput} caps the aggregate rate, shared evenly by the clients, and
 * {@code --duration} (which needs it) sets the message count to throughput × duration instead of {@code --msgs}.
 */
final class ThroughputFlags {

    @Option(names = "--throughput", paramLabel = "THROUGHPUT", defaultValue = "0",
            description = "If set > 0, throttle aggregate message send throughput to approximately THROUGHPUT "
                    + "messages/second across all clients (0 disables)")
    int throughput;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "0s",
            description = "Run for approximately this long instead of a fixed message count, deriving the number of "
                    + "messages from --throughput and taking precedence over --msgs (requires --throughput)")
    String duration;

    /** The message count: {@code --msgs}, or throughput × duration with {@code --duration}. */
    long messages(long msgs) {
        if (throughput < 0) {
            throw new CliException("--throughput cannot be negative");
        }
        Duration d;
        try {
            d = GoDuration.parse(duration);
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid --duration \"" + duration + "\": " + e.getMessage());
        }
        if (d.isZero()) {
            return msgs;
        }
        if (d.isNegative()) {
            throw new CliException("--duration cannot be negative");
        }
        if (throughput == 0) {
            throw new CliException("--duration requires --throughput to be set");
        }
        long derived = Math.round(throughput * (d.toNanos() / 1e9));
        if (derived <= 0) {
            throw new CliException("the combination of --throughput=" + throughput + " and --duration=" + duration
                    + " results in zero messages");
        }
        return derived;
    }

    /** Messages per second for each of {@code clients}, or 0 when not throttled. */
    double perClient(int clients) {
        return throughput <= 0 ? 0 : (double) throughput / clients;
    }
}
