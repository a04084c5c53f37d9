package io.natrix.server.jetstream;

import io.natrix.server.account.Account;
import io.natrix.server.client.InternalSubscription;
import io.natrix.server.client.Message;
import io.natrix.server.client.Router;
import io.natrix.server.config.ConfigUnits;
import io.natrix.server.store.MessageStore;
import io.natrix.server.store.StoreState;
import io.natrix.server.store.StoredMessage;
import io.natrix.server.subject.Subjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of a stream: where it is in the stream, what it delivered and what is acknowledged, and the delivery
 * engine that sends messages to pull requests ({@code CONSUMER.MSG.NEXT}) or to a deliver subject (push). Behaves as
 * nats-server's consumer on a single server.
 *
 * <h2>Threads</h2>
 * Everything that changes the consumer's state holds {@link #lock}: acknowledgements (on the acknowledging client's
 * thread), pull requests (on the requester's thread), flow-control replies, and the delivery loop. Nothing is
 * published while the lock is held: messages, status messages and ack confirmations are queued ({@link #outq}) and
 * published by the delivery loop ({@link #drain}), which runs on the JetStream consumer executor and never on two
 * threads at once ({@link #wip}), so everything a consumer sends leaves in the order it was queued. The loop is
 * started by {@link #signal()} (a message stored, a request, an ack, the consumer's timer) and delivers at most
 * {@link #DRAIN_BATCH} messages before yielding the thread to other consumers.
 *
 * <p>Lock order: the stream's lock, then a consumer's lock, then the store's. A consumer never calls into its
 * stream while holding its lock (acks that remove messages from interest and work-queue streams are applied after
 * the lock is released).
 *
 * <h2>Timing</h2>
 * One timer per consumer, armed for the earliest of: an ack wait running out, a pull request expiring or owing a
 * heartbeat, a push heartbeat, inactivity, the end of a pause, a replay or rate-limit delay, a state write. All
 * times are wall-clock nanoseconds since the epoch (as stored and as sent in ack subjects).
 *
 * <h2>Durability</h2>
 * A durable consumer of a file stream keeps its state in a {@link ConsumerStore}. The state is written at most
 * every {@link #STATE_WRITE_INTERVAL_NANOS} while it changes, and before an acknowledgement that asked for a
 * confirmation (a "double ack") is confirmed: a confirmed ack is never redelivered after a restart.
 */
final class Consumer {
    private static final Logger LOG = LoggerFactory.getLogger(Consumer.class);

    /** nats-server's JsFlowControlMaxPending: the most bytes in flight for a flow-controlled push consumer. */
    static final long FLOW_CONTROL_MAX_PENDING = 32L * 1024 * 1024;
    /** nats-server's JsDeleteWaitTimeDefault: how long an unused ephemeral consumer lives. */
    static final long EPHEMERAL_INACTIVE_DEFAULT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** nats-server's JsDefaultPinnedTTL. */
    static final long PINNED_TTL_DEFAULT_NANOS = TimeUnit.MINUTES.toNanos(2);
    private static final int DRAIN_BATCH = 256;
    private static final long STATE_WRITE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long INTEREST_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long INTEREST_FIRST_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** How often an active push consumer that may be deleted when idle checks that its subscriber is still there. */
    private static final long ACTIVE_INTEREST_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long NONE = Long.MAX_VALUE;
    /** Reads {@code -NAK {"delay": ...}} bodies; configured once, thread-safe. */
    private static final com.fasterxml.jackson.databind.ObjectMapper NAK_JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /** Something to publish once the lock is released. {@code sseq > 0}: a delivery of that stream message. */
    private record Outbound(String to, String subject, String reply, byte[] headers, byte[] payload, long sseq,
                            PullRequest request) {
    }

    /** A message about to be delivered and how often it has been delivered, counting this time. */
    private record Next(StoredMessage message, long deliveries, boolean redelivery) {
    }

    private final JetStream js;
    private final Stream stream;
    private final Account account;
    private final String name;
    private final Instant created;
    private final ConsumerStore store;
    private final Runnable onInactive;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger wip = new AtomicInteger();
    /** Messages stored in the stream on our filters since the loop last counted them. */
    private final AtomicLong stored = new AtomicLong();
    private final List<InternalSubscription> subscriptions = new ArrayList<>();
    private volatile ConsumerConfig config;
    /** The filters (empty: every subject). */
    private volatile List<String> filters;

    // ---- guarded by lock
    private final ConsumerState state;
    /** The next stream sequence to look at. */
    private long sseq;
    private final ArrayDeque<Long> redeliverQueue = new ArrayDeque<>();
    private final HashSet<Long> redeliverSet = new HashSet<>();
    /** deliver last_per_subject: the sequences still to deliver first, and where to go on after them. */
    private ArrayDeque<Long> skipList;
    private long resumeSeq;
    private final ArrayDeque<PullRequest> waiting = new ArrayDeque<>();
    private final ArrayDeque<Outbound> outq = new ArrayDeque<>();
    private final List<String> ackReplies = new ArrayList<>();
    private final List<Long> streamAcks = new ArrayList<>();
    private long numPending;
    private boolean numPendingValid;
    private boolean active;
    private long inactiveSince;
    private long nextInterestCheck;
    /**
     * The wait before the next interest check of an inactive push consumer: 1 ms doubling to
     * {@link #INTEREST_RECHECK_NANOS}, so a subscriber arriving just after the consumer (a key-value watch or key
     * listing, in some clients) is served within a millisecond or two, and a long-idle one costs 20 checks a second.
     */
    private long interestBackoff = INTEREST_FIRST_RECHECK_NANOS;
    private long pendingBytes;
    private long maxPendingBytes;
    private String flowControlId;
    private long flowControlBytes;
    private long lastDelivery;
    /** When an acknowledgement was last applied (0: never); info's {@code ack_floor.last_active}. */
    private long lastAck;
    private long lastActivity;
    private long pendingCheckAt = NONE;
    private long waitingCheckAt = NONE;
    private boolean replay;
    private long replayUntilSeq;
    private long lastReplayTimestamp;
    private long replayResumeAt;
    private long rateNextAt;
    private String pinId;
    private long pinnedAt;
    private boolean dirty;
    /** A state write is scheduled for acks that did not wake the loop. */
    private boolean flushArmed;
    private long lastStateWrite;
    private boolean closed;
    private ScheduledFuture<?> timer;
    private long timerAt = NONE;

    Consumer(JetStream js, Stream stream, String name, ConsumerConfig config, Instant created, ConsumerStore store,
             ConsumerState recovered, Runnable onInactive) throws IOException {
        this.js = js;
        this.stream = stream;
        this.account = stream.account();
        this.name = name;
        this.config = config;
        this.filters = config.filters();
        this.created = created;
        this.store = store;
        this.onInactive = onInactive;
        long now = Stream.nowNanos();
        this.lastActivity = now;
        this.lastDelivery = now;
        this.inactiveSince = now;
        if (config.flowControl()) {
            maxPendingBytes = Math.max(1, FLOW_CONTROL_MAX_PENDING / 16);
        }
        if (recovered != null) {
            state = recovered;
            sseq = recovered.deliveredStreamSeq + 1;
            for (Map.Entry<Long, ConsumerState.Pending> e : state.pending.entrySet()) {
                pendingCheckAt = Math.min(pendingCheckAt, e.getValue().timestampNanos + ackWait(deliveries(e.getKey())));
            }
        } else {
            state = new ConsumerState();
            selectStart();
        }
        if (config.replayPolicy() == ReplayPolicy.ORIGINAL) {
            replay = true;
            replayUntilSeq = stream.store().state().lastSeq();
        }
        subscribe();
    }

    String name() {
        return name;
    }

    ConsumerConfig config() {
        return config;
    }

    Instant created() {
        return created;
    }

    Stream stream() {
        return stream;
    }

    /** Whether this consumer keeps its state on disk. */
    boolean durableOnDisk() {
        return store != null;
    }

    /** Sets the starting point of a new consumer from its deliver policy (nats-server's selectStartingSeqNo). */
    private void selectStart() throws IOException {
        MessageStore ms = stream.store();
        StoreState s = ms.state();
        ConsumerConfig c = config;
        switch (c.deliverPolicy()) {
            case ALL -> sseq = Math.max(1, s.firstSeq());
            case LAST -> {
                long last = 0;
                if (filters.isEmpty()) {
                    last = s.lastSeq();
                } else {
                    for (String f : filters) {
                        StoredMessage m = ms.loadLast(f);
                        if (m != null) {
                            last = Math.max(last, m.sequence());
                        }
                    }
                }
                sseq = last > 0 ? last : s.lastSeq() + 1;
            }
            case NEW -> sseq = s.lastSeq() + 1;
            case BY_START_SEQUENCE -> sseq = Math.max(1, c.optStartSeq());
            case BY_START_TIME -> {
                Instant t = c.optStartTime();
                sseq = ms.sequenceAt(t.getEpochSecond() * 1_000_000_000L + t.getNano());
            }
            case LAST_PER_SUBJECT -> {
                java.util.TreeSet<Long> seqs = new java.util.TreeSet<>();
                for (String f : filters.isEmpty() ? List.of(">") : filters) {
                    seqs.addAll(ms.lastSequences(f));
                }
                resumeSeq = s.lastSeq() + 1;
                if (seqs.isEmpty()) {
                    sseq = resumeSeq;
                } else {
                    skipList = new ArrayDeque<>(seqs);
                    sseq = seqs.first();
                }
            }
        }
        if (sseq < 1) {
            sseq = 1;
        }
        state.deliveredStreamSeq = sseq - 1;
        state.ackFloorStreamSeq = sseq - 1;
    }

    // ---------------------------------------------------------------- subscriptions

    private void subscribe() {
        String ackPrefix = "$JS.ACK." + stream.name() + "." + name + ".";
        InternalSubscription acks = new InternalSubscription(ackPrefix + ">", null) {
            @Override
            protected boolean onMessage(Message m) {
                processAck(m.subject(), m.reply(), m.payload());
                return true;
            }
        };
        InternalSubscription flow = new InternalSubscription("$JS.FC." + stream.name() + "." + name + ".*", null) {
            @Override
            protected boolean onMessage(Message m) {
                processFlowControl(m.subject());
                return true;
            }
        };
        subscriptions.add(acks);
        subscriptions.add(flow);
        for (InternalSubscription s : subscriptions) {
            account.index().insert(s);
        }
    }

    // ---------------------------------------------------------------- signals from the stream

    /** Whether a message on {@code subject} is for this consumer. */
    boolean matches(String subject) {
        List<String> f = filters;
        if (f.isEmpty()) {
            return true;
        }
        for (String filter : f) {
            if (Subjects.matches(filter, subject)) {
                return true;
            }
        }
        return false;
    }

    /** A message was stored in the stream (publisher's thread, under the stream's lock). */
    void onStored(String subject) {
        if (matches(subject)) {
            stored.incrementAndGet();
            signal();
        }
    }

    /**
     * Messages below {@code firstSeq} are gone (purge, compaction) or anything may have been removed (message
     * delete, expiry): forget what was pending for them and recount what is pending.
     */
    void streamChanged(long firstSeq) {
        lock.lock();
        try {
            numPendingValid = false;
            boolean any = false;
            for (Iterator<Map.Entry<Long, ConsumerState.Pending>> it = state.pending.headMap(firstSeq).entrySet()
                    .iterator(); it.hasNext(); ) {
                long seq = it.next().getKey();
                it.remove();
                state.redelivered.remove(seq);
                removeFromRedeliverQueue(seq);
                any = true;
            }
            if (sseq < firstSeq) {
                sseq = firstSeq;
                if (skipList != null) {
                    skipList.removeIf(s -> s < firstSeq);
                }
            }
            if (state.ackFloorStreamSeq < firstSeq - 1 && (state.pending.isEmpty()
                    || state.pending.firstKey() >= firstSeq)) {
                state.ackFloorStreamSeq = Math.min(firstSeq, sseq) - 1;
                if (state.pending.isEmpty()) {
                    state.ackFloorConsumerSeq = state.deliveredConsumerSeq;
                }
                any = true;
            }
            if (state.deliveredStreamSeq < sseq - 1) {
                state.deliveredStreamSeq = sseq - 1;
            }
            dirty |= any;
        } finally {
            lock.unlock();
        }
        signal();
    }

    /**
     * Whether this consumer still needs the message {@code seq} on {@code subject} (interest retention): it is for
     * this consumer and not yet acknowledged by it. Called by the stream under its lock.
     */
    boolean needsAck(long seq, String subject) {
        if (!matches(subject)) {
            return false;
        }
        lock.lock();
        try {
            if (seq <= state.ackFloorStreamSeq) {
                return false;
            }
            if (seq >= sseq || inSkipList(seq)) {
                return true;
            }
            if (config.ackPolicy() == AckPolicy.NONE) {
                return false;
            }
            return state.pending.containsKey(seq) || redeliverSet.contains(seq);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- pull requests

    /** {@code CONSUMER.MSG.NEXT}: queues a pull request (requester's thread). */
    void processNextRequest(String reply, byte[] body) {
        if (reply == null || reply.isEmpty()) {
            return;
        }
        ConsumerApi.NextRequest r;
        try {
            r = ConsumerApi.NextRequest.parse(body);
        } catch (ConsumerApi.BadRequest e) {
            sendStatus(reply, "400 " + e.description(), "");
            return;
        }
        lock.lock();
        try {
            queueNextRequest(reply, r);
        } finally {
            lock.unlock();
        }
        signal();
    }

    private void queueNextRequest(String reply, ConsumerApi.NextRequest r) {
        ConsumerConfig c = config;
        if (closed) {
            return;
        }
        if (!c.isPull()) {
            status(reply, "409 Consumer is push based", "");
            return;
        }
        long now = Stream.nowNanos();
        if (c.maxBatch() > 0 && r.batch() > c.maxBatch()) {
            status(reply, "409 Exceeded MaxRequestBatch of " + c.maxBatch(), "");
            return;
        }
        if (r.expiresNanos() > 0 && c.maxExpiresNanos() > 0 && r.expiresNanos() > c.maxExpiresNanos()) {
            status(reply, "409 Exceeded MaxRequestExpires of " + GoTime.duration(c.maxExpiresNanos()), "");
            return;
        }
        if (r.maxBytes() > 0 && c.maxBytes() > 0 && r.maxBytes() > c.maxBytes()) {
            status(reply, "409 Exceeded MaxRequestMaxBytes of " + c.maxBytes(), "");
            return;
        }
        boolean priority = c.priorityPolicy() != PriorityPolicy.NONE;
        boolean hasGroupFields = !r.group().isEmpty() || r.minPending() > 0 || r.minAckPending() > 0
                || !r.id().isEmpty();
        if (hasGroupFields) {
            if ((r.minPending() != 0 || r.minAckPending() != 0) && c.priorityPolicy() != PriorityPolicy.OVERFLOW) {
                status(reply, "400 Bad Request - Not a Overflow Priority consumer", "");
                return;
            }
            if (!r.id().isEmpty() && c.priorityPolicy() != PriorityPolicy.PINNED_CLIENT) {
                status(reply, "400 Bad Request - Not a Pinned Client Priority consumer", "");
                return;
            }
        }
        if (priority) {
            if (r.group().isEmpty()) {
                status(reply, "400 Bad Request - Priority Group missing", "");
                return;
            }
            if (!c.priorityGroups().contains(r.group())) {
                status(reply, "400 Bad Request - Invalid Priority Group", "");
                return;
            }
            if (pinId != null) {
                if (r.id().equals(pinId)) {
                    pinnedAt = now;
                } else if (!r.id().isEmpty()) {
                    status(reply, "423 Nats-Pin-Id mismatch", "");
                    return;
                }
            }
        }
        if (c.maxWaiting() > 0 && waiting.size() >= c.maxWaiting()) {
            expireWaiting(now, false);
            if (waiting.size() >= c.maxWaiting()) {
                if (r.idleHeartbeatNanos() == 0) {
                    status(reply, "409 Exceeded MaxWaiting", "");
                }
                return;
            }
        }
        if (r.noWait()) {
            long available = numPending() + redeliverQueue.size();
            if (available == 0 && r.expiresNanos() == 0) {
                status(reply, "404 No Messages", "");
                lastActivity = now;
                return;
            }
        }
        PullRequest request = new PullRequest(reply, r, now);
        waiting.add(request);
        lastActivity = now;
        waitingCheckAt = Math.min(waitingCheckAt, nextWaitingDeadline(request));
    }

    private static long nextWaitingDeadline(PullRequest r) {
        long d = NONE;
        if (r.expiresAt != 0) {
            d = r.expiresAt;
        }
        if (r.nextHeartbeatAt != 0) {
            d = Math.min(d, r.nextHeartbeatAt);
        }
        return d;
    }

    /**
     * Ends the pull requests that expired (408) and, at the end of the stream ({@code endOfStream}), the no-wait
     * ones (404); sends heartbeats owed; drops requests nobody listens to any more.
     */
    private void expireWaiting(long now, boolean endOfStream) {
        long next = NONE;
        for (Iterator<PullRequest> it = waiting.iterator(); it.hasNext(); ) {
            PullRequest r = it.next();
            if (r.expired(now)) {
                status(r.reply, "408 Request Timeout", r.pendingHeaders());
                it.remove();
                continue;
            }
            if (endOfStream && r.noWait && (r.expiresAt == 0 || r.delivered > 0)) {
                status(r.reply, "404 No Messages", "");
                it.remove();
                continue;
            }
            if (!hasInterest(r.reply)) {
                it.remove();
                continue;
            }
            if (r.heartbeatNanos > 0 && now - r.nextHeartbeatAt >= 0) {
                heartbeat(r.reply);
                r.nextHeartbeatAt = now + r.heartbeatNanos;
            }
            next = Math.min(next, nextWaitingDeadline(r));
        }
        waitingCheckAt = next;
    }

    /** The next pull request to take a message of {@code size} bytes, or null (nats-server's nextWaiting). */
    private PullRequest nextWaiting(long size, long now) {
        ConsumerConfig c = config;
        int cycled = 0;
        while (!waiting.isEmpty()) {
            PullRequest r = waiting.peekFirst();
            if (r.expired(now)) {
                status(r.reply, "408 Request Timeout", r.pendingHeaders());
                waiting.pollFirst();
                continue;
            }
            if (c.priorityPolicy() == PriorityPolicy.PINNED_CLIENT) {
                if (pinId == null) {
                    if (r.pinId.isEmpty()) {
                        pinId = newPinId();
                        pinnedAt = now;
                        advisory("PINNED", "io.nats.jetstream.advisory.v1.consumer_group_pinned",
                                Map.of("group", r.group, "pinned_id", pinId));
                    } else {
                        status(r.reply, "423 Nats-Wrong-Pin-Id", r.pendingHeaders());
                        waiting.pollFirst();
                        continue;
                    }
                } else if (!r.pinId.equals(pinId)) {
                    if (!r.pinId.isEmpty()) {
                        status(r.reply, "423 Nats-Wrong-Pin-Id", r.pendingHeaders());
                        waiting.pollFirst();
                        continue;
                    }
                    waiting.addLast(waiting.pollFirst());
                    if (++cycled >= waiting.size()) {
                        return null;
                    }
                    continue;
                }
            }
            if (c.priorityPolicy() == PriorityPolicy.OVERFLOW && (r.minPending > 0 || r.minAckPending > 0)
                    && !((r.minPending > 0 && r.minPending <= numPending() + 1)
                    || (r.minAckPending > 0 && r.minAckPending <= state.pending.size()))) {
                waiting.addLast(waiting.pollFirst());
                if (++cycled >= waiting.size()) {
                    return null;
                }
                continue;
            }
            if (r.bytesRemaining > 0) {
                if (size <= r.bytesRemaining) {
                    r.bytesRemaining -= size;
                    if (r.bytesRemaining == 0) {
                        r.remaining = 1;
                    }
                } else {
                    status(r.reply, "409 Message Size Exceeds MaxBytes", r.pendingHeaders());
                    waiting.pollFirst();
                    continue;
                }
            }
            if (!hasInterest(r.reply)) {
                waiting.pollFirst();
                continue;
            }
            r.delivered++;
            r.remaining--;
            waiting.pollFirst();
            if (r.remaining > 0) {
                waiting.addLast(r);
            }
            return r;
        }
        return null;
    }

    private static String newPinId() {
        byte[] b = new byte[11];
        ThreadLocalRandom.current().nextBytes(b);
        return java.util.HexFormat.of().formatHex(b).toUpperCase(java.util.Locale.ROOT).substring(0, 22);
    }

    private boolean hasInterest(String subject) {
        return !account.index().match(subject).isEmpty();
    }

    // ---------------------------------------------------------------- acknowledgements

    /** A message on {@code $JS.ACK.<stream>.<consumer>.>} (acknowledging client's thread). */
    void processAck(String subject, String reply, byte[] body) {
        // $JS.ACK.<stream>.<consumer>.<delivered count>.<stream seq>.<consumer seq>.<timestamp>.<pending>: the
        // three numbers sit between the 4th and the 7th dot. Read in place: one ack per message makes this hot.
        int[] dots = new int[8];
        int n = 0;
        for (int i = subject.indexOf('.'); i >= 0; i = subject.indexOf('.', i + 1)) {
            if (n == 8) {
                return; // nats-server ignores acks it can not read
            }
            dots[n++] = i;
        }
        if (n != 8) {
            return;
        }
        long dc = parseUnsigned(subject, dots[3] + 1, dots[4]);
        long sseqAcked = parseUnsigned(subject, dots[4] + 1, dots[5]);
        long dseqAcked = parseUnsigned(subject, dots[5] + 1, dots[6]);
        if (dc < 0 || sseqAcked < 0 || dseqAcked < 0) {
            return;
        }
        boolean confirm = reply != null && !reply.isEmpty();
        if (body.length == 0 || isPlainAck(body)) {
            ack(sseqAcked, dseqAcked, dc, confirm ? reply : null, true);
            return;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.equals("+OK")) {
            ack(sseqAcked, dseqAcked, dc, confirm ? reply : null, true);
        } else if (text.startsWith("+NXT")) {
            ack(sseqAcked, dseqAcked, dc, null, true);
            if (confirm) {
                processNextRequest(reply, text.substring(4).trim().getBytes(StandardCharsets.UTF_8));
            }
        } else if (text.startsWith("-NAK")) {
            nak(sseqAcked, dseqAcked, dc, text.substring(4).trim());
            confirm(reply);
        } else if (text.equals("+WPI")) {
            progress(sseqAcked);
            confirm(reply);
        } else if (text.startsWith("+TERM")) {
            term(sseqAcked, dseqAcked, dc, text.substring(5).trim(), confirm ? reply : null);
        } else {
            confirm(reply);
        }
    }

    private static boolean isPlainAck(byte[] body) {
        return body.length == 4 && body[0] == '+' && body[1] == 'A' && body[2] == 'C' && body[3] == 'K';
    }

    /** The decimal number in {@code s} from {@code from} to {@code to}, or -1 when that is not one. */
    private static long parseUnsigned(String s, int from, int to) {
        if (to <= from || to - from > 19) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private void confirm(String reply) {
        if (reply == null || reply.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            outq.add(new Outbound(reply, reply, null, null, new byte[0], 0, null));
        } finally {
            lock.unlock();
        }
        signal();
    }

    /** +ACK (and the ack part of +NXT and +TERM); {@code reply}: confirm once recorded. */
    private void ack(long seq, long dseq, long dc, String reply, boolean sample) {
        List<Long> acked = new ArrayList<>(1);
        boolean wake;
        lock.lock();
        try {
            ConsumerConfig cfg = config;
            boolean wasBlocked = cfg.maxAckPending() > 0 && state.pending.size() >= cfg.maxAckPending();
            if (closed || seq >= sseq && !inSkipList(seq)) {
                return; // not delivered yet: nats-server ignores it and does not confirm
            }
            ConsumerConfig c = config;
            switch (c.ackPolicy()) {
                case EXPLICIT -> {
                    ConsumerState.Pending p = state.pending.remove(seq);
                    if (p != null) {
                        if (sample) {
                            sampleAck(seq, p, dc);
                        }
                        moveAckFloor(p.consumerSeq, seq);
                        acked.add(seq);
                    }
                    state.redelivered.remove(seq);
                    removeFromRedeliverQueue(seq);
                }
                case ALL -> {
                    if (dseq > state.ackFloorConsumerSeq && seq > state.ackFloorStreamSeq) {
                        state.ackFloorConsumerSeq = dseq;
                        state.ackFloorStreamSeq = seq;
                        for (Iterator<Long> it = state.pending.headMap(seq, true).keySet().iterator(); it.hasNext(); ) {
                            long s = it.next();
                            acked.add(s);
                            it.remove();
                            state.redelivered.remove(s);
                            removeFromRedeliverQueue(s);
                        }
                    }
                }
                case NONE -> {
                    return;
                }
            }
            long now = Stream.nowNanos();
            lastActivity = now;
            lastAck = now;
            dirty = true;
            if (reply != null) {
                if (store != null) {
                    ackReplies.add(reply);
                } else {
                    outq.add(new Outbound(reply, reply, null, null, new byte[0], 0, null));
                }
            }
            // A plain ack wakes the loop only when it unblocks delivery or must be confirmed; otherwise the state
            // write waits for the write interval (one timer, not one loop turn per ack).
            wake = reply != null || wasBlocked;
            if (!wake && store != null && !flushArmed) {
                flushArmed = true;
                scheduleSignal(STATE_WRITE_INTERVAL_NANOS);
            }
        } finally {
            lock.unlock();
        }
        if (stream.config().retention() != RetentionPolicy.LIMITS) {
            for (long s : acked) {
                stream.ackMsg(this, s);
            }
        }
        if (wake) {
            signal();
        }
    }

    private void scheduleSignal(long delayNanos) {
        try {
            js.consumerTimers().schedule(this::signal, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    /** Moves the ack floor after {@code dseq}/{@code seq} was acknowledged (nats-server's moveAckFloor). */
    private void moveAckFloor(long dseq, long seq) {
        if (state.pending.isEmpty()) {
            state.ackFloorConsumerSeq = state.deliveredConsumerSeq;
            state.ackFloorStreamSeq = sseq - 1;
            if (skipList != null && !skipList.isEmpty()) {
                state.ackFloorStreamSeq = Math.min(state.ackFloorStreamSeq, skipList.peekFirst() - 1);
            }
        } else if (dseq == state.ackFloorConsumerSeq + 1) {
            state.ackFloorConsumerSeq = dseq;
            state.ackFloorStreamSeq = seq;
            Map.Entry<Long, ConsumerState.Pending> first = state.pending.firstEntry();
            if (first != null && first.getKey() > seq) {
                state.ackFloorConsumerSeq = first.getValue().consumerSeq - 1;
                state.ackFloorStreamSeq = first.getKey() - 1;
            }
        }
    }

    private void sampleAck(long seq, ConsumerState.Pending p, long dc) {
        String freq = config.sampleFreq();
        if (freq.isEmpty()) {
            return;
        }
        int percent;
        try {
            percent = Integer.parseInt(freq.endsWith("%") ? freq.substring(0, freq.length() - 1) : freq);
        } catch (NumberFormatException e) {
            return;
        }
        if (percent <= 0 || (percent < 100 && ThreadLocalRandom.current().nextInt(100) >= percent)) {
            return;
        }
        Map<String, Object> m = JsAdvisories.event("io.nats.jetstream.metric.v1.consumer_ack");
        m.put("stream", stream.name());
        m.put("consumer", name);
        m.put("consumer_seq", p.consumerSeq);
        m.put("stream_seq", seq);
        m.put("ack_time", Math.max(0, Stream.nowNanos() - p.timestampNanos));
        m.put("deliveries", dc);
        JsAdvisories.domain(m, js.config().domain());
        queue("$JS.EVENT.METRIC.CONSUMER.ACK." + stream.name() + "." + name, m);
    }

    private void nak(long seq, long dseq, long dc, String delayText) {
        lock.lock();
        try {
            if (closed || dseq <= state.ackFloorConsumerSeq || dseq > state.deliveredConsumerSeq) {
                return;
            }
            ConsumerState.Pending p = state.pending.get(seq);
            if (p == null) {
                return;
            }
            Map<String, Object> m = JsAdvisories.event("io.nats.jetstream.advisory.v1.nak");
            m.put("stream", stream.name());
            m.put("consumer", name);
            m.put("consumer_seq", dseq);
            m.put("stream_seq", seq);
            m.put("deliveries", dc);
            JsAdvisories.domain(m, js.config().domain());
            queue("$JS.EVENT.ADVISORY.CONSUMER.MSG_NAKED." + stream.name() + "." + name, m);
            long delay = nakDelay(delayText);
            long now = Stream.nowNanos();
            if (delay > 0) {
                removeFromRedeliverQueue(seq);
                p.timestampNanos = now - ackWait(deliveries(seq)) + delay;
                pendingCheckAt = Math.min(pendingCheckAt, now + delay);
                dirty = true;
                return;
            }
            if (redeliverSet.add(seq)) {
                redeliverQueue.add(seq);
            }
        } finally {
            lock.unlock();
        }
        signal();
    }

    /** The delay of {@code -NAK {"delay": nanos}} or {@code -NAK 5s}; 0 when none or unreadable (a plain NAK). */
    private long nakDelay(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        try {
            if (text.startsWith("{")) {
                Object d = NAK_JSON.readValue(text, Map.class).get("delay");
                return d instanceof Number n ? Math.max(0, n.longValue()) : 0;
            }
            return Math.max(0, ConfigUnits.parseDuration(text).toNanos());
        } catch (IOException | RuntimeException e) {
            LOG.warn("JetStream consumer '{} > {} > {}' bad NAK delay value: \"{}\"", account, stream.name(), name,
                    text);
            return 0;
        }
    }

    /** +WPI: the ack wait of a pending message starts over. */
    private void progress(long seq) {
        lock.lock();
        try {
            ConsumerState.Pending p = state.pending.get(seq);
            if (p != null) {
                p.timestampNanos = Stream.nowNanos();
                dirty = true;
            }
        } finally {
            lock.unlock();
        }
    }

    /** +TERM: acknowledged (never redelivered) and reported. */
    private void term(long seq, long dseq, long dc, String reason, String reply) {
        ack(seq, dseq, dc, reply, false);
        Map<String, Object> m = JsAdvisories.event("io.nats.jetstream.advisory.v1.terminated");
        m.put("stream", stream.name());
        m.put("consumer", name);
        m.put("consumer_seq", dseq);
        m.put("stream_seq", seq);
        m.put("deliveries", dc);
        if (!reason.isEmpty()) {
            m.put("reason", reason);
        }
        JsAdvisories.domain(m, js.config().domain());
        lock.lock();
        try {
            queue("$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED." + stream.name() + "." + name, m);
        } finally {
            lock.unlock();
        }
        signal();
    }

    /** A reply to a {@code 100 FlowControl Request}: more may be sent. */
    private void processFlowControl(String subject) {
        lock.lock();
        try {
            if (!subject.equals(flowControlId)) {
                return;
            }
            if (maxPendingBytes < FLOW_CONTROL_MAX_PENDING) {
                maxPendingBytes = Math.min(FLOW_CONTROL_MAX_PENDING, maxPendingBytes * 2);
            }
            pendingBytes = Math.max(0, pendingBytes - flowControlBytes);
            flowControlId = null;
            flowControlBytes = 0;
        } finally {
            lock.unlock();
        }
        signal();
    }

    // ---------------------------------------------------------------- the delivery loop

    /** Makes the delivery loop run soon (any thread; cheap when it is already due). */
    void signal() {
        if (wip.getAndIncrement() == 0) {
            try {
                js.consumerExecutor().execute(this::drain);
            } catch (RejectedExecutionException e) {
                wip.set(0); // shutting down
            }
        }
    }

    private void drain() {
        for (;;) {
            int seen = wip.get();
            boolean more;
            try {
                more = work();
            } catch (RuntimeException e) {
                LOG.error("JetStream consumer '{} > {} > {}' failed", account, stream.name(), name, e);
                more = false;
            }
            if (more) {
                try {
                    js.consumerExecutor().execute(this::drain); // yield to other consumers; wip stays > 0
                    return;
                } catch (RejectedExecutionException e) {
                    wip.set(0);
                    return;
                }
            }
            if (wip.addAndGet(-seen) == 0) {
                return;
            }
        }
    }

    /** One turn of the loop; returns whether more could be delivered right away. */
    private boolean work() {
        List<Outbound> out;
        byte[] stateBytes = null;
        List<String> replies = List.of();
        List<Long> acks = List.of();
        boolean more;
        lock.lock();
        try {
            if (closed) {
                outq.clear();
                return false;
            }
            long now = Stream.nowNanos();
            long fresh = stored.getAndSet(0);
            if (numPendingValid) {
                numPending += fresh;
            }
            maintain(now);
            more = gather(now);
            if (dirty && store != null && (!ackReplies.isEmpty() || now - lastStateWrite >= STATE_WRITE_INTERVAL_NANOS)) {
                stateBytes = state.encode();
                dirty = false;
                flushArmed = false;
                lastStateWrite = now;
                replies = new ArrayList<>(ackReplies);
                ackReplies.clear();
            }
            if (!streamAcks.isEmpty()) {
                acks = new ArrayList<>(streamAcks);
                streamAcks.clear();
            }
            out = new ArrayList<>(outq);
            outq.clear();
            if (!more) {
                armTimer(now);
            }
        } finally {
            lock.unlock();
        }
        if (stateBytes != null) {
            try {
                store.writeState(stateBytes);
            } catch (IOException e) {
                LOG.error("JetStream consumer '{} > {} > {}' could not write its state: {}", account, stream.name(),
                        name, e.toString());
                replies = List.of(); // not recorded: not confirmed
            }
        }
        List<Outbound> undelivered = null;
        for (Outbound o : out) {
            boolean taken = Router.publishAs(account, o.to, o.subject, o.reply, o.headers, o.payload);
            if (!taken && o.sseq > 0) {
                if (undelivered == null) {
                    undelivered = new ArrayList<>();
                }
                undelivered.add(o);
            }
        }
        for (String r : replies) {
            Router.publish(account, r, null, null, new byte[0]);
        }
        for (long s : acks) {
            stream.ackMsg(this, s);
        }
        if (undelivered != null) {
            didNotDeliver(undelivered);
            more = true;
        }
        return more;
    }

    /** Timers due at {@code now}: expired acks, pull requests, heartbeats, inactivity. Under the lock. */
    private void maintain(long now) {
        ConsumerConfig c = config;
        if (now - pendingCheckAt >= 0 && pendingCheckAt != NONE) {
            checkPending(now);
        }
        if (c.isPull()) {
            if (now - waitingCheckAt >= 0 && waitingCheckAt != NONE) {
                expireWaiting(now, false);
            }
        } else {
            if (now - nextInterestCheck >= 0 && (!active || inactiveThreshold() > 0)) {
                // Inactive: look for a subscriber to resume for. Active with an inactivity threshold: notice the
                // subscriber leaving (an unsubscribed watcher or key lister) even when nothing is delivered.
                boolean interest = hasInterest(c.deliverSubject());
                if (interest != active) {
                    active = interest;
                    inactiveSince = now;
                    interestBackoff = INTEREST_FIRST_RECHECK_NANOS;
                }
                if (active) {
                    nextInterestCheck = now + ACTIVE_INTEREST_RECHECK_NANOS;
                } else {
                    nextInterestCheck = now + interestBackoff;
                    interestBackoff = Math.min(interestBackoff * 2, INTEREST_RECHECK_NANOS);
                }
            }
            if (active && c.idleHeartbeatNanos() > 0 && now - lastDelivery >= c.idleHeartbeatNanos()) {
                heartbeat(c.deliverSubject());
                lastDelivery = now;
            }
        }
        if (pinId != null && c.priorityTimeoutNanos() > 0 && now - pinnedAt >= c.priorityTimeoutNanos()) {
            unpin("timeout");
        }
        long threshold = inactiveThreshold();
        if (threshold > 0 && now - inactiveDeadlineBase() >= threshold && !closed) {
            closed = true; // no more deliveries; the owner deletes us
            js.execute(onInactive);
        }
    }

    private long inactiveThreshold() {
        ConsumerConfig c = config;
        if (c.inactiveThresholdNanos() > 0) {
            return c.inactiveThresholdNanos();
        }
        return c.isDurable() ? 0 : EPHEMERAL_INACTIVE_DEFAULT_NANOS;
    }

    /** When inactivity started counting: a push consumer without interest, a pull consumer without requests. */
    private long inactiveDeadlineBase() {
        if (config.isPull()) {
            return waiting.isEmpty() ? lastActivity : Long.MAX_VALUE / 2;
        }
        return active ? Long.MAX_VALUE / 2 : inactiveSince;
    }

    /** Moves messages whose ack wait ran out to the redelivery queue; arms the next check. */
    private void checkPending(long now) {
        long next = NONE;
        for (Map.Entry<Long, ConsumerState.Pending> e : state.pending.entrySet()) {
            long seq = e.getKey();
            long deadline = e.getValue().timestampNanos + ackWait(deliveries(seq));
            if (now - deadline >= 0) {
                if (redeliverSet.add(seq)) {
                    redeliverQueue.add(seq);
                }
            } else {
                next = Math.min(next, deadline);
            }
        }
        pendingCheckAt = next;
    }

    private long ackWait(long deliveries) {
        ConsumerConfig c = config;
        List<Long> backoff = c.backoffNanos();
        if (!backoff.isEmpty()) {
            int i = (int) Math.min(backoff.size() - 1, Math.max(0, deliveries - 1));
            return backoff.get(i);
        }
        return c.ackWaitNanos() > 0 ? c.ackWaitNanos() : TimeUnit.SECONDS.toNanos(30);
    }

    private long deliveries(long seq) {
        Long n = state.redelivered.get(seq);
        return n == null ? 1 : n;
    }

    /** Delivers what can be delivered now (at most DRAIN_BATCH); returns whether more could be. Under the lock. */
    private boolean gather(long now) {
        ConsumerConfig c = config;
        if (c.pauseUntil() != null && now < epochNanos(c.pauseUntil())) {
            return false;
        }
        for (int budget = DRAIN_BATCH; budget > 0; budget--) {
            if (!c.isPull()) {
                if (!active || (maxPendingBytes > 0 && pendingBytes > maxPendingBytes)) {
                    return false;
                }
            } else if (waiting.isEmpty()) {
                return false;
            }
            Next next = next();
            if (next == null) {
                if (c.isPull()) {
                    expireWaiting(now, true);
                }
                if (replay && sseq > replayUntilSeq) {
                    replay = false;
                }
                return false;
            }
            StoredMessage m = next.message();
            if (replay) {
                if (m.sequence() > replayUntilSeq) {
                    replay = false;
                } else if (lastReplayTimestamp > 0) {
                    if (replayResumeAt == 0) {
                        long delay = m.timestampNanos() - lastReplayTimestamp;
                        if (delay > TimeUnit.MILLISECONDS.toNanos(1)) {
                            replayResumeAt = now + delay;
                        }
                    }
                    if (replayResumeAt != 0 && now < replayResumeAt) {
                        unread(next);
                        return false;
                    }
                }
                replayResumeAt = 0;
            }
            byte[] headers = m.headers();
            byte[] payload = m.payload();
            if (c.headersOnly()) {
                headers = withHeader(headers, "Nats-Msg-Size", Integer.toString(payload.length));
                payload = new byte[0];
            }
            long dseq = state.deliveredConsumerSeq + 1;
            long pendingAfter = numPending();
            String ackReply = "$JS.ACK." + stream.name() + "." + name + "." + next.deliveries() + "."
                    + m.sequence() + "." + dseq + "." + m.timestampNanos() + "." + pendingAfter;
            long size = m.subject().length() + ackReply.length() + (headers == null ? 0 : headers.length)
                    + payload.length;
            if (c.rateLimitBps() > 0) {
                if (now < rateNextAt) {
                    unread(next);
                    return false;
                }
                rateNextAt = Math.max(rateNextAt, now) + size * 8 * 1_000_000_000L / c.rateLimitBps();
            }
            PullRequest request = null;
            String to;
            if (c.isPull()) {
                request = nextWaiting(size, now);
                if (request == null) {
                    unread(next);
                    return false;
                }
                to = request.reply;
                if (c.priorityPolicy() == PriorityPolicy.PINNED_CLIENT && pinId != null) {
                    headers = withHeader(headers, "Nats-Pin-Id", pinId);
                }
            } else {
                to = c.deliverSubject();
            }
            deliver(next, dseq, pendingAfter, to, ackReply, headers, payload, request, size, now);
        }
        return true;
    }

    private void deliver(Next next, long dseq, long pendingAfter, String to, String ackReply, byte[] headers,
                         byte[] payload, PullRequest request, long size, long now) {
        ConsumerConfig c = config;
        StoredMessage m = next.message();
        long seq = m.sequence();
        state.deliveredConsumerSeq = dseq;
        state.deliveredStreamSeq = Math.max(state.deliveredStreamSeq, sseq - 1);
        if (c.ackPolicy() == AckPolicy.NONE) {
            state.ackFloorConsumerSeq = dseq;
            state.ackFloorStreamSeq = Math.max(state.ackFloorStreamSeq, seq);
            if (stream.config().retention() != RetentionPolicy.LIMITS) {
                streamAcks.add(seq);
            }
        } else {
            ConsumerState.Pending p = state.pending.get(seq);
            if (p != null) {
                p.timestampNanos = now;
            } else {
                state.pending.put(seq, new ConsumerState.Pending(dseq, now));
            }
            pendingCheckAt = Math.min(pendingCheckAt, now + ackWait(next.deliveries()));
        }
        dirty = true;
        lastDelivery = now;
        lastActivity = now;
        if (replay) {
            lastReplayTimestamp = m.timestampNanos();
        }
        outq.add(new Outbound(to, m.subject(), ackReply, headers, payload, seq, request));
        if (request != null) {
            if (request.remaining <= 0 && request.bytesRemaining > 0) {
                status(request.reply, "409 Batch Completed", request.pendingHeaders());
            } else if (request.heartbeatNanos > 0) {
                request.nextHeartbeatAt = now + request.heartbeatNanos;
            }
        }
        if (maxPendingBytes > 0) {
            pendingBytes += size;
            if (flowControlId == null && pendingBytes > maxPendingBytes / 2) {
                flowControlId = "$JS.FC." + stream.name() + "." + name + "." + randomToken();
                flowControlBytes = pendingBytes;
                outq.add(new Outbound(c.deliverSubject(), c.deliverSubject(), flowControlId,
                        "NATS/1.0 100 FlowControl Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII), new byte[0],
                        0, null));
            } else if (flowControlId != null && pendingBytes - flowControlBytes >= maxPendingBytes) {
                flowControlBytes += size;
            }
        }
    }

    private static String randomToken() {
        String digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        ThreadLocalRandom r = ThreadLocalRandom.current();
        StringBuilder sb = new StringBuilder(4);
        for (int i = 0; i < 4; i++) {
            sb.append(digits.charAt(r.nextInt(digits.length())));
        }
        return sb.toString();
    }

    /** The next message to deliver: redeliveries first, then the stream from {@link #sseq}. Under the lock. */
    private Next next() {
        ConsumerConfig c = config;
        MessageStore ms = stream.store();
        try {
            while (!redeliverQueue.isEmpty()) {
                long seq = redeliverQueue.pollFirst();
                redeliverSet.remove(seq);
                long dc = deliveries(seq) + 1;
                state.redelivered.put(seq, dc);
                if (c.maxDeliver() > 0 && dc > c.maxDeliver()) {
                    if (dc == c.maxDeliver() + 1) {
                        maxDeliveriesAdvisory(seq, dc - 1);
                    }
                    ConsumerState.Pending p = state.pending.remove(seq);
                    if (p != null) {
                        moveAckFloor(p.consumerSeq, seq);
                    }
                    dirty = true;
                    continue;
                }
                StoredMessage m = ms.load(seq);
                if (m == null) {
                    // Removed from the stream meanwhile: nothing left to redeliver.
                    decrementDeliveries(seq);
                    ConsumerState.Pending p = state.pending.remove(seq);
                    state.redelivered.remove(seq);
                    if (p != null) {
                        moveAckFloor(p.consumerSeq, seq);
                    }
                    dirty = true;
                    continue;
                }
                return new Next(m, dc, true);
            }
            if (c.ackPolicy() != AckPolicy.NONE && c.maxAckPending() > 0
                    && state.pending.size() >= c.maxAckPending()) {
                return null;
            }
            if (skipList != null) {
                while (!skipList.isEmpty()) {
                    long seq = skipList.pollFirst();
                    StoredMessage m = ms.load(seq);
                    taken();
                    if (m != null) {
                        // The pending count sent with this message counts the rest of the list: drop the entries
                        // removed since the list was made (nats-server counts each removal down), so that the last
                        // message of the list says 0 — a key-value watcher or key listing waits for that.
                        while (!skipList.isEmpty() && !ms.holds(skipList.peekFirst())) {
                            skipList.pollFirst();
                            taken();
                        }
                        sseq = skipList.isEmpty() ? resumeSeq : skipList.peekFirst();
                        if (skipList.isEmpty()) {
                            skipList = null;
                        }
                        return new Next(m, 1, false);
                    }
                }
                skipList = null;
                sseq = resumeSeq;
            }
            StoredMessage m = loadNext(ms, sseq);
            if (m == null) {
                numPending = 0;
                numPendingValid = true;
                return null;
            }
            sseq = m.sequence() + 1;
            taken();
            return new Next(m, 1, false);
        } catch (IOException e) {
            LOG.error("JetStream consumer '{} > {} > {}' could not read the stream: {}", account, stream.name(), name,
                    e.toString());
            return null;
        }
    }

    /** A message left the not-yet-delivered part of the stream. */
    private void taken() {
        if (numPendingValid && numPending > 0) {
            numPending--;
        }
    }

    private StoredMessage loadNext(MessageStore ms, long from) throws IOException {
        List<String> f = filters;
        if (f.isEmpty()) {
            return ms.loadNext(null, from);
        }
        if (f.size() == 1) {
            return ms.loadNext(f.get(0), from);
        }
        StoredMessage best = null;
        for (String filter : f) {
            StoredMessage m = ms.loadNext(filter, from);
            if (m != null && (best == null || m.sequence() < best.sequence())) {
                best = m;
            }
        }
        return best;
    }

    /** Puts back a message taken by {@link #next} that could not be delivered now. */
    private void unread(Next next) {
        long seq = next.message().sequence();
        if (next.redelivery()) {
            decrementDeliveries(seq);
            redeliverQueue.addFirst(seq);
            redeliverSet.add(seq);
        } else {
            if (numPendingValid) {
                numPending++;
            }
            unreadNew(seq);
        }
    }

    private void unreadNew(long seq) {
        if (skipList != null || (resumeSeq > 0 && sseq == resumeSeq && seq < resumeSeq)) {
            if (skipList == null) {
                skipList = new ArrayDeque<>();
            }
            skipList.addFirst(seq);
            sseq = seq;
        } else {
            sseq = seq;
        }
    }

    /**
     * Whether {@code seq} waits in the last-per-subject list. The list is in stream order and delivered from its
     * head, so anything below the head (every delivered message) is answered without a scan. Under the lock.
     */
    private boolean inSkipList(long seq) {
        ArrayDeque<Long> list = skipList;
        return list != null && !list.isEmpty() && seq >= list.peekFirst() && list.contains(seq);
    }

    private void decrementDeliveries(long seq) {
        long dc = deliveries(seq) - 1;
        if (dc <= 1) {
            state.redelivered.remove(seq);
        } else {
            state.redelivered.put(seq, dc);
        }
    }

    /** Deliveries the router could not hand to anyone (lock not held). */
    private void didNotDeliver(List<Outbound> undelivered) {
        lock.lock();
        try {
            for (Outbound o : undelivered) {
                long seq = o.sseq;
                if (!config.isPull()) {
                    if (active) {
                        active = false;
                        inactiveSince = Stream.nowNanos();
                        interestBackoff = INTEREST_FIRST_RECHECK_NANOS;
                        nextInterestCheck = inactiveSince;
                    }
                } else if (o.request != null) {
                    waiting.remove(o.request);
                }
                if (state.pending.containsKey(seq) && redeliverSet.add(seq)) {
                    decrementDeliveries(seq);
                    redeliverQueue.add(seq);
                } else if (config.ackPolicy() == AckPolicy.NONE && seq < sseq) {
                    // Nothing to redeliver from with ack none: the message is skipped, as in nats-server.
                    continue;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void removeFromRedeliverQueue(long seq) {
        if (redeliverSet.remove(seq)) {
            redeliverQueue.remove(seq);
        }
    }

    private void heartbeat(String to) {
        StringBuilder h = new StringBuilder("NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: ")
                .append(state.deliveredConsumerSeq).append("\r\nNats-Last-Stream: ").append(sseq - 1).append("\r\n");
        if (flowControlId != null) {
            h.append("Nats-Consumer-Stalled: ").append(flowControlId).append("\r\n");
        }
        h.append("\r\n");
        outq.add(new Outbound(to, to, null, h.toString().getBytes(StandardCharsets.US_ASCII), new byte[0], 0, null));
    }

    /** Queues a status message ({@code NATS/1.0 <status>} plus {@code extraHeaders}). Under the lock. */
    private void status(String to, String status, String extraHeaders) {
        byte[] h = ("NATS/1.0 " + status + "\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.UTF_8);
        outq.add(new Outbound(to, to, null, h, new byte[0], 0, null));
    }

    /** A status message sent at once, without the lock (bad requests). */
    private void sendStatus(String to, String status, String extraHeaders) {
        lock.lock();
        try {
            status(to, status, extraHeaders);
        } finally {
            lock.unlock();
        }
        signal();
    }

    private void queue(String subject, Map<String, Object> event) {
        outq.add(new Outbound(subject, subject, null, null, JsJson.write(event), 0, null));
    }

    private void maxDeliveriesAdvisory(long seq, long deliveries) {
        Map<String, Object> m = JsAdvisories.event("io.nats.jetstream.advisory.v1.max_deliver");
        m.put("stream", stream.name());
        m.put("consumer", name);
        m.put("stream_seq", seq);
        m.put("deliveries", deliveries);
        JsAdvisories.domain(m, js.config().domain());
        queue("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES." + stream.name() + "." + name, m);
    }

    private void advisory(String event, String type, Map<String, Object> fields) {
        Map<String, Object> m = JsAdvisories.event(type);
        m.put("stream", stream.name());
        m.put("consumer", name);
        m.putAll(fields);
        JsAdvisories.domain(m, js.config().domain());
        queue("$JS.EVENT.ADVISORY.CONSUMER." + event + "." + stream.name() + "." + name, m);
    }

    /** Ends the current pin ({@code CONSUMER.UNPIN} or the pin timing out). Under the lock. */
    private void unpin(String reason) {
        if (pinId == null) {
            return;
        }
        pinId = null;
        String group = config.priorityGroups().isEmpty() ? "" : config.priorityGroups().get(0);
        advisory("UNPINNED", "io.nats.jetstream.advisory.v1.consumer_group_unpinned",
                Map.of("group", group, "reason", reason));
    }

    /** {@code CONSUMER.UNPIN}: returns false when {@code group} is not one of the consumer's groups. */
    boolean unpinGroup(String group) {
        lock.lock();
        try {
            if (!config.priorityGroups().contains(group)) {
                return false;
            }
            unpin("admin");
        } finally {
            lock.unlock();
        }
        signal();
        return true;
    }

    private static byte[] withHeader(byte[] headers, String name, String value) {
        String h = headers == null || headers.length == 0 ? "NATS/1.0\r\n\r\n"
                : new String(headers, StandardCharsets.UTF_8);
        int end = h.lastIndexOf("\r\n\r\n");
        String head = end < 0 ? h : h.substring(0, end + 2);
        return (head + name + ": " + value + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static long epochNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** Arms the timer for the earliest thing due. Under the lock. */
    private void armTimer(long now) {
        ConsumerConfig c = config;
        long at = Math.min(pendingCheckAt, waitingCheckAt);
        if (!c.isPull()) {
            if (!active || inactiveThreshold() > 0) {
                at = Math.min(at, nextInterestCheck);
            }
            if (active && c.idleHeartbeatNanos() > 0) {
                at = Math.min(at, lastDelivery + c.idleHeartbeatNanos());
            }
        }
        long threshold = inactiveThreshold();
        if (threshold > 0) {
            long base = inactiveDeadlineBase();
            if (base < Long.MAX_VALUE / 2) {
                at = Math.min(at, base + threshold);
            }
        }
        if (c.pauseUntil() != null && now < epochNanos(c.pauseUntil())) {
            at = Math.min(at, epochNanos(c.pauseUntil()));
        }
        if (replayResumeAt > 0) {
            at = Math.min(at, replayResumeAt);
        }
        if (rateNextAt > now) {
            at = Math.min(at, rateNextAt);
        }
        if (pinId != null && c.priorityTimeoutNanos() > 0) {
            at = Math.min(at, pinnedAt + c.priorityTimeoutNanos());
        }
        if (dirty && store != null) {
            at = Math.min(at, lastStateWrite + STATE_WRITE_INTERVAL_NANOS);
        }
        if (at == NONE) {
            return;
        }
        if (timer != null && !timer.isDone() && timerAt <= at && timerAt > now) {
            return; // armed already, early enough (a timer whose time has come may be the one running now)
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = at;
        long delay = Math.max(0, at - now);
        try {
            timer = js.consumerTimers().schedule(this::signal, delay + 200_000, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            timer = null; // shutting down
        }
    }

    // ---------------------------------------------------------------- info and life cycle

    /** Messages on the consumer's filters not yet delivered. Under the lock. */
    private long numPending() {
        if (!numPendingValid) {
            MessageStore ms = stream.store();
            long n = 0;
            long from = skipList != null ? resumeSeq : sseq;
            if (filters.isEmpty()) {
                n = ms.pending(null, from);
            } else {
                for (String f : filters) {
                    n += ms.pending(f, from);
                }
            }
            if (skipList != null) {
                // The last-per-subject list still to deliver, less what the stream removed since it was made (a key
                // deleted by a marker's expiry, say): info and the clients' end-of-listing count must not wait for
                // those.
                for (long seq : skipList) {
                    if (ms.holds(seq)) {
                        n++;
                    }
                }
            }
            numPending = n;
            numPendingValid = true;
        }
        StoreState s = stream.store().state();
        long bound = Math.max(0, Math.min(s.msgs(), s.lastSeq() - sseq + 1)) + (skipList == null ? 0 : skipList.size());
        return Math.max(0, Math.min(numPending, bound));
    }

    ConsumerInfo info() {
        lock.lock();
        try {
            long fresh = stored.getAndSet(0);
            if (numPendingValid) {
                numPending += fresh;
            }
            numPendingValid = false; // info reports the exact figure
            long now = Stream.nowNanos();
            ConsumerConfig c = config;
            boolean paused = c.pauseUntil() != null && now < epochNanos(c.pauseUntil());
            List<ConsumerInfo.PriorityGroupState> groups = List.of();
            if (c.priorityPolicy() == PriorityPolicy.PINNED_CLIENT && !c.priorityGroups().isEmpty()) {
                groups = new ArrayList<>();
                for (String g : c.priorityGroups()) {
                    groups.add(new ConsumerInfo.PriorityGroupState(g, pinId == null ? "" : pinId,
                            pinId == null ? null : Instant.ofEpochSecond(0, pinnedAt)));
                }
            }
            return new ConsumerInfo(stream.name(), name, created, c,
                    new ConsumerInfo.SequenceInfo(state.deliveredConsumerSeq, state.deliveredStreamSeq,
                            state.deliveredConsumerSeq == 0 ? null : Instant.ofEpochSecond(0, lastDelivery)),
                    new ConsumerInfo.SequenceInfo(state.ackFloorConsumerSeq, state.ackFloorStreamSeq,
                            lastAck == 0 ? null : Instant.ofEpochSecond(0, lastAck)),
                    state.pending.size(), state.redelivered.size(), waiting.size(), numPending(),
                    !c.isPull() && active, paused, paused ? epochNanos(c.pauseUntil()) - now : 0, groups,
                    Instant.now());
        } finally {
            lock.unlock();
        }
    }

    /** Applies an updated configuration (already checked against the current one). */
    void update(ConsumerConfig next) {
        lock.lock();
        try {
            boolean deliverChanged = !next.deliverSubject().equals(config.deliverSubject());
            config = next;
            filters = next.filters();
            numPendingValid = false;
            if (deliverChanged) {
                active = false;
                nextInterestCheck = 0;
                interestBackoff = INTEREST_FIRST_RECHECK_NANOS;
            }
            if (next.flowControl() && maxPendingBytes == 0) {
                maxPendingBytes = Math.max(1, FLOW_CONTROL_MAX_PENDING / 16);
            }
            pendingCheckAt = Stream.nowNanos(); // ack waits may have changed
            dirty = true;
        } finally {
            lock.unlock();
        }
        signal();
    }

    /** Answers the pull requests still waiting with {@code 409 Consumer Deleted}, stops, and forgets the state. */
    void delete() throws IOException {
        stop(true);
        if (store != null) {
            store.delete();
        }
    }

    /** Stops delivering; with {@code deleted} waiting pull requests are told. The state is written first. */
    void stop(boolean deleted) {
        List<String> told = new ArrayList<>();
        byte[] last = null;
        lock.lock();
        try {
            if (deleted) {
                for (PullRequest r : waiting) {
                    told.add(r.reply);
                }
            }
            waiting.clear();
            closed = true;
            if (timer != null) {
                timer.cancel(false);
            }
            if (store != null && !deleted) {
                last = state.encode();
            }
        } finally {
            lock.unlock();
        }
        for (InternalSubscription s : subscriptions) {
            account.index().remove(s);
        }
        byte[] status = "NATS/1.0 409 Consumer Deleted\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (String r : told) {
            Router.publish(account, r, null, status, new byte[0]);
        }
        if (last != null) {
            try {
                store.writeState(last);
            } catch (IOException e) {
                LOG.error("JetStream consumer '{} > {} > {}' could not write its state: {}", account, stream.name(),
                        name, e.toString());
            }
        }
    }

    /**
     * {@code CONSUMER.RESET} (nats-server 2.14): forgets what is pending and restarts delivery at {@code seq} (0: just
     * past the ack floor), with delivery sequences starting over at 1. Returns the sequence it restarts at.
     *
     * @throws JsApiException {@code invalid reset} when the deliver policy does not allow going there
     */
    long reset(long seq) throws JsApiException, IOException {
        long at;
        lock.lock();
        try {
            ConsumerConfig c = config;
            if (seq == 0) {
                at = state.ackFloorStreamSeq + 1;
            } else if (c.deliverPolicy() == DeliverPolicy.ALL) {
                at = seq;
            } else if (c.deliverPolicy() == DeliverPolicy.BY_START_SEQUENCE) {
                if (seq < c.optStartSeq()) {
                    throw invalidReset("below start seq");
                }
                at = seq;
            } else if (c.deliverPolicy() == DeliverPolicy.BY_START_TIME) {
                if (seq < stream.store().sequenceAt(epochNanos(c.optStartTime()))) {
                    throw invalidReset("below start time");
                }
                at = seq;
            } else {
                throw invalidReset("not allowed");
            }
            at = Math.max(1, at);
            state.pending.clear();
            state.redelivered.clear();
            redeliverQueue.clear();
            redeliverSet.clear();
            skipList = null;
            sseq = at;
            state.deliveredConsumerSeq = 0;
            state.deliveredStreamSeq = at - 1;
            state.ackFloorConsumerSeq = 0;
            state.ackFloorStreamSeq = at - 1;
            numPendingValid = false;
            pendingCheckAt = NONE;
            dirty = true;
        } finally {
            lock.unlock();
        }
        stream.checkInterest();
        signal();
        return at;
    }

    private static JsApiException invalidReset(String why) {
        return new JsApiException(JsErrors.get("JSConsumerInvalidResetErr", Map.of("err", why)));
    }

    /** Pause or resume ({@code CONSUMER.PAUSE}); the advisory is sent. */
    void pause(Instant until) {
        lock.lock();
        try {
            config = config.toBuilder().pauseUntil(until).build();
            Map<String, Object> fields = new java.util.LinkedHashMap<>();
            boolean paused = until != null && Instant.now().isBefore(until);
            fields.put("paused", paused);
            if (paused) {
                fields.put("pause_until", JsAccount.RFC3339_NANO.format(until));
            }
            advisory("PAUSE", "io.nats.jetstream.advisory.v1.consumer_pause", fields);
        } finally {
            lock.unlock();
        }
        signal();
    }
}
