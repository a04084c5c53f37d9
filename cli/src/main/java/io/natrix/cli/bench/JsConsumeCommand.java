package io.natrix.cli.bench;

import io.natrix.cli.output.Human;
import io.natrix.cli.support.GoDuration;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.ReplayPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench js ordered|consume|fetch}: natscli's JetStream consumer benchmarks (see {@link JsConsumer} for how
 * each consumes). Before the clients start, one connection checks the stream, purges it with {@code --purge}, and,
 * for {@code consume} and {@code fetch} with the default consumer name, creates or updates the durable consumer
 * (deliver all, instant replay, the ack policy of {@code --acks}, at most {@code --batch} × clients unacknowledged,
 * removed after 10 s of inactivity). The clients wait for messages for at most {@code --idle-timeout} between two
 * of them. The summary reports {@code Sub stats}; {@code fetch} adds the latency of each fetch.
 */
abstract class JsConsumeCommand extends BenchBase {

    private static final Duration INACTIVE_THRESHOLD = Duration.ofSeconds(10);

    @Mixin
    ClientsFlag clientsFlag;

    @Mixin
    JsFlags js;

    @Mixin
    IdleFlag idleFlag;

    abstract JsConsumer.Mode mode();

    abstract String label();

    /** The consumer flags, or {@code null} for the ordered consumer. */
    abstract ConsumerFlags consumerFlags();

    abstract boolean purge();

    abstract int batch();

    abstract List<String> filters();

    @Override
    public Integer call() throws Exception {
        long msgs = messages();
        int size = messageSize();
        int clients = clients(clientsFlag.clients, "--clients");
        int batch = batch();
        Pacing pacing = Pacing.parse(js.sleep);
        ConsumerFlags cf = consumerFlags();
        AckPolicy ackPolicy = cf == null ? AckPolicy.None : cf.ackPolicy();
        IdleTimeout idle = idleFlag.timeout(pacing);

        Map<String, Object> settings = new LinkedHashMap<>();
        if (cf != null) {
            settings.put("consumer", cf.consumer);
            settings.put("acks", cf.acks);
            settings.put("double-acked", cf.doubleAck);
        }
        settings.put("batch", batch);
        if (!filters().isEmpty()) {
            settings.put("filter", String.join(",", filters()));
        }
        settings.put("stream", js.stream);
        settings.put("sleep", pacing.sleep());
        settings.put("purge", purge());
        settings.put("msgs", msgs);
        settings.put("msg-size", size(size));
        settings.put("clients", clients);
        settings.put("idle-timeout", idle.limit());
        banner(label(), settings);

        JetStreamOptions options = globals().jetStreamOptions();
        long[] counts = mode() == JsConsumer.Mode.FETCH ? perClient(msgs, clients) : null;
        JsConsumer.Shared shared = mode() == JsConsumer.Mode.CONSUME ? new JsConsumer.Shared() : null;
        try (ClientConnections connections = new ClientConnections()) {
            prepare(connections.add(connectClient("natrix bench js setup")), options, cf, ackPolicy, batch, clients,
                    idle);
            try (Progress progress = progress()) {
                List<ClientJob> jobs = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    Connection nc = connections.add(connectClient("natrix bench js consumer " + (i + 1)));
                    long expected = counts == null ? msgs : counts[i];
                    log("[" + (i + 1) + "] Starting " + label() + ", expecting " + Human.count(expected)
                            + " messages" + (shared == null ? "" : " (shared by all clients)"));
                    jobs.add(new JsConsumer(mode(), nc, options, js.stream, cf == null ? null : cf.consumer,
                            filters(), ackPolicy, cf != null && cf.doubleAck, batch, expected, shared, size, pacing,
                            globals().timeout(), idle, progress.bar(expected), err()));
                }
                report(List.of(), ClientRunner.run(jobs, progress));
            }
        }
        return 0;
    }

    private void prepare(Connection nc, JetStreamOptions options, ConsumerFlags cf, AckPolicy ackPolicy, int batch,
                         int clients, IdleTimeout idle) {
        JetStreamManagement jsm;
        long stored;
        try {
            jsm = nc.jetStreamManagement(options);
            stored = jsm.getStreamInfo(js.stream).getStreamState().getMsgCount();
        } catch (Exception e) {
            throw JetStreamErrors.failure("could not access stream " + js.stream, e);
        }
        if (purge()) {
            log("Purging the stream");
            try {
                jsm.purgeStream(js.stream);
            } catch (Exception e) {
                throw JetStreamErrors.failure("purging stream '" + js.stream + "'", e);
            }
        }
        if (cf != null && ConsumerFlags.DEFAULT_CONSUMER.equals(cf.consumer)) {
            ConsumerConfiguration.Builder b = ConsumerConfiguration.builder()
                    .durable(cf.consumer)
                    .deliverPolicy(DeliverPolicy.All)
                    .ackPolicy(ackPolicy)
                    .replayPolicy(ReplayPolicy.Instant)
                    .inactiveThreshold(INACTIVE_THRESHOLD);
            if (ackPolicy != AckPolicy.None) {
                b.maxAckPending((long) batch * clients);
            }
            if (!cf.filters.isEmpty()) {
                b.filterSubjects(cf.filters);
            }
            try {
                jsm.addOrUpdateConsumer(js.stream, b.build());
            } catch (Exception e) {
                throw JetStreamErrors.failure("creating the durable consumer '" + cf.consumer + "'", e);
            }
        }
        warnIfShort(jsm, cf, purge() ? 0 : stored, idle);
    }

    /**
     * Says so when fewer messages wait than the run expects: like natscli, the clients then wait for more to be
     * published, which looks like a hang unless the user knows; unlike natscli, they give up after the idle timeout.
     */
    private void warnIfShort(JetStreamManagement jsm, ConsumerFlags cf, long stored, IdleTimeout idle) {
        long waiting = stored;
        if (cf != null) {
            try {
                var info = jsm.getConsumerInfo(js.stream, cf.consumer);
                waiting = info.getNumPending() + info.getNumAckPending();
            } catch (Exception e) {
                throw JetStreamErrors.failure("getting durable consumer '" + cf.consumer + "'", e);
            }
        }
        long wanted = common.msgs;
        if (waiting < wanted) {
            log("WARNING: " + (cf == null ? "the stream holds " : "the consumer has ") + Human.count(waiting)
                    + " messages for a run of " + Human.count(wanted) + "; the clients wait for the rest to be "
                    + "published, and fail when none has arrived for " + GoDuration.format(idle.limit()) + " ("
                    + IdleFlag.NAME + ")");
        }
    }

    /** {@code bench js ordered}: every client replays the stream with its own ordered consumer. */
    @Command(name = "ordered",
            description = "Consume JetStream messages from a consumer using an ephemeral ordered consumer")
    static final class Ordered extends JsConsumeCommand {

        @Option(names = "--batch", paramLabel = "N", defaultValue = "500",
                description = "Sets the max number of messages that can be buffered in the client "
                        + "(default: ${DEFAULT-VALUE})")
        int batchSize;

        @Option(names = "--purge", description = "Purge the stream before running")
        boolean purgeFirst;

        @Option(names = "--filter", paramLabel = "SUBJECTS", split = ",", description = "Filter Stream by subjects")
        List<String> filterSubjects = new ArrayList<>();

        @Override
        JsConsumer.Mode mode() {
            return JsConsumer.Mode.ORDERED;
        }

        @Override
        String label() {
            return "JetStream ordered ephemeral consumer";
        }

        @Override
        ConsumerFlags consumerFlags() {
            return null;
        }

        @Override
        boolean purge() {
            return purgeFirst;
        }

        @Override
        int batch() {
            return positive(batchSize, "--batch");
        }

        @Override
        List<String> filters() {
            return filterSubjects;
        }
    }

    /** The durable-consumer benchmarks: their flags. */
    abstract static class Durable extends JsConsumeCommand {

        @Mixin
        ConsumerFlags consumer;

        @Override
        ConsumerFlags consumerFlags() {
            return consumer;
        }

        @Override
        boolean purge() {
            return consumer.purge;
        }

        @Override
        int batch() {
            return consumer.batch();
        }

        @Override
        List<String> filters() {
            return consumer.filters;
        }
    }

    /** {@code bench js consume}: the durable consumer through jnats' consume callback. */
    @Command(name = "consume", description = "Consume JetStream messages from a durable consumer using a callback")
    static final class Consume extends Durable {

        @Override
        JsConsumer.Mode mode() {
            return JsConsumer.Mode.CONSUME;
        }

        @Override
        String label() {
            return "JetStream durable consumer (callback)";
        }
    }

    /** {@code bench js fetch}: the durable consumer through fetches. */
    @Command(name = "fetch", description = "Consume JetStream messages from a durable consumer using fetch")
    static final class Fetch extends Durable {

        @Override
        JsConsumer.Mode mode() {
            return JsConsumer.Mode.FETCH;
        }

        @Override
        String label() {
            return "JetStream durable consumer (fetch)";
        }
    }
}
