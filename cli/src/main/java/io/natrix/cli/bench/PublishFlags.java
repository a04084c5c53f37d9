package io.natrix.cli.bench;

import io.natrix.cli.CliException;
import io.nats.client.impl.Headers;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What the publishing commands ({@code pub}, {@code pubsub}, {@code js pub ...}) add under natscli's names:
 * multi-subject mode, and what the messages carry ({@link PayloadFlags}). {@code --size} still sets the size unless
 * {@code --payload} is given, in which case the file is the payload and its length is the size the statistics use.
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

    @Mixin
    PayloadFlags message;

    /** The subjects messages go to. */
    Subjects subjects(String subject) {
        if (multiSubjectMax < 0) {
            throw new CliException("--multisubjectmax cannot be negative");
        }
        return new Subjects(subject, multiSubject, multiSubjectMax, multiSubjectRandom);
    }

    /** The payload: the file's bytes with {@code --payload}, else {@code size} zero bytes. */
    byte[] payload(int size) {
        return message.payload(size);
    }

    /** The {@code -H K:V} headers, or {@code null} when none were given. */
    Headers headers() {
        return message.headers();
    }
}
