package io.natrix.cli.bench;

import picocli.CommandLine.Option;

/**
 * The flags every {@code bench} command takes, under natscli's names and defaults: how many messages, how big,
 * whether to draw progress bars, and where to save the CSV. Values are checked by {@link BenchBase} when the command
 * runs, so that a bad one is a one-line error.
 */
final class CommonFlags {

    @Option(names = "--msgs", paramLabel = "N", defaultValue = "100000",
            description = "Number of messages to publish or subscribe to (default: ${DEFAULT-VALUE})")
    long msgs;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Enable or disable the progress bar (shown on a terminal only)")
    boolean progress;

    @Option(names = "--csv", paramLabel = "FILE", description = "Save benchmark data to CSV file")
    String csv;

    @Option(names = "--size", paramLabel = "SIZE", defaultValue = "128B",
            description = "Size of the test messages: bytes, or with a unit B, KB, MB, GB (default: ${DEFAULT-VALUE})")
    String size;
}
