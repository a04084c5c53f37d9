package io.natrix.server.client;

import io.natrix.server.account.Account;
import io.natrix.server.auth.PermissionsPolicy;
import io.natrix.server.auth.PermissionsSession;
import io.natrix.server.auth.PermissionsViolation;
import io.natrix.server.config.ServerOptions;
import io.natrix.server.protocol.ClientParser;
import io.natrix.server.protocol.ParseResult;
import io.natrix.server.protocol.ProtocolHandler;
import io.natrix.server.protocol.PubArgs;
import io.natrix.server.subject.LookupKey;
import io.natrix.server.subject.MatchResult;
import io.natrix.server.subject.SubjectMappings;
import io.natrix.server.subject.Subjects;
import io.natrix.server.subject.Subscription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: its protocol state, its subscriptions, and its outbound buffer.
 *
 * <h2>Threads</h2>
 * A connection is owned by the event loop of its channel: reading, parsing, protocol state, timers and socket
 * writes all run there. Other threads touch exactly two things: {@link #enqueueMessage} (publishers on other event
 * loops appending MSG frames to the outbound buffer, under {@link #outLock}) and the subscription map (a
 * concurrent map, because an auto-unsubscribe can complete on the publisher's thread).
 *
 * <h2>Delivery</h2>
 * A publisher's read (at most 64 KB, as nats-server reads) appends each message to every target's outbound buffer
 * and remembers each target whose buffer went from clean to dirty. When the read has been parsed, each remembered
 * target gets one flush task ({@link #requestFlush}) on its own event loop, the publisher's own included. A loop
 * runs its tasks after its pass over the ready channels, and a pass reads a channel up to 4 times while it has data
 * ({@code ClientListener.MAX_READS_PER_PASS}); so a target gets what it was sent during a pass of up to 256 KB of a
 * publisher's input in one socket write, never one write per message or per read. A buffer that reaches
 * {@link #FLUSH_AT_BYTES} during a read is written right after that read instead, by the publisher when it runs on
 * the target's loop (the flush task of a target on another loop runs when that loop gets to it): a subscriber that
 * gets every message is written once per read as before, one that gets a share (a queue group member) once its
 * share makes a large write, and buffers stay small, which keeps the copies in the CPU's caches. The hot path
 * allocates nothing: frames are copied from the publisher's input buffer into the target's pooled buffer.
 *
 * <p>No frame waits in a buffer without a flush on its way: {@link #flushPending} is set from the moment a buffer
 * turns dirty until the flush task swaps it out, and whoever turns it dirty makes sure a flush task is queued — a
 * publisher at the end of its read ({@link #flushTargets}), any other thread (system services, JetStream
 * acknowledgements and API replies, which publish with no publisher connection) at once, the connection itself for
 * its own protocol lines (PONG, INFO, -ERR: at the end of the read, or at once outside one). Closing takes the buffer
 * and writes it before closing the channel when the close is the server's decision ({@code -ERR} then close).
 *
 * <h2>Slow consumers</h2>
 * A target whose unsent bytes (our buffer plus the channel's) pass max_pending, or whose socket stays unwritable
 * past write_deadline, is closed as a slow consumer. Before that, as nats-server does, a publisher whose target has
 * passed half of max_pending stops reading (Netty auto-read off) until the target drains below half or a second
 * has passed, whichever comes first: a subscriber that is merely a little slower than a burst catches up instead
 * of being cut off, and a truly stuck one still reaches max_pending and is closed.
 *
 * <p>Lock order: a connection holds at most one {@link #outLock} at a time (its own or one target's), and never
 * calls into the subject index while holding it.
 */
public final class ClientConnection extends ChannelInboundHandlerAdapter implements ProtocolHandler, Account.Member {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    private static final byte[] PING = ascii("PING\r\n");
    private static final byte[] PONG = ascii("PONG\r\n");
    private static final byte[] OK = ascii("+OK\r\n");
    private static final byte[] MSG = ascii("MSG ");
    private static final byte[] HMSG = ascii("HMSG ");
    private static final short CRLF = ('\r' << 8) | '\n';
    private static final byte[] NO_RESPONDERS_HEADER = ascii("NATS/1.0 503\r\n\r\n");
    /** nats-server sends its first PING to a new client this long after CONNECT, to measure the RTT. */
    private static final long FIRST_PING_DELAY_MILLIS = 2000;
    private static final int INITIAL_OUT_CAPACITY = 4096;
    /** How often a stalled publisher checks whether its target has drained, and the longest stall. */
    private static final long STALL_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long STALL_MAX_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * A buffer that reaches this size during a publisher's read is written right after that read, by a publisher on
     * the connection's own loop, rather than at the end of the pass (as nats-server's writer stops waiting for more
     * at 64 KB): writes stay large while buffers stay small.
     */
    static final int FLUSH_AT_BYTES = 64 * 1024;

    private final ClientHost host;
    private final long cid;
    private final ClientParser parser;
    private final LookupKey lookupKey = new LookupKey();
    private final Message message = new Message();
    private final ConcurrentHashMap<String, ClientSubscription> subs = new ConcurrentHashMap<>();
    /** Targets dirtied by the current read batch; owned by this connection's event loop. */
    private final ArrayList<ClientConnection> flushTargets = new ArrayList<>();
    /** Targets on this loop whose buffer reached {@link #FLUSH_AT_BYTES} during the current read. Own loop. */
    private final ArrayList<ClientConnection> fullTargets = new ArrayList<>();
    private final Runnable flushTask = this::flushNow;
    private final Runnable stallCheck = this::checkStall;
    private final Instant started = Instant.now();

    private Channel channel;
    private EventLoop loop;
    private String remoteHost = "";
    private int remotePort;
    private String logPrefix = "";
    private ByteBuf cumulation;
    private boolean inRead;
    /** A target past half its max_pending during the current read; the publisher stalls after the read. */
    private ClientConnection stallTarget;
    private ClientConnection stalledOn;
    private long stallStartNanos;
    private boolean receivedSinceTick;
    /** When the client last sent anything (per read, not per message); read by monitoring. */
    private volatile long lastActivityMillis = System.currentTimeMillis();

    private volatile Account account;
    /** Null when the user may publish and subscribe anywhere (the common case costs nothing). */
    volatile PermissionsSession permissions;
    private volatile String user;
    /** The nonce sent in this connection's INFO for nkey users to sign, or null. */
    private String nonce;
    private volatile boolean closed;
    private volatile CloseReason closeReason;
    /** The subscriptions held when the connection closed (null while open); read by monitoring. */
    private volatile List<SubscriptionDetail> subscriptionsAtClose;
    private volatile ConnectOptions connect;
    private boolean connectReceived;
    private boolean verbose;
    /**
     * CONNECT's pedantic (on unless the client turns it off, as in nats-server): publishing to a subject that is not
     * a valid literal subject (wildcards, empty tokens) is reported; the message is handled all the same.
     */
    private boolean pedantic;
    boolean echo = true; // read by Router on this connection's own thread (it is the publisher)
    private boolean headers;
    private boolean noResponders;
    private boolean trace;

    private long inMsgs;
    private long inBytes;

    /** Guards {@link #out}, {@link #flushPending}, {@link #slow} and the outbound counters. */
    private final ReentrantLock outLock = new ReentrantLock();
    private ByteBuf out;
    /**
     * Full buffers ahead of {@link #out}, waiting for the next flush in order (null: none). A large frame that does
     * not fit starts a new buffer instead of growing {@code out}, which would copy everything buffered so far: a
     * consumer delivering 128 KB object chunks faster than the loop flushes copied megabytes per chunk.
     */
    private ArrayDeque<ByteBuf> sealed;
    private long sealedBytes;
    private boolean flushPending;
    private boolean slow;
    private long outMsgs;
    private long outBytes;

    private ScheduledFuture<?> pingTimer;
    private ScheduledFuture<?> authTimer;
    private ScheduledFuture<?> expiryTimer;
    private ScheduledFuture<?> accountExpiryTimer;
    /** The user's own limits (from its JWT); the account's and the server's apply on top. Own loop. */
    private ClientHost.UserLimits userLimits = ClientHost.UserLimits.UNLIMITED;
    /** Most subscriptions this connection may hold, -1 for no limit ({@link #applyLimits}). Own loop. */
    private int maxSubs = -1;
    private int pingsOut;
    private long pingSentNanos;
    private volatile long rttNanos;
    private long stallEpoch;

    public ClientConnection(ClientHost host, long cid) {
        this.host = host;
        this.cid = cid;
        ServerOptions options = host.options();
        this.parser = new ClientParser(options.maxControlLine(), options.maxPayload());
        this.trace = options.trace();
        this.maxSubs = options.maxSubscriptions() > 0 ? options.maxSubscriptions() : -1;
    }

    // ---------------------------------------------------------------- Netty events (own event loop)

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        starting = !host.ready();
        channel = ctx.channel();
        loop = channel.eventLoop();
        if (channel.remoteAddress() instanceof InetSocketAddress address) {
            remoteHost = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
            remotePort = address.getPort();
        }
        logPrefix = remoteHost + ":" + remotePort + " - cid:" + cid + " - ";
        if (!starting) {
            begin();
            return;
        }
        // Accepted while the server is still starting: nothing is read or sent until it is ready.
        channel.config().setAutoRead(false);
        host.whenReady(() -> loop.execute(() -> {
            if (channel.isActive() && !closed) {
                channel.config().setAutoRead(true);
                begin();
            }
        }));
    }

    /** Whether the server had not finished starting when this connection was accepted. */
    private boolean starting;

    /** Counts the connection in, starts its timers and sends INFO (own event loop). */
    private void begin() {
        ServerOptions options = host.options();
        if (!host.opened(this)) {
            queueProto(host.infoLine(this));
            LOG.error("{}maximum connections exceeded", logPrefix);
            closeWithError("maximum connections exceeded", CloseReason.MAX_CONNECTIONS_EXCEEDED);
            return;
        }
        LOG.debug("{}Client connection created", logPrefix);
        if (host.nonceRequired()) {
            nonce = Nonces.next();
        }
        if (host.authRequired()) {
            parser.connectRequired(true);
            authTimer = loop.schedule(this::authTimeout, options.authTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } else {
            attach(host.authenticate(this, new ConnectOptions()).toCompletableFuture().getNow(null));
        }
        long interval = options.pingInterval().toNanos();
        pingTimer = loop.scheduleAtFixedRate(this::pingTick, interval, interval, TimeUnit.NANOSECONDS);
        queueProto(host.infoLine(this));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (closed) {
            in.release();
            return;
        }
        inRead = true;
        receivedSinceTick = true;
        lastActivityMillis = System.currentTimeMillis();
        ByteBuf buf;
        if (cumulation == null) {
            buf = in;
        } else {
            cumulation = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
            buf = cumulation;
        }
        parseAndKeep(buf, in);
    }

    /**
     * Parses what {@code buf} holds and keeps an incomplete operation (or everything after a pause) as the
     * cumulation for the next read; then flushes the targets this read wrote to. {@code in} is the read that was
     * just received (null when resuming on the kept bytes).
     */
    private void parseAndKeep(ByteBuf buf, ByteBuf in) {
        ParseResult result = parser.parse(buf, this);
        if (result != ParseResult.OK) {
            protocolError(result);
        }
        if (closed || !buf.isReadable()) {
            buf.release();
            cumulation = null;
        } else if (buf == in) {
            cumulation = in; // keep the partial operation; the next read is merged after it
        } else {
            cumulation.discardSomeReadBytes();
        }
        flushTargets();
        if (stallTarget != null) {
            stall(stallTarget);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushTargets();
    }

    private void flushTargets() {
        inRead = false;
        ArrayList<ClientConnection> full = fullTargets;
        for (int i = 0, n = full.size(); i < n; i++) {
            full.get(i).flushNow();
        }
        full.clear();
        ArrayList<ClientConnection> targets = flushTargets;
        for (int i = 0, n = targets.size(); i < n; i++) {
            targets.get(i).requestFlush();
        }
        targets.clear();
    }

    /** Stops reading from this publisher until {@code target} drains (own event loop). */
    private void stall(ClientConnection target) {
        stallTarget = null;
        if (stalledOn != null || closed) {
            return;
        }
        stalledOn = target;
        stallStartNanos = System.nanoTime();
        channel.config().setAutoRead(false);
        loop.schedule(stallCheck, STALL_POLL_NANOS, TimeUnit.NANOSECONDS);
    }

    private void checkStall() {
        ClientConnection target = stalledOn;
        if (target == null || closed) {
            return;
        }
        boolean drained = target.closed || target.pendingBytes() <= host.options().maxPending() / 2;
        if (drained || System.nanoTime() - stallStartNanos >= STALL_MAX_NANOS) {
            stalledOn = null;
            channel.config().setAutoRead(true);
        } else {
            loop.schedule(stallCheck, STALL_POLL_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    /** Bytes queued for this client and not yet written to its socket. Any thread. */
    public long pendingBytes() {
        outLock.lock();
        try {
            return (out == null ? 0 : out.readableBytes()) + sealedBytes + channelPendingBytes();
        } finally {
            outLock.unlock();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Write deadline: a socket that stays unwritable this long belongs to a slow consumer.
        long epoch = ++stallEpoch;
        if (!channel.isWritable()) {
            loop.schedule(() -> {
                if (!closed && stallEpoch == epoch && !channel.isWritable()) {
                    slowConsumer(CloseReason.SLOW_CONSUMER_WRITE_DEADLINE);
                }
            }, host.options().writeDeadline().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        close(CloseReason.CLIENT_CLOSED, false);
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake && handshake.isSuccess()) {
            LOG.debug("{}TLS handshake complete", logPrefix);
        } else if (event instanceof SslCloseCompletionEvent) {
            // A TLS close_notify is the client closing its side, as a FIN is without TLS; under TLS 1.3 the engine
            // does not answer it, so without this the client would wait for our close.
            close(CloseReason.CLIENT_CLOSED, false);
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (closed) {
            LOG.debug("{}error after close: {}", logPrefix, cause.toString());
            return;
        }
        Throwable tls = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (tls instanceof SSLException) {
            // nats-server logs failed handshakes as errors and closes with "TLS Handshake Failure".
            // Netty's message for a plaintext record dumps the whole read in hex; say what nats-server says.
            String why = tls instanceof NotSslRecordException ? "first record does not look like a TLS handshake"
                    : tls.getMessage();
            LOG.error("{}TLS handshake error: {}", logPrefix, why);
            close(CloseReason.TLS_HANDSHAKE_ERROR, false);
            return;
        }
        if (cause instanceof IOException) {
            LOG.debug("{}read error: {}", logPrefix, cause.getMessage());
        } else {
            LOG.error("{}unexpected error", logPrefix, cause);
        }
        close(CloseReason.READ_ERROR, false);
    }

    // ---------------------------------------------------------------- protocol operations (own event loop)

    @Override
    public void onConnect(ByteBuf buf, int offset, int length) {
        if (trace) {
            traceIn("CONNECT " + buf.toString(offset, length, StandardCharsets.UTF_8));
        }
        ConnectOptions options;
        try {
            options = ConnectJson.decode(ByteBufUtil.getBytes(buf, offset, length, false),
                    connect != null ? connect : new ConnectOptions());
        } catch (IOException e) {
            // nats-server's read loop closes any CONNECT it cannot unmarshal as a protocol violation.
            LOG.error("{}processConnect failed: {}", logPrefix, e.getMessage());
            close(CloseReason.PROTOCOL_VIOLATION, true);
            return;
        }
        boolean headersGranted = options.headers && !host.options().noHeaderSupport();
        if (connectReceived) {
            clearSubscriptions();
        }
        if (host.authRequired() || account == null) {
            CompletableFuture<ClientHost.Authenticated> pending =
                    host.authenticate(this, options).toCompletableFuture();
            if (!pending.isDone()) {
                // An authentication service decides (auth callout): take nothing more from this client until then.
                parser.pause();
                channel.config().setAutoRead(false);
                pending.whenComplete((who, error) -> loop.execute(() -> authenticated(options, headersGranted,
                        error == null ? who : null, true)));
                return;
            }
            authenticated(options, headersGranted, pending.getNow(null), false);
            return;
        }
        connected(options, headersGranted);
    }

    /** The outcome of authenticating a CONNECT; {@code resumed} when it came later and reading must restart. */
    private void authenticated(ConnectOptions options, boolean headersGranted, ClientHost.Authenticated who,
                               boolean resumed) {
        if (closed) {
            return; // timed out, or the server closed it meanwhile
        }
        if (who == null) {
            connect = options; // monitoring lists a refused client with the name it gave, as nats-server does
            authorizationViolation();
            return;
        }
        attach(who);
        if (closed) {
            return; // over the account's connection limit, or credentials already expired
        }
        connected(options, headersGranted);
        if (resumed) {
            parser.resume();
            channel.config().setAutoRead(true);
            if (cumulation != null) {
                inRead = true;
                parseAndKeep(cumulation, null);
            }
        }
    }

    private void connected(ConnectOptions options, boolean headersGranted) {
        if (options.designatesAccount()) {
            // nats-server: "Check for Account designation ... Now its considered an error", after authentication.
            authorizationViolation();
            return;
        }
        // Then, as in nats-server, the protocol version and no_responders: after authentication, so that a client
        // with wrong credentials hears only "Authorization Violation".
        if (!options.protocolSupported()) {
            LOG.error("{}invalid client protocol", logPrefix);
            closeWithError("invalid client protocol", CloseReason.BAD_CLIENT_PROTOCOL_VERSION);
            return;
        }
        if (options.noResponders && !headersGranted) {
            LOG.error("{}no responders requires headers support", logPrefix);
            closeWithError("no responders requires headers support", CloseReason.NO_RESPONDERS_REQUIRES_HEADERS);
            return;
        }
        if (authTimer != null) {
            authTimer.cancel(false);
            authTimer = null;
        }
        parser.connectRequired(false);
        connect = options;
        verbose = options.verbose;
        pedantic = options.pedantic;
        echo = options.echo;
        headers = headersGranted;
        noResponders = options.noResponders;
        parser.headersAllowed(headers);
        if (!connectReceived) {
            connectReceived = true;
            // Until a PING of ours is answered, the round trip is estimated as nats-server does: the time from
            // accepting the connection to its CONNECT (at least 1 µs). Nats-Request-Info carries it.
            rttNanos = Math.max(1_000, java.time.Duration.between(started, Instant.now()).toNanos());
            loop.schedule(this::firstPing, FIRST_PING_DELAY_MILLIS, TimeUnit.MILLISECONDS);
            host.connected(this);
        }
        ok();
    }

    @Override
    public void onPublish(ByteBuf buf, PubArgs a) {
        Account acc = account;
        if (acc == null) {
            authorizationViolation();
            return;
        }
        if (trace) {
            traceIn(publishLine(a));
        }
        inMsgs++;
        inBytes += a.totalLength;
        MsgTrace msgTrace = null;
        // Message tracing costs nothing without headers, and a scan of the header lines with them.
        if (a.hasHeaders()
                && MsgTraceHeaders.mayTrace(buf, a.dataOffset, a.headerLength, acc.traceDestination() != null)) {
            MsgTrace.Start start = MsgTrace.start(this, acc, buf, a);
            if (start.skip()) {
                return;
            }
            msgTrace = start.trace();
            if (start.buf() != null) {
                buf = start.buf();
                a = start.args();
            }
        }
        SubjectMappings mappings = acc.mappings();
        PubArgs published = a;
        if (!mappings.isEmpty()) {
            a = mapped(a, mappings);
            if (msgTrace != null && a != null && a != published) {
                msgTrace.subjectMapping(a.subject());
            }
        }
        if (trace) {
            tracePayload("<<-", buf, published.dataOffset, published.totalLength);
        }
        if (a == null) {
            ok(); // the mapping dropped it (weights under 100%, or a subject no one may publish to)
            sendTrace(msgTrace);
            return;
        }
        PermissionsSession perms = permissions;
        if (perms != null && !perms.canPublish(a.line, a.subjectOffset, a.subjectLength)) {
            String error = PermissionsViolation.publish(a.line, a.subjectOffset, a.subjectLength);
            LOG.error("{}Publish Violation - {}", logPrefix, error);
            sendErr(error);
            if (msgTrace != null) {
                msgTrace.ingressError(error);
                sendTrace(msgTrace);
            }
            return;
        }
        MatchResult result = acc.index().match(a.line, a.subjectOffset, a.subjectLength, lookupKey);
        if (result == MatchResult.INVALID) {
            // An empty token: reported to pedantic clients only, then handled as a message nobody receives.
            if (pedantic) {
                sendErr("Invalid Publish Subject");
            }
            ok(); // nats-server still acknowledges the PUB itself to a verbose client
            if (noResponders && a.hasReply()) {
                sendNoResponders(a);
            }
            sendTrace(msgTrace);
            return;
        }
        if (pedantic && Subjects.hasWildcard(a.subject())) {
            sendErr("Invalid Publish Subject"); // nats-server 2.10+: reported to pedantic clients, delivered anyway
        }
        ok();
        if (!Router.deliver(result, message.reset(acc, buf, a, this, 0, msgTrace)) && noResponders
                && a.hasReply()) {
            sendNoResponders(a);
        }
        sendTrace(msgTrace);
    }

    /** Publishes a message trace, once the message was handled; nothing when it was not traced. */
    private void sendTrace(MsgTrace msgTrace) {
        if (msgTrace != null) {
            msgTrace.send(host.eventServerInfo());
        }
    }

    /**
     * Refuses a publish to {@code subject} that the user's permissions do not allow: {@code -ERR} to the client,
     * an error in the log; the connection stays. Own loop.
     */
    void publishViolation(String subject) {
        String error = PermissionsViolation.publish(subject);
        LOG.error("{}Publish Violation - {}", logPrefix, error);
        sendErr(error);
    }

    /** {@code a} under its mapped subject; {@code a} itself when no mapping applies; null when dropped. */
    private PubArgs mapped(PubArgs a, SubjectMappings mappings) {
        String subject = a.subject();
        String to = mappings.map(subject);
        if (to.equals(subject)) {
            return a;
        }
        if (to.isEmpty() || !Subjects.isValidPublishSubject(to)) {
            return null;
        }
        if (trace) {
            traceIn("MAPPING " + subject + " -> " + to);
        }
        return a.withSubject(to, a.reply());
    }

    @Override
    public void onSubscribe(String subject, String queue, String sid) {
        Account acc = account;
        if (acc == null) {
            authorizationViolation();
            return;
        }
        if (trace) {
            traceIn("SUB " + subject + (queue == null ? " " : " " + queue + " ") + sid);
        }
        if (!Subjects.isValidSubscribeSubject(subject) || (queue != null && !Subjects.isValidQueueName(queue))) {
            sendErr("Invalid Subject");
            return;
        }
        if (maxSubs >= 0 && subs.size() >= maxSubs) {
            LOG.error("{}maximum subscriptions exceeded", logPrefix);
            sendErr("maximum subscriptions exceeded");
            return;
        }
        if (subs.containsKey(sid)) {
            ok(); // nats-server keeps the first subscription for a repeated sid
            return;
        }
        PermissionsSession perms = permissions;
        PermissionsPolicy.SubscribeDecision decision = perms == null ? PermissionsPolicy.SubscribeDecision.ALLOWED
                : perms.policy().checkSubscribe(subject, queue);
        if (decision == PermissionsPolicy.SubscribeDecision.DENIED) {
            String error = PermissionsViolation.subscribe(subject, queue);
            LOG.error("{}Subscription Violation - {}", logPrefix, error);
            sendErr(error);
            return;
        }
        ClientSubscription sub = new ClientSubscription(this, subject, queue, sid,
                decision == PermissionsPolicy.SubscribeDecision.FILTERED);
        subs.put(sid, sub);
        acc.index().insert(sub);
        ok();
    }

    @Override
    public void onUnsubscribe(String sid, long max) {
        if (account == null) {
            authorizationViolation();
            return;
        }
        if (trace) {
            traceIn("UNSUB " + sid + (max > 0 ? " " + max : ""));
        }
        ClientSubscription sub = subs.get(sid);
        if (sub != null) {
            boolean keep;
            outLock.lock();
            try {
                keep = max > 0 && sub.delivered < max;
                if (keep) {
                    sub.max = max;
                }
            } finally {
                outLock.unlock();
            }
            if (!keep) {
                removeSubscription(sub);
            }
        }
        ok();
    }

    @Override
    public void onPing() {
        if (trace) {
            traceIn("PING");
        }
        if (account == null) {
            authorizationViolation();
            return;
        }
        queueProto(PONG);
    }

    @Override
    public void onPong() {
        if (trace) {
            traceIn("PONG");
        }
        pingsOut = 0;
        if (pingSentNanos != 0) {
            rttNanos = System.nanoTime() - pingSentNanos;
            pingSentNanos = 0;
        }
    }

    // ---------------------------------------------------------------- delivery (publisher's thread)

    /**
     * Appends a MSG/HMSG frame for {@code sub} to this connection's outbound buffer. Called on the publisher's
     * thread; {@code publisher} is remembered for the end-of-batch flush when this buffer was clean.
     */
    boolean enqueueMessage(ClientSubscription sub, ByteBuf buf, PubArgs a, ClientConnection publisher) {
        boolean withHeaders = a.hasHeaders() && headers;
        int dataOffset = a.dataOffset;
        int total = a.totalLength;
        if (a.hasHeaders() && !headers) {
            // A subscriber that did not announce header support receives the payload alone.
            dataOffset += a.headerLength;
            total -= a.headerLength;
        }
        boolean needFlush;
        boolean filled;
        boolean becameSlow = false;
        boolean last;
        outLock.lock();
        try {
            if (closed || slow) {
                return false;
            }
            long max = sub.max;
            if (max > 0 && sub.delivered >= max) {
                return false;
            }
            last = ++sub.delivered == max;
            ByteBuf o = outBufferFor(total + a.subjectLength + a.replyLength + sub.sidBytes.length + 48);
            int before = o.readableBytes();
            o.writeBytes(withHeaders ? HMSG : MSG);
            o.writeBytes(a.line, a.subjectOffset, a.subjectLength);
            o.writeByte(' ');
            o.writeBytes(sub.sidBytes);
            o.writeByte(' ');
            if (a.hasReply()) {
                o.writeBytes(a.line, a.replyOffset, a.replyLength);
                o.writeByte(' ');
            }
            if (withHeaders) {
                writeDecimal(o, a.headerLength);
                o.writeByte(' ');
            }
            writeDecimal(o, total);
            o.writeShort(CRLF);
            o.writeBytes(buf, dataOffset, total);
            o.writeShort(CRLF);
            outMsgs++;
            outBytes += total;
            long pending = o.readableBytes() + sealedBytes + channelPendingBytes();
            long maxPending = host.options().maxPending();
            if (pending > maxPending) {
                slow = true;
                becameSlow = true;
            } else if (pending > maxPending / 2 && publisher != null && publisher != this) {
                publisher.stallTarget = this; // read on the publisher's own thread, after this read
            }
            needFlush = !flushPending;
            flushPending = true;
            filled = before < FLUSH_AT_BYTES && o.readableBytes() >= FLUSH_AT_BYTES;
        } finally {
            outLock.unlock();
        }
        if (trace) {
            LOG.trace("{}->> [{} {} {}{}{}]", logPrefix, withHeaders ? "HMSG" : "MSG", a.subject(), sub.sid,
                    a.hasReply() ? " " + a.reply() : "", withHeaders ? " " + a.headerLength + " " + total : " " + total);
            tracePayload("->>", buf, dataOffset, total);
        }
        if (becameSlow) {
            loop.execute(() -> slowConsumer(CloseReason.SLOW_CONSUMER_PENDING_BYTES));
        } else {
            if (needFlush) {
                if (publisher != null && publisher.inRead) {
                    publisher.flushTargets.add(this);
                } else {
                    requestFlush();
                }
            }
            if (filled && publisher != null && publisher.inRead && publisher.loop == loop) {
                // Written after this read; the flush task it is registered for finds less or nothing. (On another
                // loop, that task runs when its loop gets to it anyway.)
                publisher.fullTargets.add(this);
            }
        }
        if (last) {
            removeSubscription(sub);
        }
        return true;
    }

    /** Whether {@code sub} is still one of this connection's subscriptions (not unsubscribed). Any thread. */
    boolean holds(ClientSubscription sub) {
        return subs.get(sub.sid) == sub;
    }

    /**
     * Why {@link #enqueueMessage} refuses {@code sub} now, in nats-server's trace words, or null when it would
     * not. For message traces; any thread.
     */
    String refusal(ClientSubscription sub) {
        outLock.lock();
        try {
            if (closed || slow) {
                return MsgTrace.CLIENT_CLOSED;
            }
            return sub.max > 0 && sub.delivered >= sub.max ? MsgTrace.AUTO_UNSUBSCRIBE_EXCEEDED : null;
        } finally {
            outLock.unlock();
        }
    }

    private void sendNoResponders(PubArgs a) {
        String reply = a.reply();
        for (ClientSubscription sub : subs.values()) {
            if (Subjects.matches(sub.subject(), reply)) {
                byte[] line = ascii("HMSG " + reply + " " + sub.sid + " " + NO_RESPONDERS_HEADER.length + " "
                        + NO_RESPONDERS_HEADER.length + "\r\n");
                byte[] frame = new byte[line.length + NO_RESPONDERS_HEADER.length + 2];
                System.arraycopy(line, 0, frame, 0, line.length);
                System.arraycopy(NO_RESPONDERS_HEADER, 0, frame, line.length, NO_RESPONDERS_HEADER.length);
                frame[frame.length - 2] = '\r';
                frame[frame.length - 1] = '\n';
                queueProto(frame);
                return;
            }
        }
    }

    // ---------------------------------------------------------------- outbound buffer

    /** Must hold {@link #outLock}. */
    private ByteBuf outBuffer() {
        return outBufferFor(0);
    }

    /** The buffer to append a frame of about {@code frame} bytes to (see {@link #sealed}). Under outLock. */
    private ByteBuf outBufferFor(int frame) {
        ByteBuf o = out;
        if (o == null) {
            o = channel.alloc().directBuffer(Math.max(INITIAL_OUT_CAPACITY, frame));
            out = o;
        } else if (frame > o.writableBytes() && o.readableBytes() >= FLUSH_AT_BYTES) {
            if (sealed == null) {
                sealed = new ArrayDeque<>();
            }
            sealed.add(o);
            sealedBytes += o.readableBytes();
            o = channel.alloc().directBuffer(Math.max(INITIAL_OUT_CAPACITY, frame));
            out = o;
        }
        return o;
    }

    private long channelPendingBytes() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /**
     * Flushes the outbound buffer on this connection's event loop as a task: it runs once the loop has finished its
     * current pass of reads (every ready channel, up to 4 reads each), so a subscriber gets all of them in one write.
     * Any thread.
     */
    void requestFlush() {
        loop.execute(flushTask);
    }

    private void flushNow() {
        ByteBuf o;
        ArrayDeque<ByteBuf> full;
        outLock.lock();
        try {
            o = out;
            out = null;
            full = sealed;
            sealed = null;
            sealedBytes = 0;
            flushPending = false;
        } finally {
            outLock.unlock();
        }
        if (writeOut(full, o, channel.isActive())) {
            channel.flush();
        }
    }

    /**
     * Writes (without flushing) the full buffers, then {@code last}, when {@code write}; releases them otherwise.
     * Returns whether anything was written. Either may be null.
     */
    private boolean writeOut(ArrayDeque<ByteBuf> full, ByteBuf last, boolean write) {
        boolean wrote = false;
        if (full != null) {
            for (ByteBuf b : full) {
                if (write) {
                    channel.write(b, channel.voidPromise());
                    wrote = true;
                } else {
                    b.release();
                }
            }
        }
        if (last != null) {
            if (write && last.isReadable()) {
                channel.write(last, channel.voidPromise());
                wrote = true;
            } else {
                last.release();
            }
        }
        return wrote;
    }

    /** Queues a protocol line written by this connection itself (own event loop only). */
    private void queueProto(byte[] bytes) {
        if (trace) {
            traceOut(bytes);
        }
        boolean needFlush;
        outLock.lock();
        try {
            if (closed) {
                return;
            }
            outBuffer().writeBytes(bytes);
            needFlush = !flushPending;
            flushPending = true;
        } finally {
            outLock.unlock();
        }
        if (needFlush) {
            if (inRead) {
                flushTargets.add(this);
            } else {
                flushNow();
            }
        }
    }

    private void ok() {
        if (verbose) {
            queueProto(OK);
        }
    }

    /** A non-fatal error: the connection stays open. */
    private void sendErr(String text) {
        queueProto(ascii("-ERR '" + text + "'\r\n"));
    }

    private void closeWithError(String text, CloseReason reason) {
        sendErr(text);
        close(reason, true);
    }

    private void authorizationViolation() {
        LOG.error("{}Authorization Error", logPrefix);
        closeReason = CloseReason.AUTHENTICATION_VIOLATION;
        host.authenticationFailed(this);
        closeWithError("Authorization Violation", CloseReason.AUTHENTICATION_VIOLATION);
    }

    private void protocolError(ParseResult result) {
        LOG.error("{}{}", logPrefix, parser.errorDetail());
        CloseReason reason = switch (result) {
            case MAX_PAYLOAD -> CloseReason.MAX_PAYLOAD_EXCEEDED;
            case MAX_CONTROL_LINE -> CloseReason.MAX_CONTROL_LINE_EXCEEDED;
            // nats-server says "Parse Error" only for a client's -ERR (processErr); its read loop closes every other
            // parser error as a protocol violation.
            case CLIENT_ERROR -> CloseReason.PARSE_ERROR;
            default -> CloseReason.PROTOCOL_VIOLATION;
        };
        if (result == ParseResult.AUTHORIZATION_VIOLATION) {
            authorizationViolation();
        } else if (result.errText() != null) {
            closeWithError(result.errText(), reason);
        } else {
            close(reason, true);
        }
    }

    // ---------------------------------------------------------------- timers (own event loop)

    private void authExpired() {
        if (!closed) {
            LOG.debug("{}User Authentication Expired", logPrefix);
            closeWithError("User Authentication Expired", CloseReason.AUTHENTICATION_EXPIRED);
        }
    }

    private void accountAuthExpired() {
        if (!closed) {
            LOG.debug("{}Account Authentication Expired", logPrefix);
            closeWithError("Account Authentication Expired", CloseReason.AUTHENTICATION_EXPIRED);
        }
    }

    private void authTimeout() {
        if (!closed && !connectReceived) {
            LOG.error("{}Authentication Timeout", logPrefix);
            closeWithError("Authentication Timeout", CloseReason.AUTHENTICATION_TIMEOUT);
        }
    }

    private void firstPing() {
        if (!closed && pingsOut == 0) {
            sendPing();
        }
    }

    private void pingTick() {
        if (closed) {
            return;
        }
        if (receivedSinceTick) {
            // Traffic from the client proves it alive; nats-server skips the PING then.
            receivedSinceTick = false;
            pingsOut = 0;
            return;
        }
        if (pingsOut + 1 > host.options().maxPingsOut()) {
            LOG.debug("{}Stale Client Connection - Closing", logPrefix);
            host.stats().staleConnections.incrementAndGet();
            closeWithError("Stale Connection", CloseReason.STALE_CONNECTION);
            return;
        }
        sendPing();
    }

    private void sendPing() {
        pingsOut++;
        pingSentNanos = System.nanoTime();
        queueProto(PING);
    }

    private void slowConsumer(CloseReason reason) {
        if (closed) {
            return;
        }
        host.stats().slowConsumers.incrementAndGet();
        LOG.warn("{}Slow Consumer Detected: {}", logPrefix, reason == CloseReason.SLOW_CONSUMER_WRITE_DEADLINE
                ? "WriteDeadline of " + host.options().writeDeadline().toMillis() + "ms exceeded"
                : "MaxPending of " + host.options().maxPending() + " exceeded");
        close(reason, false);
    }

    // ---------------------------------------------------------------- lifecycle

    private void attach(ClientHost.Authenticated who) {
        PermissionsPolicy policy = who.permissions();
        permissions = policy == null || policy == PermissionsPolicy.UNRESTRICTED ? null
                : new PermissionsSession(policy, System::nanoTime);
        user = who.user();
        userLimits = who.limits();
        if (!attach(who.account())) {
            LOG.error("{}{}", logPrefix, "maximum account active connections exceeded");
            closeWithError("maximum account active connections exceeded",
                    CloseReason.MAX_ACCOUNT_CONNECTIONS_EXCEEDED);
            return;
        }
        applyLimits();
        if (who.expires() != null) {
            long delay = who.expires().toEpochMilli() - System.currentTimeMillis();
            if (delay <= 0) {
                authExpired();
            } else {
                expiryTimer = loop.schedule(this::authExpired, delay, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Joins {@code acc}; false when the account is at its connection limit. */
    private boolean attach(Account acc) {
        if (account != acc) {
            if (account != null) {
                account.connectionClosed(this);
                account = null;
            }
            if (acc != null && !acc.connectionOpened(this)) {
                return false;
            }
            account = acc;
        }
        return true;
    }

    /**
     * Sets the payload and subscription limits: the smallest of the server's, the account's and the user's, as
     * nats-server does. Own loop.
     */
    private void applyLimits() {
        ServerOptions options = host.options();
        Account acc = account;
        Account.Limits accountLimits = acc == null ? Account.Limits.UNLIMITED : acc.limits();
        int payload = smallestLimit(smallestLimit(options.maxPayload() > 0 ? options.maxPayload() : -1,
                accountLimits.maxPayload()), userLimits.maxPayload());
        parser.limits(options.maxControlLine(), payload < 0 ? Integer.MAX_VALUE : payload);
        maxSubs = smallestLimit(smallestLimit(options.maxSubscriptions() > 0 ? options.maxSubscriptions() : -1,
                accountLimits.maxSubscriptions()), userLimits.maxSubscriptions());
    }

    private static int smallestLimit(int a, int b) {
        return a < 0 ? b : b < 0 ? a : Math.min(a, b);
    }

    /**
     * A repeated CONNECT starts without subscriptions, as in nats-server: it may move the connection to another
     * user and account, and a subscription left in the old account's index would go on delivering that account's
     * messages to it, past a revocation of the old user and outside the new user's permissions. Own loop.
     */
    private void clearSubscriptions() {
        Account acc = account;
        for (ClientSubscription sub : subs.values()) {
            if (acc != null) {
                acc.index().remove(sub);
            }
        }
        subs.clear();
    }

    private void removeSubscription(ClientSubscription sub) {
        if (subs.remove(sub.sid, sub)) {
            Account acc = account;
            if (acc != null) {
                acc.index().remove(sub);
            }
        }
    }

    /** Closes the connection on its event loop (any thread may call this). */
    public void close(CloseReason reason) {
        if (loop.inEventLoop()) {
            close(reason, true);
        } else {
            loop.execute(() -> close(reason, true));
        }
    }

    /**
     * Applies reloaded options on the connection's own loop: parser limits and tracing, and a new INFO when it
     * changed ({@code infoLine} null otherwise). Any thread.
     */
    public void optionsChanged(byte[] infoLine) {
        loop.execute(() -> {
            trace = host.options().trace();
            applyLimits();
            if (infoLine != null) {
                queueProto(infoLine);
            }
        });
    }

    /**
     * Re-reads the account's limits after its JWT changed (any thread): a connection now over the subscription
     * limit is told and closed, as nats-server does.
     */
    public void accountLimitsChanged() {
        loop.execute(() -> {
            if (closed) {
                return;
            }
            applyLimits();
            if (maxSubs >= 0 && subs.size() > maxSubs) {
                LOG.error("{}maximum subscriptions exceeded", logPrefix);
                closeWithError("maximum subscriptions exceeded", CloseReason.MAX_SUBSCRIPTIONS_EXCEEDED);
            }
        });
    }

    /**
     * Closes the connection with "Account Authentication Expired" at {@code at}, as nats-server does when an
     * account JWT expires; a later call (the account JWT was updated) replaces the time, null cancels it. Any
     * thread; the timer always fires in a later task of the connection's loop, never inside this call.
     */
    public void accountExpires(Instant at) {
        Runnable set = () -> {
            if (closed) {
                return;
            }
            if (accountExpiryTimer != null) {
                accountExpiryTimer.cancel(false);
                accountExpiryTimer = null;
            }
            if (at != null) {
                long delay = Math.max(0, at.toEpochMilli() - System.currentTimeMillis());
                accountExpiryTimer = loop.schedule(this::accountAuthExpired, delay, TimeUnit.MILLISECONDS);
            }
        };
        if (loop.inEventLoop()) {
            set.run();
        } else {
            loop.execute(set);
        }
    }

    /** Replaces the connection's permissions (an account's default permissions changed). Any thread. */
    public void permissionsChanged(PermissionsPolicy policy) {
        loop.execute(() -> permissions = policy == null || policy == PermissionsPolicy.UNRESTRICTED ? null
                : new PermissionsSession(policy, System::nanoTime));
    }

    /**
     * Sends {@code -ERR '<text>'} and closes the connection, from any thread: revoked credentials ("User
     * Authentication Revoked"), an account over its connection limit, a kick.
     */
    public void terminate(String text, CloseReason reason) {
        loop.execute(() -> {
            if (!closed) {
                closeWithError(text, reason);
            }
        });
    }

    /** Sends a protocol line (e.g. an updated INFO) from any thread. */
    public void send(byte[] line) {
        if (loop.inEventLoop()) {
            queueProto(line);
        } else {
            loop.execute(() -> queueProto(line));
        }
    }

    private void close(CloseReason reason, boolean flushPendingOutput) {
        if (closed) {
            return;
        }
        closeReason = reason;
        closed = true;
        parser.stop();
        if (pingTimer != null) {
            pingTimer.cancel(false);
        }
        if (authTimer != null) {
            authTimer.cancel(false);
        }
        if (expiryTimer != null) {
            expiryTimer.cancel(false);
        }
        if (accountExpiryTimer != null) {
            accountExpiryTimer.cancel(false);
        }
        // Monitoring lists a closed connection with the subscriptions it had, as nats-server does.
        subscriptionsAtClose = subscriptionDetails();
        Account acc = account;
        for (ClientSubscription sub : subs.values()) {
            if (acc != null) {
                acc.index().remove(sub);
            }
        }
        subs.clear();
        if (acc != null) {
            acc.connectionClosed(this);
        }
        ServerStats stats = host.stats();
        stats.closedInMsgs.add(inMsgs);
        stats.closedInBytes.add(inBytes);
        ByteBuf o;
        ArrayDeque<ByteBuf> full;
        outLock.lock();
        try {
            o = out;
            out = null;
            full = sealed;
            sealed = null;
            sealedBytes = 0;
        } finally {
            outLock.unlock();
        }
        host.closed(this);
        LOG.debug("{}{} - Client connection closed: {}", logPrefix, "", reason.text());
        if (writeOut(full, o, flushPendingOutput && channel.isActive())) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    // ---------------------------------------------------------------- accessors (any thread; monitoring)

    public long cid() {
        return cid;
    }

    public Account account() {
        return account;
    }

    public String remoteHost() {
        return remoteHost;
    }

    public int remotePort() {
        return remotePort;
    }

    public Instant started() {
        return started;
    }

    /** When the client last sent bytes. */
    public Instant lastActivity() {
        return Instant.ofEpochMilli(lastActivityMillis);
    }

    public boolean isClosed() {
        return closed;
    }

    public CloseReason closeReason() {
        return closeReason;
    }

    /** The CONNECT the client sent, or null before it. */
    public ConnectOptions connectOptions() {
        return connect;
    }

    /** The certificate the client presented in the TLS handshake, or null (no TLS, none presented). */
    public X509Certificate peerCertificate() {
        SslHandler ssl = channel == null ? null : channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x509 ? x509 : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** The nonce this connection's INFO carried, or null. */
    public String nonce() {
        return nonce;
    }

    /** The authenticated user's name (or nkey), or null. */
    public String user() {
        return user;
    }

    public long rttNanos() {
        return rttNanos;
    }

    /** Messages and bytes received from this client (read without synchronisation: approximate while live). */
    @Override
    public long inMsgs() {
        return inMsgs;
    }

    @Override
    public long inBytes() {
        return inBytes;
    }

    public long outMsgs() {
        outLock.lock();
        try {
            return outMsgs;
        } finally {
            outLock.unlock();
        }
    }

    public long outBytes() {
        outLock.lock();
        try {
            return outBytes;
        } finally {
            outLock.unlock();
        }
    }

    public int subscriptionCount() {
        return subs.size();
    }

    public Collection<? extends Subscription> subscriptions() {
        return Collections.unmodifiableCollection(subs.values());
    }

    /** A subscription as monitoring reports it: sid, messages delivered so far and the auto-unsubscribe limit. */
    public record SubscriptionDetail(String subject, String queue, String sid, long msgs, long max) {
    }

    /**
     * The client's subscriptions with their delivery counts; once closed, the ones it held when it closed. Any
     * thread.
     */
    public List<SubscriptionDetail> subscriptionDetails() {
        List<SubscriptionDetail> atClose = subscriptionsAtClose;
        if (atClose != null) {
            return atClose;
        }
        List<SubscriptionDetail> list = new ArrayList<>(subs.size());
        outLock.lock();
        try {
            for (ClientSubscription sub : subs.values()) {
                list.add(new SubscriptionDetail(sub.subject(), sub.queue(), sub.sid, sub.delivered, sub.max));
            }
        } finally {
            outLock.unlock();
        }
        return list;
    }

    /** The TLS session of a TLS connection once its handshake is done, or null. Any thread. */
    public SSLSession tlsSession() {
        SslHandler ssl = channel == null ? null : channel.pipeline().get(SslHandler.class);
        if (ssl == null || !ssl.handshakeFuture().isSuccess()) {
            return null;
        }
        return ssl.engine().getSession();
    }

    @Override
    public String toString() {
        return logPrefix.isEmpty() ? "cid:" + cid : logPrefix.substring(0, logPrefix.length() - 3);
    }

    // ---------------------------------------------------------------- helpers

    private void traceIn(String line) {
        LOG.trace("{}<<- [{}]", logPrefix, line);
    }

    /** Traces an outbound protocol line as nats-server does: {@code ->> [PONG]}, without the CRLF. */
    private void traceOut(byte[] line) {
        int end = line.length;
        while (end > 0 && (line[end - 1] == '\n' || line[end - 1] == '\r' || line[end - 1] == ' ')) {
            end--;
        }
        LOG.trace("{}->> [{}]", logPrefix, new String(line, 0, end, StandardCharsets.UTF_8));
    }

    /** Traces a message body after its PUB or MSG line: {@code <<- MSG_PAYLOAD: ["hello"]} ({@link TracedPayload}). */
    private void tracePayload(String direction, ByteBuf buf, int offset, int length) {
        String text = TracedPayload.text(buf, offset, length, host.options().maxTracedMsgLen());
        if (text != null) {
            LOG.trace("{}{} MSG_PAYLOAD: {}", logPrefix, direction, text);
        }
    }

    private static String publishLine(PubArgs a) {
        StringBuilder sb = new StringBuilder(a.hasHeaders() ? "HPUB " : "PUB ");
        sb.append(a.subject()).append(' ');
        if (a.hasReply()) {
            sb.append(a.reply()).append(' ');
        }
        if (a.hasHeaders()) {
            sb.append(a.headerLength).append(' ');
        }
        return sb.append(a.totalLength).toString();
    }

    /** Writes a non-negative int in decimal without allocating. */
    static void writeDecimal(ByteBuf o, int value) {
        if (value < 10) {
            o.writeByte('0' + value);
            return;
        }
        int digits = 1;
        for (int v = value / 10; v > 0; v /= 10) {
            digits++;
        }
        o.ensureWritable(digits);
        int end = o.writerIndex() + digits;
        int v = value;
        for (int i = end - 1; i >= o.writerIndex(); i--) {
            o.setByte(i, '0' + v % 10);
            v /= 10;
        }
        o.writerIndex(end);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
