package io.natrix.cli.kv;

import io.natrix.cli.support.ByteSize;
import io.natrix.cli.CliException;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.Placement;
import io.nats.client.api.Republish;
import io.nats.client.api.Source;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The bucket settings {@code kv add} and {@code kv edit} both take, as natscli names them. {@code add} applies
 * every one (with natscli's defaults); {@code edit} applies only the flags given, over the bucket's current
 * configuration.
 */
final class KvBucketFlags {

    /** natscli's bounds on {@code --history}, the server's per-key history limit. */
    static final int HISTORY_MAX = 64;

    @Option(names = "--description", paramLabel = "TEXT", description = "A description for the bucket")
    String description;

    @Option(names = "--history", paramLabel = "N", defaultValue = "1",
            description = "How many historic values to keep per key (1-64, default 1)")
    int history;

    @Option(names = "--ttl", paramLabel = "DURATION", description = "How long to keep values for")
    String ttl;

    @Option(names = "--marker-ttl", paramLabel = "DURATION", description = "Enables Per-Key TTLs and Limit Markers")
    String markerTtl;

    @Option(names = "--replicas", paramLabel = "N", defaultValue = "1",
            description = "How many replicas of the data to store")
    int replicas;

    @Option(names = "--max-value-size", paramLabel = "BYTES", description = "Maximum size for any single value")
    String maxValueSize;

    @Option(names = "--max-bucket-size", paramLabel = "BYTES", description = "Maximum size for the bucket")
    String maxBucketSize;

    @Option(names = "--tags", paramLabel = "TAG", description = "Place the bucket on servers that has specific tags")
    List<String> tags = new ArrayList<>();

    @Option(names = "--cluster", paramLabel = "CLUSTER", description = "Place the bucket on a specific cluster")
    String cluster;

    @Option(names = "--compress", negatable = true, description = "Compress the bucket data")
    boolean compress;

    @Option(names = "--metadata", paramLabel = "KEY=VALUE", description = "Adds metadata to the stream")
    Map<String, String> metadata;

    @Option(names = "--republish-source", paramLabel = "SRC",
            description = "Republish messages to --republish-destination")
    String republishSource;

    @Option(names = "--republish-destination", paramLabel = "DEST",
            description = "Republish destination for messages in --republish-source")
    String republishDestination;

    @Option(names = "--republish-headers", description = "Republish only message headers, no bodies")
    boolean republishHeaders;

    @Option(names = "--source", paramLabel = "BUCKET", description = "Source from a different bucket")
    List<String> sources = new ArrayList<>();

    /**
     * Applies the flags to {@code b}: all of them, or with {@code onlyGiven} those on the command line
     * ({@code parsed}). Bad values are one-line errors naming the flag.
     */
    void applyTo(KeyValueConfiguration.Builder b, ParseResult parsed, boolean onlyGiven) {
        java.util.function.Predicate<String> set = name -> !onlyGiven || parsed.hasMatchedOption(name);
        if (set.test("--history")) {
            if (history < 1 || history > HISTORY_MAX) {
                throw new CliException("invalid --history " + history + ": must be between 1 and " + HISTORY_MAX);
            }
            b.maxHistoryPerKey(history);
        }
        if (set.test("--replicas")) {
            if (replicas < 1) {
                throw new CliException("invalid --replicas " + replicas + ": must be at least 1");
            }
            b.replicas(replicas);
        }
        if (set.test("--compress")) {
            b.compression(compress);
        }
        if (set.test("--max-value-size")) {
            b.maxValueSize(ByteSize.parse(maxValueSize, "--max-value-size", Integer.MAX_VALUE));
        }
        if (set.test("--max-bucket-size")) {
            b.maxBucketSize(ByteSize.parse(maxBucketSize, "--max-bucket-size", Long.MAX_VALUE));
        }
        if (description != null) {
            b.description(description);
        }
        Duration maxAge = Durations.parse(ttl, "--ttl");
        if (maxAge != null) {
            b.ttl(maxAge);
        }
        Duration marker = Durations.parse(markerTtl, "--marker-ttl");
        if (marker != null && !marker.isZero()) {
            if (marker.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new CliException("invalid --marker-ttl \"" + markerTtl + "\": must be at least 1s");
            }
            b.limitMarker(marker);
        }
        if (cluster != null || !tags.isEmpty()) {
            b.placement(Placement.builder().cluster(cluster).tags(tags).build());
        }
        if (metadata != null && !metadata.isEmpty()) {
            b.metadata(metadata);
        }
        if (republishDestination != null && !republishDestination.isEmpty()) {
            String source = republishSource == null || republishSource.isEmpty() ? ">" : republishSource;
            b.republish(new Republish(source, republishDestination, republishHeaders));
        } else if (republishSource != null || republishHeaders) {
            throw new CliException("--republish-source and --republish-headers need --republish-destination");
        }
        for (String source : sources) {
            b.addSource(Source.builder().sourceName(source).build());
        }
    }
}
