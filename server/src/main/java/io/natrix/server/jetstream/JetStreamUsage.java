package io.natrix.server.jetstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.store.StoreState;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What JetStream on this server holds and has done, read for monitoring: totals over every account
 * ({@link Usage}, /varz and /jsz), each account with its streams and their consumers ({@link AccountUsage},
 * /jsz's {@code account_details}, the per-stream and per-consumer /metrics families, the system account's JSZ
 * answers), and whether an account, stream or consumer exists (/healthz).
 *
 * <p>Read-only: nothing here changes a stream or a consumer. Figures are gathered one stream at a time, each under
 * that stream's or consumer's own lock, so totals taken while traffic flows are not one consistent cut (nor are
 * nats-server's).
 *
 * <p>Stateless; safe on any thread.
 */
public final class JetStreamUsage {
    private static final ObjectMapper TREE = new ObjectMapper();

    private JetStreamUsage() {
    }

    /**
     * JetStream as a whole: bytes of both storage kinds, what streams reserve of each (their {@code max_bytes}, as
     * nats-server reserves), accounts, streams, consumers, stored messages and bytes, API requests and errors.
     */
    public record Usage(long memory, long storage, long reservedMemory, long reservedStorage, int accounts,
                        int streams, int consumers, long messages, long bytes, long apiTotal, long apiErrors) {
        /** What a server without JetStream reports. */
        public static final Usage NONE = new Usage(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /**
     * One account: its usage, what its limits reserve ({@code -1}: unlimited, which nats-server writes as the
     * unsigned 2^64-1), its API use, and its streams when asked for (in name order).
     */
    public record AccountUsage(String account, long memory, long storage, long reservedMemory,
                               long reservedStorage, long apiTotal, long apiErrors, int streamCount,
                               int consumerCount, List<StreamUsage> streams) {
    }

    /**
     * One stream: nats-server's {@code StreamDetail} fields. {@code consumers} holds each consumer's info (with its
     * configuration) when asked for, in name order; otherwise it is empty and only {@code state.consumer_count}
     * says how many there are.
     */
    public record StreamUsage(String name, Instant created, StreamConfig config, StreamInfo.StreamState state,
                              StreamInfo.SourceInfo mirror, List<StreamInfo.SourceInfo> sources,
                              List<ConsumerInfo> consumers) {
    }

    /** Totals over every JetStream account. */
    public static Usage usage(JetStream js) {
        long memory = 0;
        long storage = 0;
        long reservedMemory = 0;
        long reservedStorage = 0;
        int streams = 0;
        int consumers = 0;
        long messages = 0;
        long bytes = 0;
        long total = 0;
        long errors = 0;
        int accounts = 0;
        for (JsAccount jsa : js.jsAccounts()) {
            accounts++;
            AccountInfo info = jsa.info();
            memory += info.memory();
            storage += info.storage();
            total += info.api().total();
            errors += info.api().errors();
            for (Stream s : jsa.streams()) {
                StoreState state = s.store().state();
                streams++;
                consumers += s.publicConsumers().size();
                messages += state.msgs();
                bytes += state.bytes();
                long reserved = Math.max(0, s.config().maxBytes());
                if (s.config().storage() == StorageType.MEMORY) {
                    reservedMemory += reserved;
                } else {
                    reservedStorage += reserved;
                }
            }
        }
        return new Usage(memory, storage, reservedMemory, reservedStorage, accounts, streams, consumers, messages,
                bytes, total, errors);
    }

    /**
     * Every JetStream account in name order; with {@code streams} their streams, with {@code consumers} also each
     * stream's consumers' infos.
     */
    public static List<AccountUsage> accounts(JetStream js, boolean streams, boolean consumers) {
        List<JsAccount> all = new ArrayList<>(js.jsAccounts());
        all.sort(Comparator.comparing(a -> a.account().name()));
        List<AccountUsage> out = new ArrayList<>(all.size());
        for (JsAccount jsa : all) {
            out.add(account(jsa, streams, consumers));
        }
        return out;
    }

    private static AccountUsage account(JsAccount jsa, boolean withStreams, boolean withConsumers) {
        AccountInfo info = jsa.info();
        List<StreamUsage> streams = new ArrayList<>();
        if (withStreams) {
            for (Stream s : jsa.streams()) {
                streams.add(stream(s, withConsumers));
            }
        }
        JsAccountLimits limits = jsa.limits();
        return new AccountUsage(jsa.account().name(), info.memory(), info.storage(), limits.maxMemory(),
                limits.maxStorage(), info.api().total(), info.api().errors(), (int) info.streams(),
                (int) info.consumers(), streams);
    }

    private static StreamUsage stream(Stream s, boolean withConsumers) {
        StreamInfo info = s.info(null);
        List<ConsumerInfo> consumers = new ArrayList<>();
        if (withConsumers) {
            for (Consumer c : s.publicConsumers()) {
                consumers.add(c.info());
            }
            consumers.sort(Comparator.comparing(ConsumerInfo::name));
        }
        return new StreamUsage(s.name(), info.created(), info.config(), info.state(), info.mirror(),
                info.sources(), consumers);
    }

    /** What /healthz asks: whether the account has JetStream, the stream exists, the consumer exists. */
    public enum Found { NO_ACCOUNT, NO_STREAM, NO_CONSUMER, FOUND }

    /**
     * Looks up {@code account} (by name), then {@code stream} in it and {@code consumer} in that, each only when not
     * empty; says how far it got.
     */
    public static Found find(JetStream js, String account, String stream, String consumer) {
        JsAccount jsa = null;
        for (JsAccount a : js.jsAccounts()) {
            if (a.account().name().equals(account)) {
                jsa = a;
            }
        }
        if (jsa == null) {
            return Found.NO_ACCOUNT;
        }
        if (stream.isEmpty()) {
            return Found.FOUND;
        }
        Stream s = jsa.stream(stream);
        if (s == null) {
            return Found.NO_STREAM;
        }
        if (consumer.isEmpty()) {
            return Found.FOUND;
        }
        for (Consumer c : s.consumers()) {
            if (c.name().equals(consumer)) {
                return Found.FOUND;
            }
        }
        return Found.NO_CONSUMER;
    }

    /**
     * A JetStream value as the JSON tree (maps, lists, strings, numbers) of nats-server's encoding ({@link JsJson}:
     * Go times, nanosecond durations, Go's omissions), for writers that do not know the API types.
     */
    public static Object tree(Object value) {
        try {
            return TREE.readValue(JsJson.write(value), Object.class);
        } catch (IOException e) {
            throw new IllegalStateException("cannot re-read our own JSON", e);
        }
    }
}
