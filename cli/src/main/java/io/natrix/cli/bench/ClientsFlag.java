package io.natrix.cli.bench;

import picocli.CommandLine.Option;

/** natscli's {@code --clients}: how many clients, each with its own connection and thread. */
final class ClientsFlag {

    @Option(names = "--clients", paramLabel = "N", defaultValue = "1",
            description = "Number of concurrent clients (default: ${DEFAULT-VALUE})")
    int clients;
}
