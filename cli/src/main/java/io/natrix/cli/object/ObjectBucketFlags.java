package io.natrix.cli.object;

import io.natrix.cli.support.ByteSize;
import io.natrix.cli.CliException;
import io.natrix.cli.kv.Durations;
import io.nats.client.api.CompressionOption;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.Placement;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The bucket settings {@code object add} and {@code object edit} both take, as natscli names them. {@code add}
 * puts them into a new bucket's configuration; {@code edit} applies the flags given to the bucket's stream
 * configuration (jnats has no object store update), leaving the rest as they are.
 */
final class ObjectBucketFlags {

    @Option(names = "--ttl", paramLabel = "DURATION", description = "How long to keep objects for")
    String ttl;

    @Option(names = "--replicas", paramLabel = "N", defaultValue = "1",
            description = "How many replicas of the data to store")
    int replicas;

    @Option(names = "--max-bucket-size", paramLabel = "BYTES", description = "Maximum size for the bucket")
    String maxBucketSize;

    @Option(names = "--description", paramLabel = "TEXT", description = "A description for the bucket")
    String description;

    @Option(names = "--tags", paramLabel = "TAG", description = "Place the store on servers that has specific tags")
    List<String> tags = new ArrayList<>();

    @Option(names = "--cluster", paramLabel = "CLUSTER", description = "Place the store on a specific cluster")
    String cluster;

    @Option(names = "--metadata", paramLabel = "KEY=VALUE", description = "Adds metadata to the bucket")
    Map<String, String> metadata;

    @Option(names = "--compress", negatable = true, description = "Compress the bucket data")
    boolean compress;

    /** Puts every flag into a new bucket's configuration. */
    void applyTo(ObjectStoreConfiguration.Builder b) {
        b.replicas(checkedReplicas())
                .compression(compress)
                .maxBucketSize(ByteSize.parse(maxBucketSize, "--max-bucket-size", Long.MAX_VALUE));
        if (description != null) {
            b.description(description);
        }
        Duration maxAge = Durations.parse(ttl, "--ttl");
        if (maxAge != null) {
            b.ttl(maxAge);
        }
        if (cluster != null || !tags.isEmpty()) {
            b.placement(Placement.builder().cluster(cluster).tags(tags).build());
        }
        if (metadata != null && !metadata.isEmpty()) {
            b.metadata(metadata);
        }
    }

    /** Applies the flags given on the command line ({@code parsed}) to a bucket's current stream configuration. */
    void applyTo(StreamConfiguration current, StreamConfiguration.Builder b, ParseResult parsed) {
        if (parsed.hasMatchedOption("--replicas")) {
            b.replicas(checkedReplicas());
        }
        if (parsed.hasMatchedOption("--compress")) {
            b.compressionOption(compress ? CompressionOption.S2 : CompressionOption.None);
        }
        if (parsed.hasMatchedOption("--max-bucket-size")) {
            b.maxBytes(ByteSize.parse(maxBucketSize, "--max-bucket-size", Long.MAX_VALUE));
        }
        if (description != null) {
            b.description(description);
        }
        Duration maxAge = Durations.parse(ttl, "--ttl");
        if (maxAge != null) {
            b.maxAge(maxAge);
            // The server refuses a duplicate window longer than the maximum age.
            Duration window = current.getDuplicateWindow();
            if (!maxAge.isZero() && window != null && window.compareTo(maxAge) > 0) {
                b.duplicateWindow(maxAge);
            }
        }
        if (cluster != null || !tags.isEmpty()) {
            b.placement(Placement.builder().cluster(cluster).tags(tags).build());
        }
        if (metadata != null) {
            // The given metadata replaces the user's, as natscli's edit does; the server's own entries stay.
            Map<String, String> merged = new HashMap<>();
            if (current.getMetadata() != null) {
                current.getMetadata().forEach((k, v) -> {
                    if (k.startsWith("_nats.")) {
                        merged.put(k, v);
                    }
                });
            }
            merged.putAll(metadata);
            b.metadata(merged);
        }
    }

    private int checkedReplicas() {
        if (replicas < 1) {
            throw new CliException("invalid --replicas " + replicas + ": must be at least 1");
        }
        return replicas;
    }
}
