package io.natrix.cli.bench;

import io.natrix.cli.CliException;
import io.nats.client.api.AckPolicy;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The durable consumer flags of {@code bench js consume|fetch}, under natscli's names and defaults. With the default
 * consumer name the benchmark creates (or updates) that durable consumer; with another name it uses one that exists.
 */
final class ConsumerFlags {

    static final String DEFAULT_CONSUMER = "nats-bench";

    @Option(names = "--consumer", paramLabel = "NAME", defaultValue = DEFAULT_CONSUMER,
            description = "Specify the durable consumer name to use (default: ${DEFAULT-VALUE})")
    String consumer;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "500",
            description = "Sets the max number of messages that can be buffered in the client "
                    + "(default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--acks", paramLabel = "MODE", defaultValue = "explicit",
            description = "Acknowledgement mode for the consumer: explicit, none or all (default: ${DEFAULT-VALUE})")
    String acks;

    @Option(names = "--doubleack",
            description = "Synchronously acknowledge messages, waiting for a reply from the server")
    boolean doubleAck;

    @Option(names = "--filter", paramLabel = "SUBJECTS", split = ",", description = "Filter Stream by subjects")
    List<String> filters = new ArrayList<>();

    @Option(names = "--purge", description = "Purge the stream before running")
    boolean purge;

    /** {@code --acks} checked. */
    AckPolicy ackPolicy() {
        return switch (acks) {
            case "explicit" -> AckPolicy.Explicit;
            case "none" -> AckPolicy.None;
            case "all" -> AckPolicy.All;
            default -> throw new CliException("invalid --acks \"" + acks + "\": use explicit, none or all");
        };
    }

    /** {@code --batch} checked. */
    int batch() {
        return BenchBase.positive(batch, "--batch");
    }
}
