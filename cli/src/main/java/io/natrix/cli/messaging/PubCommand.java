package io.natrix.cli.messaging;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.Globals;
import io.natrix.cli.output.Human;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code natrix pub SUBJECT [BODY]} (alias {@code publish}): natscli's generic publisher. Publishes
 * {@code --count} messages, the body and subject expanded as {@link MessageTemplate}s per message, headers from
 * {@code -H}; the body comes from standard input when not given. With {@code -J} each message is a JetStream
 * publish whose acknowledgement is shown ({@code Stored in Stream: S Sequence: N}).
 *
 * <p>Progress lines go to standard error with the time, as natscli logs them; {@code -q} silences them.
 */
@Command(name = "pub", aliases = "publish", description = "Generic data publish utility")
public final class PubCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "SUBJECT", description = "Subject to publish to")
    String subject;

    @Parameters(index = "1", paramLabel = "BODY", arity = "0..1", description = "Message body")
    String body;

    @Option(names = "--reply", paramLabel = "SUBJECT", description = "Sets a custom reply to subject")
    String replyTo;

    @Option(names = {"-H", "--header"}, paramLabel = "K:V",
            description = "Adds headers to the message using K:V format (repeatable)")
    List<String> headers = new ArrayList<>();

    @Option(names = "--count", paramLabel = "N", defaultValue = "1", description = "Publish multiple messages")
    int count;

    @Option(names = "--sleep", paramLabel = "DURATION", converter = GoDurationConverter.class,
            description = "When publishing multiple messages, sleep between publishes")
    Duration sleep;

    @Option(names = "--force-stdin", description = "Force reading from stdin")
    boolean forceStdin;

    @Option(names = "--send-on", paramLabel = "eof|newline", defaultValue = "eof",
            description = "When to send data from stdin: 'eof' (default) or 'newline'")
    Payload.SendOn sendOn;

    @Option(names = {"-J", "--jetstream"}, description = "Publish messages to JetStream")
    boolean jetstream;

    @Option(names = {"-q", "--quiet"}, description = "Show just the output received")
    boolean quiet;

    @Option(names = "--templates", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Enables template functions in the body and subject (does not affect headers)")
    boolean templates;

    @Override
    public Integer call() throws Exception {
        StatusLog log = new StatusLog(err());
        Payload payload = body != null && !forceStdin
                ? Payload.of(body) : Payload.stdin(globals().stdin(), sendOn);
        int messages = Math.max(count, 1);
        OutgoingMessages outgoing = new OutgoingMessages(subject, headers, templates, log);
        try (Connection conn = connect()) {
            JetStream js = jetstream ? conn.jetStream(globals().jetStreamOptions()) : null;
            if (payload.fromStdin() && !quiet) {
                log.printf("Reading payload from STDIN");
            }
            byte[] data;
            while ((data = payload.next()) != null) {
                for (int i = 1; i <= messages; i++) {
                    long started = System.nanoTime();
                    NatsMessage msg = outgoing.make(data, i, replyTo);
                    if (js == null) {
                        publish(conn, msg, log);
                    } else {
                        publishJetStream(js, msg, log);
                    }
                    if (messages > 1 && sleep != null && !sleep.isZero()) {
                        pause(js == null ? sleep : sleep.minusNanos(System.nanoTime() - started));
                    }
                }
            }
        }
        return 0;
    }

    private void publish(Connection conn, NatsMessage msg, StatusLog log) throws InterruptedException {
        conn.publish(msg);
        try {
            conn.flush(globals().timeout());
        } catch (TimeoutException e) {
            throw new CliException("timeout flushing publish to " + msg.getSubject());
        }
        if (!quiet) {
            log.printf("Published %d bytes to \"%s\"", msg.getData().length, msg.getSubject());
        }
    }

    private void publishJetStream(JetStream js, NatsMessage msg, StatusLog log)
            throws JetStreamApiException {
        if (!quiet) {
            log.printf("Published %d bytes to \"%s\"", msg.getData().length, msg.getSubject());
        }
        PublishAck ack;
        try {
            ack = js.publish(msg);
        } catch (IOException e) {
            throw new CliException(jetStreamFailure(e));
        }
        if (!quiet) {
            StringBuilder line = new StringBuilder("Stored in Stream: ").append(ack.getStream())
                    .append(" Sequence: ").append(Human.count(ack.getSeqno()));
            if (ack.getDomain() != null && !ack.getDomain().isEmpty()) {
                line.append(" Domain: \"").append(ack.getDomain()).append('"');
            }
            if (ack.isDuplicate()) {
                line.append(" Duplicate: true");
            }
            if (ack.getVal() != null && !ack.getVal().isEmpty()) {
                line.append(" Counter Value: ").append(ack.getVal());
            }
            log.printf("%s", line);
        }
    }

    /** jnats reports a publish nobody stored as an IOException; say what natscli's users see. */
    static String jetStreamFailure(IOException e) {
        String message = Globals.rootMessage(e);
        if (message.contains("503") || message.toLowerCase(Locale.ROOT).contains("no responders")) {
            return "no responders available for request: is the subject bound to a JetStream stream?";
        }
        return "JetStream publish failed: " + message;
    }

    private static void pause(Duration d) throws InterruptedException {
        if (!d.isNegative() && !d.isZero()) {
            // --sleep is a pace the user asked for between publishes, not a wait for a condition.
            Thread.sleep(d);
        }
    }
}
