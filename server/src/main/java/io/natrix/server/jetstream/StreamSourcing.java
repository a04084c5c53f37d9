package io.natrix.server.jetstream;

import io.natrix.server.store.MessageStore;
import io.natrix.server.store.StoreState;
import io.natrix.server.store.StoredMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies messages into one stream from its {@code mirror} or its {@code sources}: nats-server's mirror and source
 * consumers, reduced to what one server needs. There are no consumers in between: each {@link SourceCursor} reads
 * its origin's store directly ({@code loadNext} from the position on), and the origin tells it of new messages
 * through a {@link Stream.AppendListener}.
 *
 * <p><b>Mirror.</b> Every message keeps its origin sequence and time ({@link Stream#storeCopied} skips the
 * sequences in between); the position is the mirror's own last sequence, so nothing needs storing to resume after a
 * restart. The first time (an unused store), {@code opt_start_seq} or {@code opt_start_time} picks where to begin.
 *
 * <p><b>Sources.</b> Messages get new sequences and the {@link SourceHeader} naming origin and origin sequence. On
 * start, the stream's messages are read from the last backwards until each source's latest header is found (as
 * nats-server does), so a source resumes right after the last message it copied. A source with none copied yet
 * starts at {@code opt_start_seq}, else at {@code opt_start_time} (not before the stream's last message), else —
 * when the stream was purged — at the time of its last message, else at the origin's start.
 *
 * <p><b>Origins.</b> An origin is found by name in the account when sourcing runs; one that does not exist yet (or
 * any more) leaves the cursor where it was, with {@code stream not found} as its error, and is picked up when it
 * appears ({@link #wake} on every stream creation) or at the latest on the next one-second tick. An
 * {@code external} origin whose API prefix is this account's own JetStream API ({@code $JS.API} or
 * {@code $JS.<domain>.API}) is read the same way; any other one is read as nats-server reads it, through a
 * consumer asked for under that prefix and delivering through the account's imports ({@link ExternalSource}, run
 * from the same runs and ticks).
 *
 * <p><b>Threads.</b> The copying runs on the sourcing executor, never on the publisher's thread: an append only
 * schedules a run ({@link #wake}, which allocates nothing when a run is already due). One run copies at most
 * {@link #BATCH_MSGS_MAX} messages or {@link #BATCH_BYTES_MAX} bytes per cursor and schedules the next one when
 * more is waiting, so one busy stream does not starve the others. Runs of one stream never overlap
 * ({@link #runLock}); messages of one origin are copied in their order.
 *
 * <p>Lock order: {@link #runLock}, then the account's stream map (briefly, to find origins), then the target
 * stream's lock, then the stores'. Whoever calls {@link #close} must hold none of those, since it waits for a
 * running copy to end.
 */
final class StreamSourcing {
    private static final Logger LOG = LoggerFactory.getLogger(StreamSourcing.class);

    /** Most messages one run copies from one origin before letting others run. */
    static final int BATCH_MSGS_MAX = 512;
    /** Most payload and header bytes one run copies from one origin before letting others run. */
    static final long BATCH_BYTES_MAX = 4L << 20;
    /** How often every sourcing stream looks at its origins even when nothing was appended (lag, errors, retries). */
    static final long TICK_MILLIS = 1000;

    private final Stream target;
    private final Function<String, Stream> origins;
    private final ScheduledExecutorService executor;
    private final List<String> localApiPrefixes;
    private final SourceCursor mirror;
    private final List<SourceCursor> sources;
    /** Positions already known (from the stream this one replaces), by index name; read once on the first run. */
    private final Map<String, Long> known;
    private final AtomicBoolean due = new AtomicBoolean();
    private final ReentrantLock runLock = new ReentrantLock();
    private final Runnable run = JetStream.guarded(this::run);
    private volatile boolean closed;
    private boolean started;
    private ScheduledFuture<?> tick;
    /** The last copy failure logged per cursor, so a failure that repeats every tick is logged once. */
    private final Map<SourceCursor, String> logged = new HashMap<>();

    private StreamSourcing(Stream target, Function<String, Stream> origins, ScheduledExecutorService executor,
            String domain, Map<String, Long> known) {
        this.target = target;
        this.origins = origins;
        this.executor = executor;
        this.localApiPrefixes = domain == null || domain.isEmpty() ? List.of("$JS.API")
                : List.of("$JS.API", "$JS." + domain + ".API");
        this.known = known;
        StreamConfig c = target.config();
        this.mirror = c.mirror() == null ? null : new SourceCursor(c.mirror(), true, this::wake);
        List<SourceCursor> s = new ArrayList<>();
        for (StreamSource source : c.sources()) {
            s.add(new SourceCursor(source, false, this::wake));
        }
        this.sources = List.copyOf(s);
        for (SourceCursor cursor : cursors()) {
            StreamSource.External external = cursor.config().external();
            if (external != null && !isLocal(external)) {
                cursor.remote = new ExternalSource(target.account(), target.name(), cursor, this::wake, this::store);
            }
        }
    }

    /**
     * Starts copying into {@code target} when its configuration has a mirror or sources, replacing (and closing)
     * what copied into it before; keeps the positions of the sources it had before that it still has. The first run
     * is scheduled at once. Call without holding the account's or the stream's locks.
     */
    static void start(Stream target, Function<String, Stream> origins, ScheduledExecutorService executor,
            String domain) {
        StreamSourcing old = target.sourcing();
        Map<String, Long> known = Map.of();
        if (old != null) {
            old.close();
            known = old.positions();
        }
        StreamConfig c = target.config();
        if (c.mirror() == null && c.sources().isEmpty()) {
            target.sourcing(null);
            return;
        }
        StreamSourcing s = new StreamSourcing(target, origins, executor, domain, known);
        target.sourcing(s);
        try {
            s.tick = executor.scheduleWithFixedDelay(s::wake, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return; // shutting down
        }
        s.wake();
    }

    /** Stops what copies into {@code target}, if anything; waits for a running copy to end. */
    static void stop(Stream target) {
        StreamSourcing s = target.sourcing();
        if (s != null) {
            s.close();
            target.sourcing(null);
        }
    }

    /** Schedules a run unless one is already due. Any thread; cheap enough for every append of an origin. */
    void wake() {
        if (closed || !due.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(run);
        } catch (RejectedExecutionException e) {
            due.set(false); // shutting down
        }
    }

    /** Stops copying: no run starts after this returns, and a running one has ended. */
    void close() {
        closed = true;
        runLock.lock();
        try {
            if (tick != null) {
                tick.cancel(false);
            }
            for (SourceCursor c : cursors()) {
                detach(c);
                if (c.remote != null) {
                    c.remote.close();
                }
            }
        } finally {
            runLock.unlock();
        }
    }

    /** The positions of the sources (not the mirror), by index name; only after {@link #close}. */
    private Map<String, Long> positions() {
        Map<String, Long> p = new HashMap<>();
        if (started) {
            for (SourceCursor c : sources) {
                if (c.startTimeNanos == 0) {
                    p.put(c.indexName(), c.lastSeq);
                }
            }
        }
        return p;
    }

    StreamInfo.SourceInfo mirrorInfo() {
        return mirror == null ? null : mirror.info(Stream.nowNanos());
    }

    List<StreamInfo.SourceInfo> sourcesInfo() {
        long now = Stream.nowNanos();
        List<StreamInfo.SourceInfo> out = new ArrayList<>(sources.size());
        for (SourceCursor c : sources) {
            out.add(c.info(now));
        }
        return out;
    }

    private List<SourceCursor> cursors() {
        return mirror != null ? List.of(mirror) : sources;
    }

    // ---------------------------------------------------------------- the run (sourcing executor)

    private void run() {
        due.set(false);
        boolean more = false;
        runLock.lock();
        try {
            if (closed) {
                return;
            }
            if (!started) {
                startPositions();
                started = true;
            }
            for (SourceCursor c : cursors()) {
                try {
                    more |= copy(c);
                } catch (IOException | RuntimeException e) {
                    // An origin deleted while being read, a store gone read-only: tried again on the next tick.
                    logOnce(c, e.toString(), "can not copy from '" + c.config().name() + "'");
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("Stream '{}' can not find where its sources stopped; tried again on the next tick",
                    target.name(), e);
        } finally {
            runLock.unlock();
        }
        if (more) {
            wake();
        }
    }

    /** Where each cursor starts: the mirror from its own last sequence, sources from their latest headers. */
    private void startPositions() throws IOException {
        StoreState state = target.store().state();
        if (mirror != null) {
            StreamSource m = mirror.config();
            if (state.lastSeq() == 0) {
                if (m.optStartSeq() > 0) {
                    mirror.lastSeq = m.optStartSeq() - 1;
                } else if (m.optStartTime() != null) {
                    mirror.startTimeNanos = Math.max(1, epochNanos(m.optStartTime()));
                }
            } else {
                mirror.lastSeq = state.lastSeq();
            }
            return;
        }
        Map<String, SourceCursor> unknown = new HashMap<>();
        for (SourceCursor c : sources) {
            Long seq = known.get(c.indexName());
            if (seq != null) {
                c.lastSeq = seq;
            } else {
                unknown.put(c.indexName(), c);
            }
        }
        if (!unknown.isEmpty() && state.msgs() > 0) {
            scanHeaders(unknown);
        }
        for (SourceCursor c : unknown.values()) {
            StreamSource s = c.config();
            if (s.optStartSeq() > 0) {
                c.lastSeq = s.optStartSeq() - 1;
            } else if (s.optStartTime() != null) {
                long t = epochNanos(s.optStartTime());
                c.startTimeNanos = Math.max(1, state.lastTimeNanos() != 0 && t < state.lastTimeNanos()
                        ? state.lastTimeNanos() : t);
            } else if (state.firstSeq() > 1 && state.lastTimeNanos() != 0) {
                // Purged since it last copied: at least do not take again what is older than what is left.
                c.startTimeNanos = state.lastTimeNanos();
            }
        }
    }

    /**
     * Reads the stream backwards from its last message until every source in {@code unknown} has its latest
     * {@link SourceHeader} found; found sources leave the map.
     */
    private void scanHeaders(Map<String, SourceCursor> unknown) throws IOException {
        MessageStore store = target.store();
        long seq = store.state().lastSeq();
        while (!unknown.isEmpty() && seq > 0) {
            StoredMessage m = store.loadPrevious(">", seq);
            if (m == null) {
                return;
            }
            seq = m.sequence() - 1;
            if (m.headers() == null || m.headers().length == 0) {
                continue;
            }
            SourceHeader.Parsed p = SourceHeader.parse(NatsHeaders.parse(m.headers()).get(SourceHeader.NAME));
            if (p == null) {
                continue;
            }
            if (p.indexName() != null) {
                SourceCursor c = unknown.remove(p.indexName());
                if (c != null) {
                    c.lastSeq = p.sequence();
                }
            } else {
                // An older header names only the origin: it stands for every source of that origin.
                unknown.values().removeIf(c -> {
                    if (SourceHeader.originField(c.config()).equals(p.origin())) {
                        c.lastSeq = p.sequence();
                        return true;
                    }
                    return false;
                });
            }
        }
    }

    /** Copies one batch for {@code c}; whether more is waiting. */
    private boolean copy(SourceCursor c) throws IOException {
        if (c.remote != null) {
            return c.remote.copy(Stream.nowNanos());
        }
        Stream origin = resolve(c);
        if (origin == null) {
            return false;
        }
        MessageStore from = origin.store();
        if (c.startTimeNanos != 0) {
            c.lastSeq = from.sequenceAt(c.startTimeNanos) - 1;
            c.startTimeNanos = 0;
        }
        c.resetReadAhead();
        int copied = 0;
        long bytes = 0;
        boolean more = false;
        while (true) {
            StoredMessage m = c.next(from);
            if (m == null) {
                break;
            }
            if (copied >= BATCH_MSGS_MAX || bytes >= BATCH_BYTES_MAX) {
                more = true;
                break;
            }
            if (!store(c, m)) {
                break;
            }
            c.lastSeq = m.sequence();
            copied++;
            bytes += m.payload().length + (m.headers() == null ? 0 : m.headers().length);
        }
        c.contact(Stream.nowNanos());
        if (!more) {
            c.lag(c.pending(from)); // cheap when caught up: the store counts what is past the position
        }
        return more;
    }

    /** Stores one copied message; false when the stream refused it (tried again on a later run). */
    private boolean store(SourceCursor c, StoredMessage m) {
        byte[] headers = SourceHeader.withoutCopyExcluded(m.headers());
        try {
            if (c.isMirror()) {
                target.storeCopied(c.subjectFor(m.subject()), headers, m.payload(), m.timestampNanos(),
                        m.sequence());
            } else {
                headers = SourceHeader.remove(headers, SourceHeader.NAME, false);
                headers = SourceHeader.add(headers, SourceHeader.NAME,
                        SourceHeader.value(c.indexName(), m.sequence()));
                target.storeCopied(c.subjectFor(m.subject()), headers, m.payload(), Stream.nowNanos(), 0);
            }
            logged.remove(c);
            return true;
        } catch (JsApiException | IOException e) {
            String why = e instanceof JsApiException j ? j.error().description() : String.valueOf(e.getMessage());
            logOnce(c, why, "can not store message " + m.sequence() + " of '" + c.config().name() + "'");
            return false;
        }
    }

    /**
     * Logs a copy failure unless {@code why} is what was last logged for {@code c}: a refused message is tried
     * again every tick and would otherwise fill the log.
     */
    private void logOnce(SourceCursor c, String why, String what) {
        if (!why.equals(logged.put(c, why))) {
            LOG.warn("Stream '{}' {}: {}", target.name(), what, why);
        }
    }

    /**
     * The origin {@code c} reads now, attached (listened to); null, with the error set, when there is none. A
     * stream recreated under the same name is a new origin: the cursor keeps its position, as nats-server does.
     */
    private Stream resolve(SourceCursor c) {
        StreamSource s = c.config();
        Stream origin = origins.apply(s.name());
        if (origin == null) {
            c.fail(JsErrors.streamNotFound());
        } else if (origin == target) {
            // Allowed by the configuration checks when the filter misses the stream's subjects, but what it
            // copies could come back to it through its other sources without end: refused here.
            origin = null;
            c.fail(JsErrors.get("JSSourceConsumerSetupFailedErrF", Map.of("err", "stream can not source itself")));
        }
        if (origin != c.origin) {
            detach(c);
            if (origin != null) {
                origin.addAppendListener(c.listener);
                c.origin = origin;
            }
        }
        return origin;
    }

    /** Nanoseconds since the epoch of {@code t}, held within what a long holds (times before 1970 give 0). */
    private static long epochNanos(java.time.OffsetDateTime t) {
        java.time.Instant i = t.toInstant();
        if (i.getEpochSecond() < 0) {
            return 0;
        }
        if (i.getEpochSecond() >= Long.MAX_VALUE / 1_000_000_000L) {
            return Long.MAX_VALUE;
        }
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private boolean isLocal(StreamSource.External external) {
        String api = external.api();
        while (api.endsWith(".")) {
            api = api.substring(0, api.length() - 1);
        }
        return localApiPrefixes.contains(api);
    }

    private static void detach(SourceCursor c) {
        Stream o = c.origin;
        if (o != null) {
            o.removeAppendListener(c.listener);
            c.origin = null;
        }
    }

    @Override
    public String toString() {
        return "sourcing of " + Objects.toString(target.name());
    }
}
