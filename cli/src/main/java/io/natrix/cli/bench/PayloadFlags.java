package io.natrix.cli.bench;

import io.natrix.cli.CliException;
import io.natrix.cli.support.HeaderFlags;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * What the benchmark messages carry, under natscli's flags, for every command that sends them (the publishers, and
 * {@code service request}): {@code --payload FILE}, whose bytes are the payload and whose length then replaces
 * {@code --size} in the statistics, and {@code -H K:V} headers.
 */
final class PayloadFlags {

    @Option(names = "--payload", paramLabel = "FILE", description = "File containing a message payload to send")
    String payloadFile;

    @Option(names = {"-H", "--header"}, paramLabel = "K:V",
            description = "Adds headers to the message using K:V format")
    List<String> headers = new ArrayList<>();

    /** The payload: the file's bytes with {@code --payload}, else {@code size} zero bytes. */
    byte[] payload(int size) {
        if (payloadFile == null) {
            return new byte[size];
        }
        try {
            return Files.readAllBytes(Path.of(payloadFile));
        } catch (IOException e) {
            throw new CliException("reading the payload file: " + e.getMessage(), e);
        }
    }

    /** The {@code -H K:V} headers ({@link HeaderFlags}), or {@code null} when none were given. */
    Headers headers() {
        return HeaderFlags.parse(headers);
    }
}
