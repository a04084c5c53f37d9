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
 * What the publishing commands ({@code pub}, {@code pubsub}, {@code js pub ...}) add under natscli's names:
 * multi-subject mode, a payload file and headers. {@code --size} still sets the size unless {@code --payload} is
 * given, in which case the file is the payload and its length is the size the statistics use.
 */
final class PublishFlags {

    @Option(names = "--multisubject",
            description = "Multi-subject mode, each message is published on a subject that includes the publisher's "
                    + "message sequence number as a token")
    boolean multiSubject;

    @Option(names = "--multisubjectmax", paramLabel = "N", defaultValue = "100000",
            description = "The maximum number of subjects to use in multi-subject mode (0 means no max)")
    int multiSubjectMax;

    @Option(names = "--multisubjectrandomize",
            description = "Randomize which subjects are being used when in multisubject mode")
    boolean multiSubjectRandom;

    @Option(names = "--payload", paramLabel = "FILE", description = "File containing a message payload to send")
    String payloadFile;

    @Option(names = {"-H", "--header"}, paramLabel = "K:V",
            description = "Adds headers to the message using K:V format")
    List<String> headers = new ArrayList<>();

    /** The subjects messages go to. */
    Subjects subjects(String subject) {
        if (multiSubjectMax < 0) {
            throw new CliException("--multisubjectmax cannot be negative");
        }
        return new Subjects(subject, multiSubject, multiSubjectMax, multiSubjectRandom);
    }

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

    /** The {@code -H K:V} headers, or {@code null} when none were given. */
    Headers headers() {
        return parseHeaders(headers);
    }

    /** Parses natscli's {@code K:V} header flags ({@link HeaderFlags}); null when none were given. */
    static Headers parseHeaders(List<String> specs) {
        return HeaderFlags.parse(specs);
    }
}
