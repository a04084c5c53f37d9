package io.natrix.cli.bench;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Human;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValueManagement;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.KeyValueConfiguration;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench kv put|get}: natscli's key-value benchmarks. {@code put} stores {@code --msgs} values under the keys
 * {@code 0}, {@code 1}, ... (shared among the clients), first deleting the bucket with {@code --purge} (a bucket
 * cannot be purged in one call) and creating the default bucket ({@value #DEFAULT_BUCKET}) when it is the one used;
 * {@code get} reads them back. The summaries report {@code Pub stats} for puts and {@code Sub stats} for gets, with
 * the latency of each operation.
 */
@Command(name = "kv", description = "KV benchmark operations", subcommands = {KvCommand.Put.class, KvCommand.Get.class})
final class KvCommand extends ClientCommand {

    static final String DEFAULT_BUCKET = "benchbucket";
    /** JetStream's "stream not found", which deleting a bucket that is not there answers. */
    private static final int STREAM_NOT_FOUND = 10059;

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 0;
    }

    /** What both key-value benchmarks take and do. */
    abstract static class KvBench extends BenchBase {

        @Mixin
        ClientsFlag clientsFlag;

        @Option(names = "--bucket", paramLabel = "NAME", defaultValue = DEFAULT_BUCKET,
                description = "The bucket to use for the benchmark (default: ${DEFAULT-VALUE})")
        String bucket;

        @Option(names = "--sleep", paramLabel = "DURATION", defaultValue = "0s",
                description = "Sleep for the specified interval after each operation")
        String sleep;

        @Option(names = "--randomize", paramLabel = "N", defaultValue = "0",
                description = "Use random keys between 0 and this number (0 for sequential access)")
        int randomize;

        abstract boolean put();

        abstract String label();

        /** Adds the command's own settings to the banner. */
        abstract void settings(Map<String, Object> settings);

        /** Makes sure of the bucket before the clients start. */
        abstract void prepareBucket(KeyValueManagement kvm);

        /** The message count from {@code --msgs} (and any flag that overrides it). */
        long messageCount() {
            return messages();
        }

        /** Operations per second for each of {@code clients}, 0 when not throttled. */
        double ratePerClient(int clients) {
            return 0;
        }

        @Override
        public Integer call() throws Exception {
            long msgs = messageCount();
            int size = messageSize();
            int clients = clients(clientsFlag.clients, "--clients");
            if (put()) {
                clients = (int) Math.min(clients, msgs);
            }
            if (randomize < 0) {
                throw new CliException("--randomize cannot be negative");
            }
            Pacing pacing = Pacing.parse(sleep);

            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("bucket", bucket);
            settings.put("sleep", pacing.sleep());
            settings.put("randomize", randomize);
            settings(settings);
            settings.put("msgs", msgs);
            settings.put("msg-size", size(size));
            settings.put("clients", clients);
            banner(label(), settings);

            KeyValueOptions options = KeyValueOptions.builder().jetStreamOptions(globals().jetStreamOptions()).build();
            long[] counts = perClient(msgs, clients);
            byte[] value = new byte[size];
            try (ClientConnections connections = new ClientConnections()) {
                Connection setup = connections.add(connectClient("natrix bench kv setup"));
                try {
                    prepareBucket(setup.keyValueManagement(options));
                } catch (IOException e) {
                    throw JetStreamErrors.failure("could not access JetStream", e);
                }
                try (Progress progress = progress()) {
                    List<ClientJob> jobs = new ArrayList<>();
                    for (int i = 0; i < clients; i++) {
                        Connection nc = connections.add(connectClient("natrix bench kv " + (i + 1)));
                        log("[" + (i + 1) + "] Starting " + label() + ", " + (put() ? "putting " : "getting ")
                                + Human.count(counts[i]) + " messages");
                        jobs.add(new KvClient(put(), nc, options, bucket, i, counts[i], offset(counts, i), randomize,
                                value, pacing, ratePerClient(clients), globals().timeout(), progress.bar(counts[i])));
                    }
                    List<Sample> samples = ClientRunner.run(jobs, progress);
                    if (put()) {
                        report(samples, List.of());
                    } else {
                        report(List.of(), samples);
                    }
                }
            }
            return 0;
        }
    }

    /** {@code bench kv put}. */
    @Command(name = "put", description = "Put messages in a KV bucket")
    static final class Put extends KvBench {

        @Option(names = "--storage", paramLabel = "TYPE", defaultValue = "file",
                description = "JetStream storage (memory/file) for the bucket (default: ${DEFAULT-VALUE})")
        String storage;

        @Option(names = "--replicas", paramLabel = "N", defaultValue = "1",
                description = "Number of replicas for the bucket (default: ${DEFAULT-VALUE})")
        int replicas;

        @Option(names = "--maxbytes", paramLabel = "SIZE", defaultValue = "1GB",
                description = "The maximum size of the KV bucket in bytes (default: ${DEFAULT-VALUE})")
        String maxBytes;

        @Option(names = "--history", paramLabel = "N", defaultValue = "1",
                description = "History depth for the bucket (default: ${DEFAULT-VALUE})")
        int history;

        @Option(names = "--purge", description = "Delete the bucket before running")
        boolean purge;

        @Mixin
        ThroughputFlags throughput;

        @Override
        long messageCount() {
            return throughput.messages(messages());
        }

        @Override
        double ratePerClient(int clients) {
            return throughput.perClient(clients);
        }

        @Override
        boolean put() {
            return true;
        }

        @Override
        String label() {
            return "JetStream KV putter";
        }

        @Override
        void settings(Map<String, Object> settings) {
            settings.put("purge", purge);
            settings.put("storage", storage);
            settings.put("max-bytes", StreamFlags.maxBytes(maxBytes));
            settings.put("replicas", replicas);
            settings.put("history", history);
            BenchBase.throughput(settings, throughput);
        }

        @Override
        void prepareBucket(KeyValueManagement kvm) {
            if (history < 1 || history > 64) {
                throw new CliException("--history must be between 1 and 64");
            }
            if (replicas < 1) {
                throw new CliException("--replicas must be at least 1");
            }
            KeyValueConfiguration config = KeyValueConfiguration.builder()
                    .name(bucket)
                    .description("nats bench bucket")
                    .maxHistoryPerKey(history)
                    .storageType(StreamFlags.storageType(storage))
                    .replicas(replicas)
                    .maxBucketSize(StreamFlags.maxBytes(maxBytes))
                    .build();
            if (purge) {
                log("Deleting the bucket");
                try {
                    kvm.delete(bucket);
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                        throw JetStreamErrors.failure("deleting bucket '" + bucket + "'", e);
                    }
                } catch (Exception e) {
                    throw JetStreamErrors.failure("deleting bucket '" + bucket + "'", e);
                }
            }
            if (DEFAULT_BUCKET.equals(bucket)) {
                try {
                    kvm.create(config);
                } catch (Exception e) {
                    throw JetStreamErrors.failure("creating bucket '" + bucket + "'", e);
                }
            } else {
                requireBucket(kvm, bucket);
            }
        }
    }

    /** {@code bench kv get}. */
    @Command(name = "get", description = "Get messages from a KV bucket")
    static final class Get extends KvBench {

        @Override
        boolean put() {
            return false;
        }

        @Override
        String label() {
            return "JetStream KV getter";
        }

        @Override
        void settings(Map<String, Object> settings) {
        }

        @Override
        void prepareBucket(KeyValueManagement kvm) {
            requireBucket(kvm, bucket);
        }
    }

    private static void requireBucket(KeyValueManagement kvm, String bucket) {
        try {
            kvm.getStatus(bucket);
        } catch (Exception e) {
            throw JetStreamErrors.failure("finding kv bucket '" + bucket + "'", e);
        }
    }
}
