package io.natrix.cli.messaging;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.support.GoDuration;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code natrix req SUBJECT [BODY]} (alias {@code request}): natscli's request-reply client. Sends
 * {@code --count} requests (body, subject and headers as {@code pub} makes them) and shows the replies to each:
 * {@code --replies N} waits for N (0: every reply until the timeout), the first within {@code --timeout}, the
 * next within the mean round trip so far plus {@code --reply-timeout}, as natscli waits.
 *
 * <p>Status lines ({@code Sending request on "x"}, {@code Received with rtt 1.2ms} and the reply's headers) go
 * to standard error with the time; reply bodies to standard output, alone with {@code --raw}. No responders, or
 * no reply at all when one was wanted, is a one-line error.
 */
@Command(name = "req", aliases = "request", description = "Generic request-reply request utility")
public final class ReqCommand extends ClientCommand {

    /** The most requests {@code --count 0} sends, as natscli's {@code math.MaxInt16}. */
    static final int UNBOUNDED_COUNT = Short.MAX_VALUE;

    @Parameters(index = "0", paramLabel = "SUBJECT", description = "Subject to send the request to")
    String subject;

    @Parameters(index = "1", paramLabel = "BODY", arity = "0..1", description = "Message body")
    String body;

    @Option(names = {"-r", "--raw"}, description = "Show just the output received")
    boolean raw;

    @Option(names = {"-H", "--header"}, paramLabel = "K:V",
            description = "Adds headers to the message using K:V format (repeatable)")
    List<String> headers = new ArrayList<>();

    @Option(names = "--count", paramLabel = "N", defaultValue = "1",
            description = "Send multiple requests (0 sends " + UNBOUNDED_COUNT + ")")
    int count;

    @Option(names = "--replies", paramLabel = "N", defaultValue = "1",
            description = "Wait for multiple replies from services. 0 waits until timeout")
    int replies;

    @Option(names = "--reply-timeout", paramLabel = "DURATION", defaultValue = "300ms",
            converter = GoDurationConverter.class,
            description = "Maximum time between replies when waiting for more than one")
    Duration replyTimeout;

    @Option(names = "--wait-for-empty", description = "Wait for multiple replies until an empty message is received")
    boolean waitForEmpty;

    @Option(names = "--translate", paramLabel = "COMMAND",
            description = "Translate the message data by running it through the given command before output")
    String translate;

    @Option(names = "--force-stdin", description = "Force reading the body from stdin")
    boolean forceStdin;

    @Option(names = "--send-on", paramLabel = "eof|newline", defaultValue = "eof",
            description = "When to send data from stdin: 'eof' (default) or 'newline'")
    Payload.SendOn sendOn;

    @Option(names = "--templates", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Enables template functions in the body and subject (does not affect headers)")
    boolean templates;

    private Translator translator;

    @Override
    public Integer call() throws Exception {
        if (replies < 0) {
            throw new CliException("--replies must not be negative");
        }
        StatusLog log = new StatusLog(err());
        Payload payload = body != null && !forceStdin
                ? Payload.of(body) : Payload.stdin(globals().stdin(), sendOn);
        int requests = count < 1 ? UNBOUNDED_COUNT : count;
        int wanted = waitForEmpty ? UNBOUNDED_COUNT : replies;
        OutgoingMessages outgoing = new OutgoingMessages(subject, headers, templates, log);
        translator = translate == null ? null : new Translator(translate, globals().env());
        try (Connection conn = connect()) {
            if (payload.fromStdin() && !raw) {
                log.printf("Reading payload from STDIN");
            }
            byte[] data;
            while ((data = payload.next()) != null) {
                for (int i = 1; i <= requests; i++) {
                    request(conn, outgoing, data, i, wanted, log);
                }
            }
        }
        return 0;
    }

    private void request(Connection conn, OutgoingMessages outgoing, byte[] data, int number, int wanted,
                         StatusLog log) throws InterruptedException {
        String inbox = conn.createInbox();
        NatsMessage msg = outgoing.make(data, number, inbox);
        if (!raw) {
            log.printf("Sending request on \"%s\"", msg.getSubject());
        }
        Subscription sub = conn.subscribe(inbox);
        try {
            conn.publish(msg);
            Duration overall = globals().timeout();
            long started = System.nanoTime();
            Duration wait = overall;
            long rttTotalNanos = 0;
            int received = 0;
            while (!wait.isNegative() && !wait.isZero()) {
                Message reply = sub.nextMessage(wait);
                if (reply == null) {
                    break;
                }
                if (reply.isStatusMessage() && reply.getStatus().getCode() == 503) {
                    throw new CliException("no responders available for request");
                }
                long rttNanos = System.nanoTime() - started;
                show(reply, rttNanos, log);
                received++;
                if (wanted > 0 && received == wanted) {
                    break;
                }
                if (wanted > 0 && (reply.getData() == null || reply.getData().length == 0)) {
                    break;
                }
                if (wanted == 0) {
                    wait = overall.minusNanos(System.nanoTime() - started);
                } else {
                    rttTotalNanos += rttNanos;
                    wait = Duration.ofNanos(rttTotalNanos / received).plus(replyTimeout);
                }
            }
            if (received == 0 && wanted > 0) {
                throw new CliException("no reply received on \"" + msg.getSubject() + "\" within "
                        + GoDuration.format(overall));
            }
        } finally {
            sub.unsubscribe();
        }
    }

    private void show(Message reply, long rttNanos, StatusLog log) {
        if (!raw) {
            log.printf("Received with rtt %s", GoDuration.format(Duration.ofNanos(rttNanos)));
            Headers h = reply.getHeaders();
            if (h != null && !h.isEmpty()) {
                for (String key : h.keySet()) {
                    for (String value : h.get(key)) {
                        log.printf("%s: %s", key, value);
                    }
                }
                log.printf("");
            }
        }
        MessageOutput.body(out(), reply.getData(), translator, reply.getSubject());
        out().flush();
    }
}
