package io.natrix.cli.messaging;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code natrix reply SUBJECT [BODY]}: natscli's service responder. Joins queue group {@code --queue}
 * ({@code NATS-RPLY-22} unless told) and answers each request in turn: with the body (a {@link MessageTemplate}
 * that may use {@code Request}), with the request itself ({@code --echo}, also when neither body nor command is
 * given), or with the output of {@code --command} (see {@link CommandResponder}). Response headers come from
 * {@code -H}; the request number, from 0 as natscli counts, is {@code Count} to templates. It runs until
 * {@code --count} requests are answered, or until stopped, reconnecting for ever as natscli does.
 *
 * <p>Each request is shown on standard output (its headers and the {@code [#N] Received on subject} line on
 * standard error with the time, as natscli logs them). Requests are answered one at a time on the command's
 * thread.
 */
@Command(name = "reply", description = "Generic service reply utility")
public final class ReplyCommand extends ClientCommand {

    /** natscli's default queue group, so several {@code reply} instances share the requests. */
    static final String DEFAULT_QUEUE = "NATS-RPLY-22";

    /** How often the waiting loop looks at the connection, so a closed one ends the command. */
    private static final Duration POLL = Duration.ofMillis(500);

    @Parameters(index = "0", paramLabel = "SUBJECT", description = "Subject to subscribe to")
    String subject;

    @Parameters(index = "1", paramLabel = "BODY", arity = "0..1", description = "Reply body")
    String body;

    @Option(names = "--echo", description = "Echo back what is received")
    boolean echo;

    @Option(names = "--command", paramLabel = "COMMAND",
            description = "Runs a command per request and responds with its output")
    String command;

    @Option(names = {"-q", "--queue"}, paramLabel = "GROUP", defaultValue = DEFAULT_QUEUE,
            description = "Queue group name (default ${DEFAULT-VALUE})")
    String queue;

    @Option(names = "--sleep", paramLabel = "MAX", converter = GoDurationConverter.class,
            description = "Inject a random sleep delay between replies up to this duration max")
    Duration sleep;

    @Option(names = {"-H", "--header"}, paramLabel = "K:V",
            description = "Adds headers to the message using K:V format (repeatable)")
    List<String> headers = new ArrayList<>();

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "Quit after receiving this many messages")
    long limit;

    @Override
    public Integer call() throws Exception {
        if (limit < 0) {
            throw new CliException("--count must not be negative");
        }
        StatusLog log = new StatusLog(err());
        CommandResponder runner = command == null ? null : new CommandResponder(command, globals().env());
        Reconnects reconnects = new Reconnects(log, globals().trace());
        try (Connection conn = reconnects.established(globals().connect(reconnects::configure))) {
            if ((body == null || body.isEmpty()) && command == null && !echo) {
                log.printf("No body or command supplied, enabling echo mode");
                echo = true;
            }
            Subscription sub = conn.subscribe(subject, queue);
            if (limit > 0 && limit <= Integer.MAX_VALUE) {
                // As natscli: the server stops sending after --count, so the group's other members get the rest.
                sub.unsubscribe((int) limit);
            }
            flush(conn);
            log.printf("Listening on \"%s\" in group \"%s\"", subject, queue);
            long served = 0;
            while (limit == 0 || served < limit) {
                Message request = sub.nextMessage(POLL);
                if (request == null) {
                    if (conn.getStatus() == Connection.Status.CLOSED) {
                        throw new CliException("connection closed");
                    }
                    continue;
                }
                answer(conn, request, served, runner, log);
                served++;
            }
            flush(conn);
        }
        return 0;
    }

    private void answer(Connection conn, Message request, long number, CommandResponder runner, StatusLog log)
            throws InterruptedException {
        log.printf("[#%d] Received on subject \"%s\":", number, request.getSubject());
        Headers requestHeaders = request.getHeaders();
        if (requestHeaders != null) {
            for (String key : requestHeaders.keySet()) {
                for (String value : requestHeaders.get(key)) {
                    log.printf("%s: %s", key, value);
                }
            }
        }
        byte[] requestData = request.getData() == null ? new byte[0] : request.getData();
        out().println();
        out().println(new String(requestData, StandardCharsets.UTF_8));
        out().flush();
        if (sleep != null && !sleep.isZero()) {
            // natscli's --sleep simulates a slow service: a random delay up to the maximum.
            Thread.sleep(Duration.ofNanos(ThreadLocalRandom.current().nextLong(sleep.toNanos())));
        }
        if (request.getReplyTo() == null || request.getReplyTo().isEmpty()) {
            log.printf("Could not publish reply: the message has no reply subject");
            return;
        }
        Headers replyHeaders;
        try {
            replyHeaders = HeaderFlags.parse(headers, number);
        } catch (CliException e) {
            log.printf("%s", e.getMessage());
            return;
        }
        byte[] data;
        if (echo) {
            if (replyHeaders == null) {
                replyHeaders = new Headers();
            }
            if (requestHeaders != null) {
                for (String key : requestHeaders.keySet()) {
                    replyHeaders.add(key, requestHeaders.get(key));
                }
            }
            replyHeaders.add("NATS-Reply-Counter", Long.toString(number));
            data = requestData;
        } else if (runner != null) {
            CommandResponder.Outcome outcome = runner.run(request.getSubject(), requestData, number);
            if (outcome.failure() != null) {
                log.printf("%s", outcome.failure());
            }
            if (outcome.output() == null) {
                return;
            }
            data = outcome.output();
        } else {
            data = expandBody(requestData, number, log);
        }
        conn.publish(NatsMessage.builder().subject(request.getReplyTo()).headers(replyHeaders).data(data).build());
    }

    private byte[] expandBody(byte[] request, long number, StatusLog log) {
        try {
            return MessageTemplate.expand(body, number, new String(request, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8);
        } catch (MessageTemplate.TemplateException e) {
            log.printf("Could not parse body template: %s", e.getMessage());
            return body.getBytes(StandardCharsets.UTF_8);
        }
    }

    private void flush(Connection conn) throws InterruptedException {
        try {
            conn.flush(globals().timeout());
        } catch (TimeoutException e) {
            throw new CliException("timeout waiting for the server to confirm the subscription");
        }
    }
}
