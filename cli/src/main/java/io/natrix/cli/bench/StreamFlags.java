package io.natrix.cli.bench;

import io.natrix.cli.support.ByteSize;
import io.natrix.cli.CliException;
import io.natrix.cli.support.GoDuration;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The stream flags of {@code bench js pub sync|async}, under natscli's names and defaults: {@code --create} makes
 * (or updates) the stream with the storage, replicas, size limit and de-duplication window given; {@code --purge}
 * empties it first; {@code --dedup} gives every message an id.
 */
final class StreamFlags {

    @Option(names = "--create", description = "Create or update the stream first")
    boolean create;

    @Option(names = "--storage", paramLabel = "TYPE", defaultValue = "file",
            description = "JetStream storage (memory/file) for the stream (default: ${DEFAULT-VALUE})")
    String storage;

    @Option(names = "--replicas", paramLabel = "N", defaultValue = "1",
            description = "Number of replicas for the stream (default: ${DEFAULT-VALUE})")
    int replicas;

    @Option(names = "--maxbytes", paramLabel = "SIZE", defaultValue = "1GB",
            description = "The maximum size of the stream in bytes (default: ${DEFAULT-VALUE})")
    String maxBytes;

    @Option(names = "--dedup", description = "Sets a message id in the header to use JS Publish de-duplication")
    boolean dedup;

    @Option(names = "--dedupwindow", paramLabel = "DURATION", defaultValue = "2m",
            description = "Sets the duration of the stream's deduplication functionality (default: ${DEFAULT-VALUE})")
    String dedupWindow;

    @Option(names = "--purge", description = "Purge the stream before running")
    boolean purge;

    /** {@code --storage} checked. */
    StorageType storageType() {
        return storageType(storage);
    }

    static StorageType storageType(String storage) {
        return switch (storage) {
            case "file" -> StorageType.File;
            case "memory" -> StorageType.Memory;
            default -> throw new CliException("invalid --storage \"" + storage + "\": use memory or file");
        };
    }

    /** {@code --maxbytes} checked. */
    long maxBytes() {
        return maxBytes(maxBytes);
    }

    static long maxBytes(String text) {
        long size = ByteSize.parse(text, "--maxbytes");
        if (size <= 0) {
            throw new CliException("can not parse or invalid the value specified for the max stream/bucket size: "
                    + text);
        }
        return size;
    }

    /** {@code --dedupwindow} checked. */
    Duration dedupWindow() {
        try {
            return GoDuration.parse(dedupWindow);
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid --dedupwindow \"" + dedupWindow + "\": " + e.getMessage());
        }
    }

    /** The configuration {@code --create} gives the stream: limits retention, discard new, direct gets allowed. */
    StreamConfiguration configuration(String stream, String subject) {
        if (replicas < 1) {
            throw new CliException("--replicas must be at least 1");
        }
        return StreamConfiguration.builder()
                .name(stream)
                .subjects(subject)
                .retentionPolicy(RetentionPolicy.Limits)
                .discardPolicy(DiscardPolicy.New)
                .storageType(storageType())
                .replicas(replicas)
                .maxBytes(maxBytes())
                .duplicateWindow(dedupWindow())
                .allowDirect(true)
                .build();
    }
}
