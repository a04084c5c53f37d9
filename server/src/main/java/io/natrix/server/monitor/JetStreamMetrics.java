package io.natrix.server.monitor;

import io.natrix.server.NatsServer;
import io.natrix.server.jetstream.ConsumerInfo;
import io.natrix.server.jetstream.JetStream;
import io.natrix.server.jetstream.JetStreamUsage;
import io.natrix.server.jetstream.StreamInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * JetStream's part of /metrics, under the names prometheus-nats-exporter gives the same figures, so that the NATS
 * JetStream dashboards and alerts built on the exporter read Natrix directly.
 *
 * <pre>
 * family                                        labels (besides server_id)               from
 * gnatsd_varz_jetstream_config_max_memory|_max_storage                                   /varz jetstream.config
 * gnatsd_varz_jetstream_stats_memory|_storage|_reserved_memory|_reserved_storage|_accounts|_ha_assets
 * gnatsd_varz_jetstream_stats_api_total|_api_errors (counters)                           /varz jetstream.stats
 * jetstream_server_jetstream_disabled|_max_memory|_max_storage|_total_streams|_total_consumers|_total_messages
 * jetstream_server_total_message_bytes          server_name, is_meta_leader              /jsz
 * jetstream_account_max_memory|_max_storage|_memory_used|_storage_used
 *                                               + account, account_name, account_id      account_details
 * jetstream_stream_total_messages|_total_bytes|_first_seq|_last_seq|_consumer_count|_subject_count|_limit_bytes
 * jetstream_stream_limit_messages               + stream_name, stream_leader, is_stream_leader   stream_detail
 * jetstream_stream_source_lag|_source_active_duration_ns   + source_name                 stream_detail.sources
 * jetstream_stream_mirror_lag|_mirror_active_duration_ns   + mirror_name                 stream_detail.mirror
 * jetstream_consumer_delivered_consumer_seq|_delivered_stream_seq|_num_ack_pending|_num_redelivered
 * jetstream_consumer_num_waiting|_num_pending|_ack_floor_stream_seq|_ack_floor_consumer_seq
 * jetstream_consumer_last_delivery_seconds|_last_ack_seconds (only once there was one)
 *                                               + consumer_name, is_consumer_leader, consumer_desc   consumer_detail
 * </pre>
 * Every {@code jetstream_*} family is a gauge, as the exporter makes them. Labels the exporter fills from
 * clustering (cluster, meta_leader, consumer_leader, stream_raft_group) are empty on a single server, and
 * Prometheus treats an empty label as an absent one, so they are left out; a single server leads everything
 * ({@code is_*_leader="true"}). {@code domain} is written when JetStream has one.
 *
 * <p>Stateless; safe on any thread.
 */
final class JetStreamMetrics {
    private JetStreamMetrics() {
    }

    /** One sample's labels (server_id aside) and what its value is read from. */
    private interface Row {
        String labels();
    }

    /** A stream with its labels, which its sources, mirror and consumers extend. */
    private record StreamRow(String labels, JetStreamUsage.StreamUsage stream) implements Row {
    }

    private record ConsumerRow(String labels, ConsumerInfo consumer) implements Row {
    }

    private record SourceRow(String labels, StreamInfo.SourceInfo source) implements Row {
    }

    static void write(Metrics.Writer w, NatsServer server) {
        JetStream js = server.jetStream();
        JetStreamUsage.Usage usage = js == null ? JetStreamUsage.Usage.NONE : JetStreamUsage.usage(js);
        long maxMemory = js == null ? 0 : js.config().maxMemory();
        long maxStorage = js == null ? 0 : js.config().maxFile();
        if (js != null) {
            varzFamilies(w, usage, maxMemory, maxStorage);
        }
        String serverLabels = new Labels().add("server_name", server.serverName())
                .add("domain", js == null ? "" : js.config().domain()).add("is_meta_leader", "true").text();
        String[][] serverFamilies = {
                {"jetstream_server_jetstream_disabled", "Whether JetStream is disabled (1) or not (0)."},
                {"jetstream_server_max_memory", "Memory JetStream may use, in bytes."},
                {"jetstream_server_max_storage", "Storage JetStream may use, in bytes."},
                {"jetstream_server_total_streams", "Streams in JetStream."},
                {"jetstream_server_total_consumers", "Consumers in JetStream."},
                {"jetstream_server_total_messages", "Messages stored in JetStream."},
                {"jetstream_server_total_message_bytes", "Bytes stored in JetStream."}};
        double[] serverValues = {js == null ? 1 : 0, maxMemory, maxStorage, usage.streams(), usage.consumers(),
                usage.messages(), usage.bytes()};
        for (int i = 0; i < serverFamilies.length; i++) {
            w.family(serverFamilies[i][0], "gauge", serverFamilies[i][1]);
            w.sample(serverFamilies[i][0], serverLabels, serverValues[i]);
        }
        if (js == null) {
            return;
        }
        List<JetStreamUsage.AccountUsage> accounts = JetStreamUsage.accounts(js, true, true);
        accountFamilies(w, serverLabels, accounts);
        List<StreamRow> streams = new ArrayList<>();
        for (JetStreamUsage.AccountUsage a : accounts) {
            for (JetStreamUsage.StreamUsage s : a.streams()) {
                streams.add(new StreamRow(serverLabels + "," + new Labels().add("account", a.account())
                        .add("account_name", a.account()).add("account_id", a.account())
                        .add("stream_name", s.name()).add("stream_leader", server.serverName())
                        .add("is_stream_leader", "true").text(), s));
            }
        }
        streamFamilies(w, streams);
        consumerFamilies(w, streams);
    }

    private static void varzFamilies(Metrics.Writer w, JetStreamUsage.Usage u, long maxMemory, long maxStorage) {
        w.gauge("gnatsd_varz_jetstream_config_max_memory", "Configured JetStream max_memory, in bytes.", maxMemory);
        w.gauge("gnatsd_varz_jetstream_config_max_storage", "Configured JetStream max_file_store, in bytes.",
                maxStorage);
        w.gauge("gnatsd_varz_jetstream_stats_memory", "Memory JetStream's streams use, in bytes.", u.memory());
        w.gauge("gnatsd_varz_jetstream_stats_storage", "Storage JetStream's streams use, in bytes.", u.storage());
        w.gauge("gnatsd_varz_jetstream_stats_reserved_memory", "Memory reserved by streams' max_bytes.",
                u.reservedMemory());
        w.gauge("gnatsd_varz_jetstream_stats_reserved_storage", "Storage reserved by streams' max_bytes.",
                u.reservedStorage());
        w.gauge("gnatsd_varz_jetstream_stats_accounts", "Accounts with JetStream.", u.accounts());
        w.gauge("gnatsd_varz_jetstream_stats_ha_assets", "Replicated streams and consumers (none on one server).",
                0);
        w.counter("gnatsd_varz_jetstream_stats_api_total", "JetStream API requests since start.", u.apiTotal());
        w.counter("gnatsd_varz_jetstream_stats_api_errors", "JetStream API requests answered with an error.",
                u.apiErrors());
    }

    private static void accountFamilies(Metrics.Writer w, String serverLabels,
                                        List<JetStreamUsage.AccountUsage> accounts) {
        String[][] families = {
                {"jetstream_account_max_memory", "Memory the account's JetStream limits reserve (-1: unlimited)."},
                {"jetstream_account_max_storage", "Storage the account's JetStream limits reserve (-1: unlimited)."},
                {"jetstream_account_memory_used", "Memory the account's streams use, in bytes."},
                {"jetstream_account_storage_used", "Storage the account's streams use, in bytes."}};
        for (int f = 0; f < families.length; f++) {
            w.family(families[f][0], "gauge", families[f][1]);
            for (JetStreamUsage.AccountUsage a : accounts) {
                String labels = serverLabels + "," + new Labels().add("account", a.account())
                        .add("account_name", a.account()).add("account_id", a.account()).text();
                long value = switch (f) {
                    case 0 -> a.reservedMemory();
                    case 1 -> a.reservedStorage();
                    case 2 -> a.memory();
                    default -> a.storage();
                };
                w.sample(families[f][0], labels, value);
            }
        }
    }

    private static void streamFamilies(Metrics.Writer w, List<StreamRow> streams) {
        family(w, "jetstream_stream_total_messages", "Messages in the stream.", streams,
                r -> r.stream().state().messages());
        family(w, "jetstream_stream_total_bytes", "Bytes in the stream.", streams, r -> r.stream().state().bytes());
        family(w, "jetstream_stream_first_seq", "First sequence in the stream.", streams,
                r -> r.stream().state().firstSeq());
        family(w, "jetstream_stream_last_seq", "Last sequence in the stream.", streams,
                r -> r.stream().state().lastSeq());
        family(w, "jetstream_stream_consumer_count", "Consumers of the stream.", streams,
                r -> r.stream().state().consumerCount());
        family(w, "jetstream_stream_subject_count", "Distinct subjects in the stream.", streams,
                r -> r.stream().state().numSubjects());
        family(w, "jetstream_stream_limit_bytes", "The stream's max_bytes (-1: no limit).", streams,
                r -> r.stream().config().maxBytes());
        family(w, "jetstream_stream_limit_messages", "The stream's max_msgs (-1: no limit).", streams,
                r -> r.stream().config().maxMsgs());
        List<SourceRow> sources = new ArrayList<>();
        List<SourceRow> mirrors = new ArrayList<>();
        for (StreamRow r : streams) {
            for (StreamInfo.SourceInfo s : r.stream().sources()) {
                sources.add(new SourceRow(r.labels() + "," + new Labels().add("source_name", s.name()).text(), s));
            }
            StreamInfo.SourceInfo m = r.stream().mirror();
            if (m != null) {
                mirrors.add(new SourceRow(r.labels() + "," + new Labels().add("mirror_name", m.name()).text(), m));
            }
        }
        family(w, "jetstream_stream_source_lag", "Messages a source of the stream is behind.", sources,
                r -> r.source().lag());
        family(w, "jetstream_stream_source_active_duration_ns",
                "Nanoseconds since a source of the stream was last active (-1: never).", sources,
                r -> r.source().activeNanos());
        family(w, "jetstream_stream_mirror_lag", "Messages the stream's mirror origin is ahead.", mirrors,
                r -> r.source().lag());
        family(w, "jetstream_stream_mirror_active_duration_ns",
                "Nanoseconds since the stream's mirror was last active (-1: never).", mirrors,
                r -> r.source().activeNanos());
    }

    private static void consumerFamilies(Metrics.Writer w, List<StreamRow> streams) {
        List<ConsumerRow> consumers = new ArrayList<>();
        for (StreamRow r : streams) {
            for (ConsumerInfo c : r.stream().consumers()) {
                String description = c.config() == null ? "" : c.config().description();
                consumers.add(new ConsumerRow(r.labels() + "," + new Labels().add("consumer_name", c.name())
                        .add("is_consumer_leader", "true").add("consumer_desc", description).text(), c));
            }
        }
        family(w, "jetstream_consumer_delivered_consumer_seq", "Last consumer sequence delivered.", consumers,
                r -> r.consumer().delivered().consumerSeq());
        family(w, "jetstream_consumer_delivered_stream_seq", "Stream sequence of the last message delivered.",
                consumers, r -> r.consumer().delivered().streamSeq());
        family(w, "jetstream_consumer_num_ack_pending", "Messages delivered and not yet acknowledged.", consumers,
                r -> r.consumer().numAckPending());
        family(w, "jetstream_consumer_num_redelivered", "Messages redelivered and not yet acknowledged.",
                consumers, r -> r.consumer().numRedelivered());
        family(w, "jetstream_consumer_num_waiting", "Pull requests waiting.", consumers,
                r -> r.consumer().numWaiting());
        family(w, "jetstream_consumer_num_pending", "Messages of the stream not yet delivered.", consumers,
                r -> r.consumer().numPending());
        family(w, "jetstream_consumer_ack_floor_stream_seq", "Stream sequence below which all is acknowledged.",
                consumers, r -> r.consumer().ackFloor().streamSeq());
        family(w, "jetstream_consumer_ack_floor_consumer_seq",
                "Consumer sequence below which all is acknowledged.", consumers,
                r -> r.consumer().ackFloor().consumerSeq());
        List<ConsumerRow> delivered = consumers.stream()
                .filter(r -> r.consumer().delivered().lastActive() != null && r.consumer().ts() != null).toList();
        family(w, "jetstream_consumer_last_delivery_seconds", "Seconds since the consumer last delivered.",
                delivered, r -> seconds(Duration.between(r.consumer().delivered().lastActive(), r.consumer().ts())));
        List<ConsumerRow> acked = consumers.stream()
                .filter(r -> r.consumer().ackFloor().lastActive() != null && r.consumer().ts() != null).toList();
        family(w, "jetstream_consumer_last_ack_seconds", "Seconds since the consumer's ack floor last moved.",
                acked, r -> seconds(Duration.between(r.consumer().ackFloor().lastActive(), r.consumer().ts())));
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** A gauge family with one sample per row (none: only HELP and TYPE, which the format allows). */
    private static <R extends Row> void family(Metrics.Writer w, String name, String help, List<R> rows,
                                               ToDoubleFunction<R> value) {
        w.family(name, "gauge", help);
        for (R r : rows) {
            w.sample(name, r.labels(), value.applyAsDouble(r));
        }
    }

    /** Label pairs in order, escaped; empty values left out (Prometheus reads them as absent). */
    private static final class Labels {
        private final StringBuilder sb = new StringBuilder(96);

        Labels add(String name, String value) {
            if (value != null && !value.isEmpty()) {
                if (!sb.isEmpty()) {
                    sb.append(',');
                }
                sb.append(name).append("=\"").append(Metrics.escape(value)).append('"');
            }
            return this;
        }

        String text() {
            return sb.toString();
        }
    }
}
