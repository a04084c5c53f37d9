package io.natrix.cli.messaging;

import io.natrix.cli.output.Human;
import io.natrix.cli.support.GoDuration;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.MessageHandler;
import io.nats.client.impl.NatsJetStreamMetaData;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
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

    private boolean ack;
    private long counter;
    private volatile long lastActivityNanos = System.nanoTime();

    ReceivedMessages(Connection conn, PrintWriter out, StatusLog log, Display display, MessageDump dump,
                     Translator translator, List<String> ignored, long limit, boolean terminateAtEnd, boolean ack) {
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
        if (done.isDone()) {
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
        try {
            show(msg, meta, sequence);
        } catch (IOException | RuntimeException e) {
            log.printf("Could not save message: %s", e.getMessage());
        }
        if (ack && sequence >= 0) {
            acknowledge(msg);
        }
        if ((limit > 0 && counter >= limit) || (terminateAtEnd && meta != null && meta.pendingCount() == 0)) {
            done.complete(null);
        }
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

    private void show(Message msg, NatsJetStreamMetaData meta, long sequence) throws IOException {
        if (dump != null) {
            String name = Long.toString(sequence >= 0 ? sequence : counter);
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
            dump.write(name, counter, msg.getSubject(), msg.getReplyTo(), msg.getHeaders(), data);
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
                    counter, ts, meta.getStream(), Human.count(meta.streamSequence()),
                    Human.count(meta.pendingCount()), msg.getSubject(), Human.time(meta.timestamp()));
        } else {
            out.printf("[#%d]%s Received on \"%s\"", counter, ts, msg.getSubject());
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
