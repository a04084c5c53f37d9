package io.natrix.server.client;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.account.Account;
import io.natrix.server.auth.PermissionsSession;
import io.natrix.server.protocol.PubArgs;
import io.natrix.server.subject.Subjects;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Message tracing, as nats-server 2.11 does it (ADR-41; server/msgtrace.go): a message published with the header
 * {@code Nats-Trace-Dest: <subject>} (or a sampled W3C {@code traceparent} in an account with a {@code msg_trace}
 * destination) makes the server record what happened to it, and publish that record as JSON to the subject, in
 * the publisher's account, once the message has been handled. {@code Nats-Trace-Only: true} records what would
 * have happened without delivering to any client.
 *
 * <pre>
 * {"server":{"name":"N","host":"0.0.0.0","id":"N","ver":"2.11.0","jetstream":false,"flags":0,"seq":7,
 *            "time":"2026-11-26T10:00:00.123456Z"},
 *  "request":{"header":{"Nats-Trace-Dest":["my.trace"]},"msgsize":36},
 *  "events":[
 *   {"type":"in","ts":"...","kind":0,"cid":5,"name":"pub","acc":"A","subj":"foo","error":"..."},  ingress, first
 *   {"type":"sm","ts":"...","to":"bar"},                          the account's mapping changed the subject
 *   {"type":"se","ts":"...","acc":"B","to":"B.bar"},              a stream import took it into account B
 *   {"type":"si","ts":"...","acc":"C","from":"bar","to":"svc"},   a service import took it into account C
 *   {"type":"eg","ts":"...","kind":0,"cid":6,"name":"sub","acc":"C","sub":"svc","queue":"q","error":"..."}
 *  ]}                                                             one per client subscription it reached or not
 * </pre>
 *
 * Field rules, as Go's encoding/json writes nats-server's structs: {@code name}, {@code error}, {@code hop},
 * {@code sub}, {@code queue} and an egress's {@code acc} are left out when empty; an egress names its account only
 * when it differs from the ingress's; header names keep their case and are sorted; times are RFC 3339 with
 * nanoseconds and no trailing zeros, in UTC. {@code hops} (routes, gateways, leaf nodes) and {@code js} events
 * never appear: Natrix has neither clustering nor JetStream streams yet. The event is compressed when the
 * message's {@code Accept-Encoding} asks for gzip or snappy (then with a {@code Content-Encoding} header); another
 * encoding gets {@code Content-Encoding: identity}.
 *
 * <p>Crossing accounts: an import records its crossing ({@link #serviceImport}, {@link #streamExport}); the trace
 * goes on in the other account only when the crossing has {@code allow_trace} (service: the export's; stream: the
 * import's). Otherwise the message goes on untraced, or, when tracing only, stops there.
 *
 * <p>Cost: a message without headers never gets here. One with headers pays a scan of its header lines for the
 * two names ({@link MsgTraceHeaders#mayTrace}); only a traced message is parsed, allocates, and takes the traced
 * delivery path ({@link TracedDelivery}).
 *
 * <p>Not thread-safe: one instance follows one message through its delivery on the publisher's thread (imports
 * forward synchronously), then {@link #send} publishes it.
 */
public final class MsgTrace {
    private static final Logger LOG = LoggerFactory.getLogger(MsgTrace.class);

    /** nats-server's connection kind of a client, the only kind Natrix has. */
    static final int KIND_CLIENT = 0;

    // Why a subscription did not get the message, in nats-server's words.
    static final String NO_ECHO = "Not delivered because of no echo";
    static final String SUBSCRIPTION_DENIES = "Not delivered because subscription denies this subject";
    static final String SUBSCRIPTION_CLOSED = "Not delivered because subscription is closed";
    static final String CLIENT_CLOSED = "Not delivered because client is closed";
    static final String AUTO_UNSUBSCRIBE_EXCEEDED = "Not delivered because auto-unsubscribe exceeded";

    /** Jackson loads when the first trace is written, not with the class. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /** How the event's body is encoded ({@code Accept-Encoding}). */
    private enum Encoding { NONE, GZIP, SNAPPY, IDENTITY }

    private final Account account;
    private final String destination;
    private final boolean traceOnly;
    private final Map<String, List<String>> header;
    private final int messageSize;
    private final Encoding encoding;
    private final Instant ingressTime;
    private final long cid;
    private final String name;
    private final String ingressAccount;
    private final String subject;
    private String ingressError;
    private final List<Event> events = new ArrayList<>(4);

    private MsgTrace(Account account, String destination, boolean traceOnly, MsgTraceHeaders.Parsed parsed,
                     int messageSize, ClientConnection client, String subject) {
        this.account = account;
        this.destination = destination;
        this.traceOnly = traceOnly;
        this.header = parsed.headers();
        this.messageSize = messageSize;
        this.encoding = encoding(parsed.first(MsgTraceHeaders.ACCEPT_ENCODING));
        this.ingressTime = Instant.now();
        this.cid = client.cid();
        this.name = connectionName(client);
        this.ingressAccount = account.name();
        this.subject = subject;
    }

    /**
     * What the publishing connection does with a message whose headers may ask for tracing ({@link #start}).
     *
     * @param trace the trace to follow the message with, or null
     * @param skip  whether the message must not be processed at all (a trace-only message that cannot be traced,
     *              or one whose destination the publisher may not publish to)
     * @param buf   with {@code args}, the message to deliver instead, its header block saying
     *              {@code Nats-Trace-Dest: trace disabled} so that nothing further along traces it; null: the
     *              message as published
     */
    record Start(MsgTrace trace, boolean skip, ByteBuf buf, PubArgs args) {
        static final Start UNTRACED = new Start(null, false, null, null);
        static final Start SKIP = new Start(null, true, null, null);
    }

    /**
     * Starts tracing a message {@code client} published in {@code account}, if its headers ask for it (nats-server's
     * initMsgTrace). Call only when {@link MsgTraceHeaders#mayTrace} found a trace header. Publisher's thread.
     */
    static Start start(ClientConnection client, Account account, ByteBuf buf, PubArgs a) {
        byte[] block = ByteBufUtil.getBytes(buf, a.dataOffset, a.headerLength, true);
        MsgTraceHeaders.Parsed parsed = MsgTraceHeaders.parse(block);
        if (parsed == null) {
            return Start.UNTRACED;
        }
        boolean traceOnly = false;
        if (!parsed.external()) {
            String only = parsed.first(MsgTraceHeaders.ONLY);
            if (only != null) {
                String o = only.toLowerCase(Locale.ROOT);
                traceOnly = o.equals("1") || o.equals("true") || o.equals("on");
            }
        }
        String origin = parsed.first(MsgTraceHeaders.ORIGIN_ACCOUNT);
        if (origin != null) {
            // A header of pre-release tracing across servers: refused, so that no one can pose as another account.
            LOG.error("{} - Message tracing disabled because of header \"{}\" with value=\"{}\"", client,
                    MsgTraceHeaders.ORIGIN_ACCOUNT, origin);
            return traceOnly ? Start.SKIP : disabled(block, buf, a);
        }
        String destination;
        if (!parsed.external()) {
            destination = parsed.first(MsgTraceHeaders.DEST);
        } else {
            Account.TraceDestination accountDestination = account.traceDestination();
            if (accountDestination == null) {
                return Start.UNTRACED;
            }
            if (!sampled(accountDestination.samplingPercent())) {
                // Marked so that nothing further along traces it either, as nats-server marks it.
                return disabled(block, buf, a);
            }
            destination = accountDestination.subject();
        }
        if (!Subjects.isValidPublishSubject(destination)) {
            LOG.error("{} - Destination \"{}\" is not valid, won't be able to trace events", client, destination);
            return traceOnly ? Start.SKIP : Start.UNTRACED;
        }
        if (!mayPublishTo(client, destination)) {
            client.publishViolation(destination);
            return Start.SKIP;
        }
        return new Start(new MsgTrace(account, destination, traceOnly, parsed, a.totalLength, client, a.subject()),
                false, null, null);
    }

    /** The message with tracing turned off in its headers. Allocates; the payload is not copied. */
    private static Start disabled(byte[] block, ByteBuf buf, PubArgs a) {
        byte[] headers = MsgTraceHeaders.withHeader(block, MsgTraceHeaders.DEST, MsgTraceHeaders.DISABLED);
        int payloadLength = a.totalLength - a.headerLength;
        PubArgs args = a.withSubject(a.subject(), a.reply());
        args.headerLength = headers.length;
        args.totalLength = headers.length + payloadLength;
        args.dataOffset = 0;
        ByteBuf data = payloadLength == 0 ? Unpooled.wrappedBuffer(headers)
                : Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(headers),
                        buf.slice(a.dataOffset + a.headerLength, payloadLength));
        return new Start(null, false, data, args);
    }

    /** nats-server's sampling: a random number from 0 to 99 at most the percentage (so 50 traces 51 in 100). */
    private static boolean sampled(int percent) {
        return percent >= 100 || ThreadLocalRandom.current().nextInt(100) <= percent;
    }

    /** Whether the publisher may send the trace to {@code destination}: its permissions, and no gateway reply. */
    private static boolean mayPublishTo(ClientConnection client, String destination) {
        if (destination.startsWith("$GNR.")) {
            return false;
        }
        PermissionsSession permissions = client.permissions;
        return permissions == null || permissions.canPublish(destination);
    }

    private static Encoding encoding(String acceptEncoding) {
        if (acceptEncoding == null) {
            return Encoding.NONE;
        }
        String lower = acceptEncoding.toLowerCase(Locale.ROOT);
        if (lower.contains("snappy") || lower.contains("s2")) {
            return Encoding.SNAPPY;
        }
        return lower.contains("gzip") ? Encoding.GZIP : Encoding.IDENTITY;
    }

    private static String connectionName(ClientConnection client) {
        ConnectOptions connect = client.connectOptions();
        return connect == null ? null : connect.name;
    }

    // ---------------------------------------------------------------- events (publisher's thread)

    /** Whether the message is only traced, not delivered to clients. */
    public boolean traceOnly() {
        return traceOnly;
    }

    /** The account's subject mapping changed the subject to {@code to}. */
    void subjectMapping(String to) {
        events.add(new Event.SubjectMapping(Instant.now(), to));
    }

    /** The message was refused on its way in (a publish permission): said on the ingress event. */
    void ingressError(String error) {
        ingressError = error;
    }

    /**
     * The message crosses a service import into account {@code into}, from subject {@code from} to {@code to}: a
     * request into the exporter, or a response back into the requester's account.
     *
     * @param allowed the crossing's {@code allow_trace}
     * @return this trace, to go on with in the other account; null when tracing ends here
     */
    public MsgTrace serviceImport(Account into, String from, String to, boolean allowed) {
        events.add(new Event.ServiceImport(Instant.now(), into.name(), from, to));
        return allowed ? this : null;
    }

    /**
     * {@code headers} (null: none) saying {@code Nats-Trace-Dest: trace disabled}: for a traced message that goes on
     * untraced across an import, so that nothing further along traces it, as nats-server marks it.
     */
    public static byte[] disabledIn(byte[] headers) {
        return MsgTraceHeaders.withHeader(headers, MsgTraceHeaders.DEST, MsgTraceHeaders.DISABLED);
    }

    /**
     * The message crosses a stream import into {@code importer}, where it is published as {@code to}.
     *
     * @param allowed the import's {@code allow_trace}
     * @return this trace, to go on with in the other account; null when tracing ends here
     */
    public MsgTrace streamExport(Account importer, String to, boolean allowed) {
        events.add(new Event.StreamExport(Instant.now(), importer.name(), to));
        return allowed ? this : null;
    }

    /** A client subscription got the message, or with {@code error} did not (trace-only: would have). */
    void egress(ClientConnection target, ClientSubscription sub, String error) {
        Account targetAccount = target.account();
        String accountName = targetAccount == null || targetAccount.name().equals(ingressAccount) ? null
                : targetAccount.name();
        events.add(new Event.Egress(Instant.now(), target.cid(), connectionName(target), accountName,
                sub.subject(), sub.queue(), error));
    }

    // ---------------------------------------------------------------- the event message

    /**
     * Publishes the trace to its destination in the publisher's account. Called once, after the message was
     * handled; {@code server} is the {@code server} object of the event ({@link ClientHost#eventServerInfo()}).
     */
    void send(Object server) {
        byte[] json = json(server);
        byte[] headers = null;
        switch (encoding) {
            case GZIP -> {
                json = gzip(json);
                headers = contentEncoding("gzip");
            }
            case SNAPPY -> {
                json = snappyFramed(json);
                headers = contentEncoding("snappy");
            }
            case IDENTITY -> headers = contentEncoding("identity");
            case NONE -> { }
        }
        Router.publish(account, destination, null, headers, json);
    }

    byte[] json(Object server) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName("server");
            g.writeObject(server);
            g.writeObjectFieldStart("request");
            g.writeObjectField("header", header);
            if (messageSize != 0) {
                g.writeNumberField("msgsize", messageSize);
            }
            g.writeEndObject();
            g.writeArrayFieldStart("events");
            g.writeStartObject();
            base(g, "in", ingressTime);
            g.writeNumberField("kind", KIND_CLIENT);
            g.writeNumberField("cid", cid);
            optional(g, "name", name);
            g.writeStringField("acc", ingressAccount);
            g.writeStringField("subj", subject);
            optional(g, "error", ingressError);
            g.writeEndObject();
            for (Event e : events) {
                g.writeStartObject();
                e.write(g);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a message trace", e);
        }
        return out.toByteArray();
    }

    /** One event after the ingress, in the order it happened. */
    private sealed interface Event {
        void write(JsonGenerator g) throws IOException;

        record SubjectMapping(Instant ts, String to) implements Event {
            @Override
            public void write(JsonGenerator g) throws IOException {
                base(g, "sm", ts);
                g.writeStringField("to", to);
            }
        }

        record StreamExport(Instant ts, String account, String to) implements Event {
            @Override
            public void write(JsonGenerator g) throws IOException {
                base(g, "se", ts);
                g.writeStringField("acc", account);
                g.writeStringField("to", to);
            }
        }

        record ServiceImport(Instant ts, String account, String from, String to) implements Event {
            @Override
            public void write(JsonGenerator g) throws IOException {
                base(g, "si", ts);
                g.writeStringField("acc", account);
                g.writeStringField("from", from);
                g.writeStringField("to", to);
            }
        }

        record Egress(Instant ts, long cid, String name, String account, String subscription, String queue,
                      String error) implements Event {
            @Override
            public void write(JsonGenerator g) throws IOException {
                base(g, "eg", ts);
                g.writeNumberField("kind", KIND_CLIENT);
                g.writeNumberField("cid", cid);
                optional(g, "name", name);
                optional(g, "acc", account);
                optional(g, "sub", subscription);
                optional(g, "queue", queue);
                optional(g, "error", error);
            }
        }
    }

    private static void base(JsonGenerator g, String type, Instant ts) throws IOException {
        g.writeStringField("type", type);
        g.writeStringField("ts", goTime(ts));
    }

    private static void optional(JsonGenerator g, String field, String value) throws IOException {
        if (value != null && !value.isEmpty()) {
            g.writeStringField(field, value);
        }
    }

    /** Go's time.Time in JSON: RFC 3339, the fraction without trailing zeros; here always in UTC. */
    static String goTime(Instant t) {
        LocalDateTime d = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
        StringBuilder s = new StringBuilder(32);
        s.append(String.format("%04d-%02d-%02dT%02d:%02d:%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth(),
                d.getHour(), d.getMinute(), d.getSecond()));
        int nanos = d.getNano();
        if (nanos != 0) {
            String fraction = String.format("%09d", nanos);
            int end = fraction.length();
            while (fraction.charAt(end - 1) == '0') {
                end--;
            }
            s.append('.').append(fraction, 0, end);
        }
        return s.append('Z').toString();
    }

    private static byte[] contentEncoding(String value) {
        return ("NATS/1.0\r\nContent-Encoding: " + value + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 32);
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * {@code data} in the snappy framing format that nats-server's snappy writer produces and every snappy or S2
     * reader accepts: the stream identifier, then chunks of at most 64 KiB. The chunks are stored uncompressed
     * (a chunk type the format allows), which spares a compression library for a rarely asked-for encoding.
     */
    static byte[] snappyFramed(byte[] data) {
        int chunkMax = 65536;
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 10 + 8 * (data.length / chunkMax + 1));
        out.writeBytes(new byte[] {(byte) 0xff, 6, 0, 0, 's', 'N', 'a', 'P', 'p', 'Y'});
        for (int at = 0; at < data.length; at += chunkMax) {
            int n = Math.min(chunkMax, data.length - at);
            CRC32C crc = new CRC32C();
            crc.update(data, at, n);
            int c = (int) crc.getValue();
            int masked = ((c >>> 15) | (c << 17)) + 0xa282ead8;
            int length = n + 4;
            out.write(0x01);
            out.write(length);
            out.write(length >>> 8);
            out.write(length >>> 16);
            out.write(masked);
            out.write(masked >>> 8);
            out.write(masked >>> 16);
            out.write(masked >>> 24);
            out.write(data, at, n);
        }
        return out.toByteArray();
    }
}
