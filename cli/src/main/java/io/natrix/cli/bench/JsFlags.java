package io.natrix.cli.bench;

import picocli.CommandLine.Option;

/** What every {@code bench js} command takes, under natscli's names: the stream, and the pause per message. */
final class JsFlags {

    static final String DEFAULT_STREAM = "benchstream";

    @Option(names = "--stream", paramLabel = "NAME", defaultValue = DEFAULT_STREAM,
            description = "The name of the stream to create or use (default: ${DEFAULT-VALUE})")
    String stream;

    @Option(names = "--sleep", paramLabel = "DURATION", defaultValue = "0s",
            description = "Sleep for the specified interval between messages")
    String sleep;
}
