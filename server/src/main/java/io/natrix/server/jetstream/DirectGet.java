package io.natrix.server.jetstream;

import io.natrix.server.account.Account;
import io.natrix.server.client.Router;
import io.natrix.server.config.ServerOptions;
import io.natrix.server.store.MessageStore;
import io.natrix.server.store.StoredMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct gets of a stream with {@code allow_direct}: the stored messages themselves, not wrapped in JSON, as
 * nats-server answers {@code $JS.API.DIRECT.GET.<stream>} (request body: nats-server's {@code JSApiMsgGetRequest})
 * and {@code $JS.API.DIRECT.GET.<stream>.<subject>} (the last message on that subject; how key-value clients read a
 * key).
 *
 * <p>Answers, on the request's reply subject:
 * <pre>
 * one message     its own headers, then Nats-Stream, Nats-Subject, Nats-Sequence, Nats-Time-Stamp
 *                 (RFC 3339, Go's trailing zeros dropped); its payload
 * batch           each message also with Nats-Num-Pending (matching messages after it) and Nats-Last-Sequence (the
 *                 message sent before it, 0 for the first); then "NATS/1.0 204 EOB" with Nats-Num-Pending and
 *                 Nats-Last-Sequence
 * multi_last      the last message of each matching subject at or below up_to_seq (or up_to_time), ascending, as a
 *                 batch; the EOB also carries Nats-UpTo-Sequence. At most 1024 subjects ("413 Too Many Results")
 * statuses        408 Empty Request / Malformed Request / Bad Request (conflicting fields, fields in the subject
 *                 form), 404 Message Not Found, 404 No Results (multi_last), 412 Required Api Level
 * </pre>
 * A batch stops after {@code batch} messages or once {@code max_bytes} (default: nats-server's default
 * {@code max_pending}, 64 MB) have been sent, counting subject, stored headers and payload.
 *
 * <p>A stream that does not exist or does not allow direct gets has no direct get responder in nats-server: the
 * requester sees a {@code 503} no-responders status, and gets that here too — unless a mirror of it with
 * {@code mirror_direct} has caught up (fewer than {@link JsAccount#MIRROR_DIRECT_CAUGHT_UP} messages behind): then
 * the mirror answers for it, its own name in {@code Nats-Stream}, as nats-server's mirrors join the origin's direct
 * get queue group. nats-server shares requests among origin and mirrors at random; here the origin answers while it
 * serves direct gets, so reads stay as fresh as the origin and the lookup costs nothing on the common path.
 *
 * <p>Stateless apart from its account; runs on the requester's thread (as nats-server serves direct gets inline) or
 * on the JetStream thread. Stores are safe to read from any thread.
 */
final class DirectGet {
    private static final Logger LOG = LoggerFactory.getLogger(DirectGet.class);
    /** The API operation prefix ({@code $JS.API.} removed). */
    static final String PREFIX = "DIRECT.GET.";
    /** nats-server's cap on the subjects of one {@code multi_last} request. */
    static final int MULTI_LAST_MAX = 1024;

    private static final long MAX_BYTES_DEFAULT = ServerOptions.DEFAULT_MAX_PENDING;
    private static final byte[] NO_RESPONDERS = status("503");

    private final JsAccount jsa;

    DirectGet(JsAccount jsa) {
        this.jsa = jsa;
    }

    /** {@code op}: {@code DIRECT.GET.<stream>} or {@code DIRECT.GET.<stream>.<subject>}. */
    void handle(String op, String reply, byte[] headers, byte[] body) {
        if (reply == null || reply.isEmpty()) {
            return;
        }
        String rest = op.substring(PREFIX.length());
        int dot = rest.indexOf('.');
        String streamName = dot < 0 ? rest : rest.substring(0, dot);
        Stream s = jsa.stream(streamName);
        if (s == null || !s.config().allowDirect()) {
            s = jsa.mirrorDirectFor(streamName);
            if (s == null) {
                send(reply, NO_RESPONDERS, null);
                return;
            }
        }
        if (!JsVersioning.supportsRequiredLevel(NatsHeaders.parse(headers).get(JsVersioning.REQUIRED_LEVEL_HEADER))) {
            sendStatus(reply, "412 Required Api Level");
            return;
        }
        JsApi.MsgGetRequest r;
        if (dot >= 0) {
            r = subjectForm(rest.substring(dot + 1), body, reply);
        } else {
            r = requestForm(body, reply);
        }
        if (r == null) {
            return;
        }
        try {
            if (!r.multiLast().isEmpty()) {
                multiLast(s, r, reply);
            } else {
                get(s, r, reply);
            }
        } catch (IOException e) {
            // A store that cannot be read (closed under us by a stream delete, a failed disk): nats-server folds
            // load errors into a 404 rather than leave the requester waiting.
            LOG.debug("Direct get {} in account {} could not read the store: {}", op, jsa.account(), e.toString());
            sendStatus(reply, "404 Message Not Found");
        }
    }

    /** {@code DIRECT.GET.<stream>.<subject>}: a body may only be an empty request. */
    private JsApi.MsgGetRequest subjectForm(String subject, byte[] body, String reply) {
        JsApi.MsgGetRequest r = new JsApi.MsgGetRequest(0, "", "", 0, 0, null, List.of(), 0, null, false);
        if (body.length > 0) {
            try {
                r = JsApi.MsgGetRequest.parse(body);
            } catch (JsApiException e) {
                sendStatus(reply, "408 Malformed Request");
                return null;
            }
        }
        if (subject.isEmpty() || !r.lastBySubj().isEmpty() || !r.nextBySubj().isEmpty() || !r.multiLast().isEmpty()
                || r.seq() != 0 || r.batch() != 0 || r.startTime() != null || r.upToSeq() != 0
                || r.upToTime() != null) {
            sendStatus(reply, "408 Bad Request");
            return null;
        }
        return new JsApi.MsgGetRequest(0, subject, "", 0, r.maxBytes(), null, List.of(), 0, null, r.noHdr());
    }

    /** {@code DIRECT.GET.<stream>} with a request body, checked as nats-server checks it. */
    private JsApi.MsgGetRequest requestForm(byte[] body, String reply) {
        if (body.length == 0) {
            sendStatus(reply, "408 Empty Request");
            return null;
        }
        JsApi.MsgGetRequest r;
        try {
            r = JsApi.MsgGetRequest.parse(body);
        } catch (JsApiException e) {
            sendStatus(reply, "408 Malformed Request");
            return null;
        }
        boolean last = !r.lastBySubj().isEmpty();
        boolean next = !r.nextBySubj().isEmpty();
        boolean multi = !r.multiLast().isEmpty();
        if (r.seq() == 0 && !last && !next && !multi && r.startTime() == null) {
            sendStatus(reply, "408 Empty Request");
            return null;
        }
        if ((r.seq() > 0 && last) || (r.seq() > 0 && r.startTime() != null) || (r.startTime() != null && last)
                || (last && next) || (last && r.batch() > 0) || (last && multi) || (next && multi)
                || (r.upToSeq() > 0 && r.upToTime() != null)) {
            sendStatus(reply, "408 Bad Request");
            return null;
        }
        return r;
    }

    /** One message by sequence, last or next by subject, or a batch of them. */
    private void get(Stream s, JsApi.MsgGetRequest r, String reply) throws IOException {
        MessageStore ms = s.store();
        long seq = r.startTime() != null ? ms.sequenceAt(nanos(r.startTime())) : r.seq();
        String next = r.nextBySubj();
        boolean isBatch = r.batch() != 0;
        int batch = isBatch ? r.batch() : 1;
        long pending = 0;
        long lastSeqAtStart = 0;
        if (isBatch) {
            pending = ms.pending(next.isEmpty() ? null : next, seq);
            lastSeqAtStart = ms.state().lastSeq();
        }
        long maxBytes = r.maxBytes() == 0 ? MAX_BYTES_DEFAULT : r.maxBytes();
        long sentBytes = 0;
        long lastSent = 0;
        for (int i = 0; i < batch; i++) {
            StoredMessage m;
            if (seq > 0 && next.isEmpty()) {
                m = i == 0 && !isBatch ? ms.load(seq) : ms.loadNext(null, seq);
            } else if (!next.isEmpty()) {
                m = ms.loadNext(next, Math.max(1, seq));
            } else {
                m = ms.loadLast(r.lastBySubj());
            }
            if (m == null) {
                if (batch > 1 && i > 0) {
                    break;
                }
                sendStatus(reply, "404 Message Not Found");
                return;
            }
            seq = m.sequence() + 1;
            byte[] headers = null;
            if (!r.noHdr()) {
                if (isBatch && pending > 0) {
                    pending--;
                }
                headers = headers(s.name(), m, isBatch, pending, lastSent);
            }
            lastSent = m.sequence();
            send(reply, headers, m.payload());
            sentBytes += bytes(m);
            if (sentBytes >= maxBytes) {
                break;
            }
        }
        if (isBatch) {
            if (ms.state().lastSeq() > lastSeqAtStart) {
                pending = ms.pending(next.isEmpty() ? null : next, seq); // the stream grew meanwhile
            }
            send(reply, eob(pending, lastSent, -1), null);
        }
    }

    /** The last message of each subject matching the {@code multi_last} filters. */
    private void multiLast(Stream s, JsApi.MsgGetRequest r, String reply) throws IOException {
        MessageStore ms = s.store();
        long upToSeq = r.upToSeq();
        if (r.upToTime() != null) {
            upToSeq = ms.sequenceAt(nanos(r.upToTime()));
            if (upToSeq <= ms.state().firstSeq()) {
                sendStatus(reply, "404 No Results");
                return;
            }
            upToSeq--; // the last message before that time
        }
        if (upToSeq == 0) {
            upToSeq = ms.state().lastSeq();
        }
        TreeSet<Long> seqs = new TreeSet<>();
        for (String filter : r.multiLast()) {
            seqs.addAll(ms.lastSequences(filter, upToSeq));
            if (seqs.size() > MULTI_LAST_MAX) {
                sendStatus(reply, "413 Too Many Results");
                return;
            }
        }
        if (seqs.isEmpty()) {
            sendStatus(reply, "404 No Results");
            return;
        }
        long maxBytes = r.maxBytes() == 0 ? MAX_BYTES_DEFAULT : r.maxBytes();
        long pending = seqs.size();
        long sentBytes = 0;
        long lastSent = 0;
        int sent = 0;
        for (long seq : seqs) {
            if (pending > 0) {
                pending--;
            }
            if (seq < r.seq()) {
                continue;
            }
            StoredMessage m = ms.load(seq);
            if (m == null) {
                // Removed since it was chosen: nats-server folds a failed load into a 404.
                sendStatus(reply, "404 Message Not Found");
                return;
            }
            send(reply, headers(s.name(), m, true, pending, lastSent), m.payload());
            lastSent = seq;
            sentBytes += bytes(m);
            if (sentBytes >= maxBytes) {
                break;
            }
            sent++;
            if (r.batch() > 0 && sent >= r.batch()) {
                break;
            }
        }
        send(reply, eob(pending, lastSent, upToSeq), null);
    }

    /**
     * The message's own header block with the direct get headers appended (nats-server's {@code genHeader}: the
     * original block without its closing blank line, the new lines, the blank line).
     */
    static byte[] headers(String stream, StoredMessage m, boolean batch, long pending, long lastSeq) {
        StringBuilder added = new StringBuilder(160);
        added.append("Nats-Stream: ").append(stream).append("\r\n");
        added.append("Nats-Subject: ").append(m.subject()).append("\r\n");
        added.append("Nats-Sequence: ").append(m.sequence()).append("\r\n");
        added.append("Nats-Time-Stamp: ").append(GoTime.format(Instant.ofEpochSecond(0, m.timestampNanos())))
                .append("\r\n");
        if (batch) {
            added.append("Nats-Num-Pending: ").append(pending).append("\r\n");
            added.append("Nats-Last-Sequence: ").append(lastSeq).append("\r\n");
        }
        added.append("\r\n");
        byte[] tail = added.toString().getBytes(StandardCharsets.UTF_8);
        byte[] original = m.headers();
        // Stored blocks end with the blank line's CRLF; like genHeader, drop those two bytes and append.
        int keep = original == null || original.length <= 2 ? 0 : original.length - 2;
        if (keep == 0) {
            byte[] head = "NATS/1.0\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] out = new byte[head.length + tail.length];
            System.arraycopy(head, 0, out, 0, head.length);
            System.arraycopy(tail, 0, out, head.length, tail.length);
            return out;
        }
        byte[] out = new byte[keep + tail.length];
        System.arraycopy(original, 0, out, 0, keep);
        System.arraycopy(tail, 0, out, keep, tail.length);
        return out;
    }

    private static byte[] eob(long pending, long lastSeq, long upToSeq) {
        String h = "NATS/1.0 204 EOB\r\nNats-Num-Pending: " + pending + "\r\nNats-Last-Sequence: " + lastSeq + "\r\n"
                + (upToSeq >= 0 ? "Nats-UpTo-Sequence: " + upToSeq + "\r\n" : "") + "\r\n";
        return h.getBytes(StandardCharsets.US_ASCII);
    }

    /** What nats-server counts against {@code max_bytes}: subject, stored headers and payload. */
    private static long bytes(StoredMessage m) {
        return m.subject().length() + (m.headers() == null ? 0 : m.headers().length) + m.payload().length;
    }

    private static long nanos(OffsetDateTime t) {
        Instant i = t.toInstant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private static byte[] status(String status) {
        return ("NATS/1.0 " + status + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private void sendStatus(String reply, String status) {
        send(reply, status(status), null);
    }

    private void send(String reply, byte[] headers, byte[] payload) {
        Account account = jsa.account();
        Router.publish(account, reply, null, headers, payload == null ? new byte[0] : payload);
    }
}
