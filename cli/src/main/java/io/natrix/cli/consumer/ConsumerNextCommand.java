package io.natrix.cli.consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Human;
import io.natrix.cli.output.Json;
import io.natrix.cli.stream.JsApi;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsJetStreamMetaData;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code consumer next STREAM CONSUMER}: fetches messages from a pull consumer one pull request at a time
 * ({@code CONSUMER.MSG.NEXT}, batch 1, expiring after the timeout) and acknowledges each (or naks or terms it), as
 * natscli's {@code next} does. Each acknowledgement is flushed before the next pull, so the consumer's ack floor has
 * moved when the command returns.
 */
@Command(name = "next", description = "Retrieves messages from Pull consumers without interactive prompts")
final class ConsumerNextCommand extends ClientCommand {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name")
    String stream;

    @Parameters(index = "1", paramLabel = "CONSUMER", description = "Consumer name")
    String consumer;

    @Option(names = "--ack", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Acknowledge received message (default true; --no-ack leaves it unacknowledged)")
    boolean ack = true;

    @Option(names = "--nak", description = "Perform a Negative Acknowledgement on the message")
    boolean nak;

    @Option(names = "--term", description = "Terms the message")
    boolean term;

    @Option(names = {"-r", "--raw"}, description = "Show only the message")
    boolean raw;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1",
            description = "Number of messages to try to fetch from the pull consumer (default 1)")
    int count;

    @Override
    public Integer call() throws Exception {
        if (count < 1) {
            throw new CliException("--count must be at least 1");
        }
        if (term && nak) {
            throw new CliException("can not both Acknowledge and Terminate message");
        }
        try (Connection nc = connect()) {
            JsApi api = new JsApi(nc, globals());
            for (int i = 0; i < count; i++) {
                next(nc, api);
            }
            return 0;
        }
    }

    private void next(Connection nc, JsApi api) throws Exception {
        String inbox = nc.createInbox();
        Subscription sub = nc.subscribe(inbox);
        try {
            ObjectNode request = Json.MAPPER.createObjectNode().put("batch", 1)
                    .put("expires", api.timeout().toNanos());
            nc.publish(api.subject("CONSUMER.MSG.NEXT." + stream + "." + consumer), inbox,
                    Json.MAPPER.writeValueAsBytes(request));
            Message m = sub.nextMessage(api.timeout().plusMillis(500));
            if (m == null || m.isStatusMessage()) {
                failWithReason(api, m);
            }
            show(m);
            String reply = m.getReplyTo();
            if (reply == null || reply.isEmpty()) {
                return;
            }
            if (term) {
                nc.publish(reply, "+TERM".getBytes(StandardCharsets.US_ASCII));
                nc.flush(api.timeout());
                out().println();
                out().println("Terminated message");
            } else if (ack || nak) {
                nc.publish(reply, (nak ? "-NAK" : "+ACK").getBytes(StandardCharsets.US_ASCII));
                nc.flush(api.timeout());
                if (!raw) {
                    out().println();
                    out().println((nak ? "Negative " : "") + "Acknowledged message");
                    out().println();
                }
            }
            out().flush();
        } finally {
            sub.unsubscribe();
        }
    }

    /** No message: says why (unknown consumer, not a pull consumer, or nothing to fetch). */
    private void failWithReason(JsApi api, Message status) throws Exception {
        ObjectNode info = api.consumerInfo(stream, consumer);
        if (!info.path("config").path("deliver_subject").asText("").isEmpty()) {
            throw new CliException("consumer \"" + consumer + "\" is not a Pull consumer");
        }
        if (status == null) {
            throw new CliException("no message received: nats: timeout");
        }
        throw new CliException("no message received: " + status.getStatus().getMessage() + " ("
                + status.getStatus().getCode() + ")");
    }

    private void show(Message m) {
        String data = m.getData() == null ? "" : new String(m.getData(), StandardCharsets.UTF_8);
        if (raw) {
            out().println(data);
            return;
        }
        if (m.isJetStream()) {
            NatsJetStreamMetaData meta = m.metaData();
            out().printf("[%s] subj: %s / tries: %d / cons seq: %d / str seq: %d / pending: %s%n",
                    LocalTime.now().format(CLOCK), m.getSubject(), meta.deliveredCount(), meta.consumerSequence(),
                    meta.streamSequence(), Human.count(meta.pendingCount()));
        } else if (m.getReplyTo() == null) {
            out().printf("--- subject: %s%n", m.getSubject());
        } else {
            out().printf("--- subject: %s reply: %s%n", m.getSubject(), m.getReplyTo());
        }
        Headers headers = m.getHeaders();
        if (headers != null && !headers.isEmpty()) {
            out().println();
            out().println("Headers:");
            out().println();
            headers.forEach((k, values) -> values.forEach(v -> out().printf("  %s: %s%n", k, v)));
            out().println();
            out().println("Data:");
            out().println();
        }
        out().println();
        out().println(data);
    }
}
