package io.natrix.server.client;

import io.natrix.server.account.Account;
import io.natrix.server.protocol.PubArgs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * One message in flight through the {@link Router}: where it was published (account, publishing connection), its
 * subject and reply (as offsets into a control line, {@link PubArgs}), and its headers and payload (as a slice of a
 * buffer). Nothing is copied to build one: a client's publish wraps the connection's reusable {@link PubArgs} and
 * input buffer. {@link InternalSubscription}s read it through the accessors, which copy on demand.
 *
 * <p>Valid only during the delivery call that receives it: the buffer and line are reused as soon as it returns.
 * A handler that needs the message later must copy what it needs ({@link #payload()}, {@link #headers()}).
 *
 * <p>Not thread-safe; used by the publishing thread only. A connection reuses one instance for its publishes
 * ({@link #reset}); messages re-published across accounts are fresh instances.
 */
public final class Message {
    private static final byte[] NO_BYTES = new byte[0];

    private Account account;
    /**
     * The account whose "sent" counters this message's deliveries to clients count toward: the account it is
     * matched in, except after a stream import, which counts in the account it came from (see {@link #sentFrom}).
     */
    private Account sentFrom;
    private ByteBuf buf;
    private PubArgs args;
    private ClientConnection publisher;
    private int hops;
    /** The share flag of the latest service import this message crossed as a request; null: none. */
    private Boolean serviceShare;
    /** Whether the message entered its account through a stream import (stream imports do not chain). */
    private boolean viaStreamImport;
    /** The trace that follows this message, or null (nearly always). */
    private MsgTrace trace;
    /**
     * The subject the message is routed on when that is not its own (a JetStream delivery: matched on the deliver
     * subject, carrying the subject it was stored under); null otherwise.
     */
    private String deliverTo;

    Message() {
    }

    private Message(Account account, ByteBuf buf, PubArgs args, ClientConnection publisher, int hops,
                    MsgTrace trace) {
        reset(account, buf, args, publisher, hops, trace);
    }

    Message reset(Account account, ByteBuf buf, PubArgs args, ClientConnection publisher, int hops,
                  MsgTrace trace) {
        this.account = account;
        this.sentFrom = account;
        this.buf = buf;
        this.args = args;
        this.publisher = publisher;
        this.hops = hops;
        this.serviceShare = null;
        this.viaStreamImport = false;
        this.trace = trace;
        this.deliverTo = null;
        return this;
    }

    /**
     * The same payload under another subject and reply, in another account, one hop further, with the header block
     * replaced by {@code headers} (null: kept, not copied) and followed by {@code trace} (null: not traced).
     */
    Message forward(Account to, String subject, String reply, byte[] headers, MsgTrace trace) {
        PubArgs a = args.withSubject(subject, reply);
        ByteBuf data = buf;
        if (headers != null) {
            int oldHeaderLength = Math.max(0, args.headerLength);
            int payloadLength = args.totalLength - oldHeaderLength;
            data = payloadLength == 0 ? Unpooled.wrappedBuffer(headers)
                    : Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(headers),
                            buf.slice(args.dataOffset + oldHeaderLength, payloadLength));
            a.headerLength = headers.length;
            a.totalLength = headers.length + payloadLength;
            a.dataOffset = 0;
        }
        Message m = new Message(to, data, a, publisher, hops + 1, trace);
        m.serviceShare = serviceShare;
        return m;
    }

    /**
     * Like {@link #forward}, for a message crossing a stream import; {@code subject} is the importer's subject for
     * the one it is routed on. A JetStream delivery keeps the subject it carries and is routed on {@code subject}
     * in the importer, as nats-server maps a deliver subject across a stream import.
     */
    Message forwardStream(Account to, String subject, String reply, MsgTrace trace) {
        Message m = forward(to, deliverTo == null ? subject : args.subject(), reply, null, trace);
        m.viaStreamImport = true;
        m.deliverTo = deliverTo == null ? null : subject;
        m.sentFrom = sentFrom;
        return m;
    }

    /** A message made by the server, carrying {@code subject} and routed on {@code deliverTo}. */
    static Message internalAs(Account account, String deliverTo, String subject, String reply, byte[] headers,
                              byte[] payload) {
        Message m = internal(account, subject, reply, headers, payload);
        m.deliverTo = deliverTo;
        return m;
    }

    /**
     * The subject the message is routed on: its own, or for a JetStream delivery the deliver subject (which
     * stream imports map; see {@link #forwardStream}).
     */
    public String routingSubject() {
        return deliverTo == null ? args.subject() : deliverTo;
    }

    /**
     * Whether the message came into its account through a stream import. nats-server does not pass such a message
     * on through the account's own stream exports: stream imports do not chain.
     */
    public boolean viaStreamImport() {
        return viaStreamImport;
    }

    /**
     * Like {@link #forward}, for a request crossing a service import whose share flag is {@code share}, with the
     * header block replaced by {@code headers} (null: kept). The payload is not copied.
     */
    Message forwardRequest(Account to, String subject, String reply, byte[] headers, boolean share,
                           MsgTrace trace) {
        Message m = forward(to, subject, reply, headers, trace);
        m.serviceShare = share;
        return m;
    }

    /** A message made by the server itself (no publishing connection). */
    static Message internal(Account account, String subject, String reply, byte[] headers, byte[] payload) {
        int headerLength = headers == null ? -1 : headers.length;
        ByteBuf data = headers == null ? Unpooled.wrappedBuffer(payload)
                : Unpooled.wrappedBuffer(headers, payload);
        PubArgs a = new PubArgs().withSubject(subject, reply);
        a.headerLength = headerLength;
        a.totalLength = data.readableBytes();
        a.dataOffset = 0;
        return new Message(account, data, a, null, 0, null);
    }

    /** The account the message was published in. */
    public Account account() {
        return account;
    }

    /**
     * The account whose "sent" traffic counts this message's deliveries to clients, as nats-server counts them
     * (server/client.go, processMsgResults updates the account whose subscription index it matched): the account
     * it is delivered in, or, for a message that crossed a stream import, the exporting account it was published
     * in. nats-server delivers imported streams through "shadow" subscriptions kept in the exporter's index, so
     * the exporter's count includes them and the importer's does not.
     */
    public Account sentFrom() {
        return sentFrom;
    }

    /** The connection that published it (the original client, also after re-publishing), or null for the server. */
    public ClientConnection publisher() {
        return publisher;
    }

    /** The trace that follows the message ({@link MsgTrace}), or null when it is not traced. */
    public MsgTrace trace() {
        return trace;
    }

    /** How many times the message crossed into another account (imports); bounds loops. */
    public int hops() {
        return hops;
    }

    /**
     * Whether the latest service import this message crossed as a request shares its requesters' details; null
     * when it crossed none (it was published in its account, or came by streams only).
     */
    public Boolean serviceShare() {
        return serviceShare;
    }

    public String subject() {
        return args.subject();
    }

    /** The reply subject, or null. */
    public String reply() {
        return args.reply();
    }

    public boolean hasHeaders() {
        return args.hasHeaders();
    }

    /** A copy of the header block ({@code NATS/1.0 ...} through the blank line), or null when there is none. */
    public byte[] headers() {
        return args.hasHeaders() ? ByteBufUtil.getBytes(buf, args.dataOffset, args.headerLength, true) : null;
    }

    /** A copy of the payload (without headers). */
    public byte[] payload() {
        int headerLength = Math.max(0, args.headerLength);
        int length = args.totalLength - headerLength;
        return length == 0 ? NO_BYTES : ByteBufUtil.getBytes(buf, args.dataOffset + headerLength, length, true);
    }

    /** Payload size in bytes, headers excluded. */
    public int payloadLength() {
        return args.totalLength - Math.max(0, args.headerLength);
    }

    ByteBuf buf() {
        return buf;
    }

    PubArgs args() {
        return args;
    }

    @Override
    public String toString() {
        return "Message{" + account + " " + subject() + (args.hasReply() ? " reply " + reply() : "") + ", "
                + args.totalLength + " bytes}";
    }
}
