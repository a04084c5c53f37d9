package io.natrix.cli.messaging;

import io.natrix.cli.output.Human;
import io.natrix.cli.support.GoDuration;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.MessageHandler;
import io.nats.client.impl.NatsJetStreamMetaData;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * What {@code sub} does with each message it receives, as natscli does it: skips ignored subjects, counts, shows
 * the message (natscli's pretty form, {@code --raw} body only, or {@code --dump} JSON), acknowledges JetStream
 * messages when asked, and completes {@link #done()} once {@code --count} messages were shown or, with
 * {@code --terminate-at-end}, the stream has nothing more pending.
 *
 * <pre>
 *   [#1] Received on "orders.new" with reply "_INBOX.x"
 *   [#2] Received JetStream message: stream: ORDERS seq: 7 / pending: 0 / subject: orders.new / time: 2026-...
 * </pre>
 *
 * <p>Thread-safe: jnats may call {@link #onMessage} from several dispatcher threads; one lock orders the output.
 */
final class ReceivedMessages implements MessageHandler {

    private static final DateTimeFormatter STAMP_MICRO =
            DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss.SSSSSS", Locale.ROOT);

    /** The most requests {@code --match-replies} holds while waiting for their replies; the oldest go first. */
    static final int AWAITING_MAX = 10_000;

    /** A request shown once its reply arrives, with its message number. */
    private record Pending(Message request, long number) {
    }

    /** How a message is shown. */
    record Display(boolean raw, boolean headersOnly, boolean subjectsOnly, boolean timestamps, boolean deltaTime) {
    }

    private final Connection conn;
    private final PrintWriter out;
    private final StatusLog log;
    private final Display display;
    private final MessageDump dump;
    private final Translator translator;
    private final List<String> ignored;
    private final long limit;
    private final boolean terminateAtEnd;
    private final long startNanos = System.nanoTime();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    /** With {@code --match-replies}: requests by reply subject, in arrival order; else null. */
    private final LinkedHashMap<String, Pending> awaiting;

    private boolean ack;
    private long counter;
    private volatile long lastActivityNanos = System.nanoTime();

    ReceivedMessages(Connection conn, PrintWriter out, StatusLog log, Display display, MessageDump dump,
                     Translator translator, List<String> ignored, long limit, boolean terminateAtEnd, boolean ack,
                     boolean matchReplies) {
        this.conn = conn;
        this.out = out;
        this.log = log;
        this.display = display;
        this.dump = dump;
        this.translator = translator;
        this.ignored = List.copyOf(ignored);
        this.limit = limit;
        this.terminateAtEnd = terminateAtEnd;
        this.ack = ack;
        this.awaiting = matchReplies ? new LinkedHashMap<>() : null;
    }

    /** Completes when the subscription has shown all it should. */
    CompletableFuture<Void> done() {
        return done;
    }

    /** When the last message arrived (or the subscription began), for {@code --wait}. */
    long lastActivityNanos() {
        return lastActivityNanos;
    }

    /** Whether JetStream messages are being acknowledged. */
    synchronized boolean acknowledging() {
        return ack;
    }

    /** Acknowledge JetStream messages from now on (a durable consumer with an ack policy wants it). */
    synchronized void acknowledge(boolean acknowledge) {
        this.ack = acknowledge;
    }

    @Override
    public synchronized void onMessage(Message msg) {
        if (done.isDone() || (limit > 0 && counter >= limit)) {
            return;
        }
        lastActivityNanos = System.nanoTime();
        for (String pattern : ignored) {
            if (SubjectPattern.matches(pattern, msg.getSubject())) {
                return;
            }
        }
        counter++;
        NatsJetStreamMetaData meta = msg.isJetStream() ? msg.metaData() : null;
        long sequence = meta != null ? meta.streamSequence() : ackStreamSequence(msg.getReplyTo());
        if (awaiting != null && sequence < 0 && msg.getReplyTo() != null && !msg.getReplyTo().isEmpty()) {
            // A request: shown with its reply, when that arrives.
            awaiting.put(msg.getReplyTo(), new Pending(msg, counter));
            if (awaiting.size() > AWAITING_MAX) {
                awaiting.pollFirstEntry();
            }
            return;
        }
        try {
            show(msg, meta, sequence, counter);
        } catch (IOException | RuntimeException e) {
            log.printf("Could not save message: %s", e.getMessage());
        }
        if (ack && sequence >= 0) {
            acknowledge(msg);
        }
        if ((limit > 0 && counter >= limit) || (terminateAtEnd && meta != null && meta.pendingCount() == 0)) {
            finishWhenMatched();
        }
    }

    /** With {@code --match-replies}: the handler for the inbox subscription that sees the replies. */
    MessageHandler replies() {
        return this::onReply;
    }

    private synchronized void onReply(Message reply) {
        if (done.isDone() || awaiting == null) {
            return;
        }
        Pending request = awaiting.remove(reply.getSubject());
        if (request == null) {
            return;
        }
        lastActivityNanos = System.nanoTime();
        try {
            showMatched(request, reply);
        } catch (IOException | RuntimeException e) {
            log.printf("Could not save message: %s", e.getMessage());
        }
        if (limit > 0 && counter >= limit) {
            finishWhenMatched();
        }
    }

    /** Done, unless requests counted towards the limit still wait for their replies. */
    private void finishWhenMatched() {
        if (awaiting == null || awaiting.isEmpty()) {
            done.complete(null);
        }
    }

    private void showMatched(Pending request, Message reply) throws IOException {
        long number = request.number();
        show(request.request(), null, -1, number);
        if (dump != null) {
            dump.write(number + "_reply", number, reply.getSubject(), reply.getReplyTo(), reply.getHeaders(),
                    reply.getData());
            return;
        }
        if (display.raw()) {
            out.println(reply.getData() == null ? "" : new String(reply.getData(), StandardCharsets.UTF_8));
            out.flush();
            return;
        }
        out.printf("[#%d]%s Matched reply on \"%s\"%n", number, stamp(null), reply.getSubject());
        MessageOutput.message(out, reply.getHeaders(), reply.getData(), display.headersOnly(), translator,
                reply.getSubject());
        out.flush();
    }

    private void acknowledge(Message msg) {
        try {
            if (msg.isJetStream()) {
                msg.ack();
            } else {
                conn.publish(msg.getReplyTo(), null);
            }
        } catch (RuntimeException e) {
            if (dump == null && !display.raw()) {
                log.printf("Acknowledging message via subject %s failed: %s", msg.getReplyTo(), e.getMessage());
            }
        }
    }

    /**
     * The stream sequence in a JetStream ack subject ({@code $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>...},
     * or with domain and account hash after {@code ACK}), or -1 when {@code reply} is no such subject: how a
     * plain subscription tells a JetStream message it may acknowledge.
     */
    static long ackStreamSequence(String reply) {
        if (reply == null || !reply.startsWith("$JS.ACK.")) {
            return -1;
        }
        String[] tokens = reply.split("\\.", -1);
        int streamIndex;
        if (tokens.length == 8 || tokens.length == 9) {
            streamIndex = 2;
        } else if (tokens.length >= 11) {
            streamIndex = 4;
        } else {
            return -1;
        }
        try {
            return Long.parseLong(tokens[streamIndex + 3]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void show(Message msg, NatsJetStreamMetaData meta, long sequence, long number) throws IOException {
        if (dump != null) {
            String name = Long.toString(sequence >= 0 ? sequence : number);
            byte[] data = msg.getData();
            if (translator != null) {
                try {
                    data = translator.translate(data, msg.getSubject());
                } catch (Translator.TranslationException e) {
                    log.printf("%s%nError while translating msg body: %s%n", Translator.quote(e.output()),
                            e.getMessage());
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            dump.write(name, number, msg.getSubject(), msg.getReplyTo(), msg.getHeaders(), data);
            return;
        }
        if (display.raw()) {
            MessageOutput.compact(out, msg.getData(), translator, msg.getSubject());
            out.flush();
            return;
        }
        String ts = stamp(meta);
        if (meta != null) {
            out.printf("[#%d]%s Received JetStream message: stream: %s seq: %s / pending: %s / subject: %s"
                            + " / time: %s%n",
                    number, ts, meta.getStream(), Human.count(meta.streamSequence()),
                    Human.count(meta.pendingCount()), msg.getSubject(), Human.time(meta.timestamp()));
        } else {
            out.printf("[#%d]%s Received on \"%s\"", number, ts, msg.getSubject());
            if (msg.getReplyTo() != null && !msg.getReplyTo().isEmpty()) {
                out.printf(" with reply \"%s\"", msg.getReplyTo());
            }
            out.println();
        }
        if (!display.subjectsOnly()) {
            MessageOutput.message(out, msg.getHeaders(), msg.getData(), display.headersOnly(), translator,
                    msg.getSubject());
        }
        out.flush();
    }

    private String stamp(NatsJetStreamMetaData meta) {
        if (display.timestamps()) {
            ZonedDateTime t = meta != null && meta.timestamp() != null ? meta.timestamp() : ZonedDateTime.now();
            return " @ " + STAMP_MICRO.format(t.withZoneSameInstant(ZoneId.systemDefault()));
        }
        if (display.deltaTime()) {
            // natscli: time since the stream stored a JetStream message, else since the subscription began.
            Duration since = meta != null && meta.timestamp() != null
                    ? Duration.between(meta.timestamp(), ZonedDateTime.now())
                    : Duration.ofNanos(System.nanoTime() - startNanos);
            return " @ " + GoDuration.format(since);
        }
        return "";
    }
}
