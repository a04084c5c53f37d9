package io.natrix.cli.bench;

import io.natrix.cli.output.Human;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench js pub sync|async SUBJECT}: natscli's JetStream publisher benchmarks. Before the clients start, one
 * connection makes sure of the stream: creates or updates it with {@code --create} (subjects: the benchmark's
 * subject, or {@code SUBJECT.*} in multi-subject mode), checks that it exists, and purges it with {@code --purge}.
 * The messages are then shared among the clients. The summary reports {@code Pub stats} and the latency of each
 * synchronous publish (each asynchronous batch).
 */
abstract class JsPubCommand extends BenchBase {

    /** JetStream's "stream name already in use with a different configuration". */
    private static final int STREAM_NAME_IN_USE = 10058;

    @Parameters(index = "0", paramLabel = "SUBJECT", description = "Subject to use for the benchmark")
    String subject;

    @Mixin
    ClientsFlag clientsFlag;

    @Mixin
    JsFlags js;

    @Mixin
    PublishFlags publish;

    @Mixin
    StreamFlags streamFlags;

    @Mixin
    ThroughputFlags throughput;

    /** The natscli label of this publisher. */
    abstract String label();

    /** 0 for synchronous publishing, else the asynchronous batch size. */
    abstract int batch();

    @Override
    public Integer call() throws Exception {
        long msgs = throughput.messages(messages());
        int size = messageSize();
        int clients = (int) Math.min(clients(clientsFlag.clients, "--clients"), msgs);
        int batch = batch();
        Pacing pacing = Pacing.parse(js.sleep);
        Subjects subjects = publish.subjects(subject);
        byte[] payload = publish.payload(size);
        Headers headers = publish.headers();
        StreamConfiguration config = streamFlags.create
                ? streamFlags.configuration(js.stream, subjects.subscribeSubject()) : null;

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("subject", subjects.subscribeSubject());
        settings.put("multi-subject", publish.multiSubject);
        settings.put("multi-subject-max", publish.multiSubjectMax);
        settings.put("multi-subject-randomize", publish.multiSubjectRandom);
        settings.put("batch", batch);
        settings.put("stream", js.stream);
        settings.put("sleep", pacing.sleep());
        settings.put("purge", streamFlags.purge);
        if (config != null) {
            settings.put("storage", streamFlags.storage);
            settings.put("max-bytes", config.getMaxBytes());
            settings.put("replicas", config.getReplicas());
            settings.put("deduplication", streamFlags.dedup);
            settings.put("dedup-window", config.getDuplicateWindow());
        }
        settings.put("msgs", msgs);
        settings.put("msg-size", size(payload.length));
        settings.put("clients", clients);
        BenchBase.throughput(settings, throughput);
        banner(label(), settings);

        JetStreamOptions options = globals().jetStreamOptions();
        String idPrefix = streamFlags.dedup ? Long.toHexString(System.currentTimeMillis()) : null;
        long[] counts = perClient(msgs, clients);
        try (ClientConnections connections = new ClientConnections()) {
            prepareStream(connections.add(connectClient("natrix bench js setup")), options, config);
            try (Progress progress = progress()) {
                List<ClientJob> jobs = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    Connection nc = connections.add(connectClient("natrix bench js pub " + (i + 1)));
                    log("[" + (i + 1) + "] Starting " + label() + ", publishing " + Human.count(counts[i])
                            + " messages");
                    jobs.add(new JsPublisher(nc, options, i, subjects, headers, payload, counts[i],
                            offset(counts, i), batch, idPrefix, pacing, throughput.perClient(clients),
                            globals().timeout(), progress.bar(counts[i])));
                }
                report(ClientRunner.run(jobs, progress), List.of());
            }
        }
        return 0;
    }

    private void prepareStream(Connection nc, JetStreamOptions options, StreamConfiguration config) {
        JetStreamManagement jsm;
        try {
            jsm = nc.jetStreamManagement(options);
        } catch (Exception e) {
            throw JetStreamErrors.failure("could not access JetStream", e);
        }
        if (config != null) {
            try {
                try {
                    jsm.addStream(config);
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != STREAM_NAME_IN_USE) {
                        throw e;
                    }
                    jsm.updateStream(config);
                }
            } catch (Exception e) {
                throw JetStreamErrors.failure("could not create the stream. If you want to delete and re-define the "
                        + "stream use `natrix stream rm " + js.stream + "`", e);
            }
        }
        try {
            jsm.getStreamInfo(js.stream);
        } catch (Exception e) {
            throw JetStreamErrors.failure("could not access stream " + js.stream, e);
        }
        log("Using stream: " + js.stream);
        if (streamFlags.purge) {
            log("Purging the stream");
            try {
                jsm.purgeStream(js.stream);
            } catch (Exception e) {
                throw JetStreamErrors.failure("purging stream '" + js.stream + "'", e);
            }
        }
    }

    /** {@code bench js pub sync SUBJECT}. */
    @Command(name = "sync", description = "Use synchronous JetStream publish")
    static final class Sync extends JsPubCommand {

        @Override
        String label() {
            return "JetStream synchronous publisher";
        }

        @Override
        int batch() {
            return 0;
        }
    }

    /** {@code bench js pub async SUBJECT}. */
    @Command(name = "async", description = "Use asynchronous JetStream publish")
    static final class Async extends JsPubCommand {

        @Option(names = "--batch", paramLabel = "N", defaultValue = "500",
                description = "Sets the number of asynchronous operations per batch (default: ${DEFAULT-VALUE})")
        int batchSize;

        @Override
        String label() {
            return "JetStream asynchronous publisher";
        }

        @Override
        int batch() {
            return positive(batchSize, "--batch");
        }
    }
}
