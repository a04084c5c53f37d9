package io.natrix.cli.messaging;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.support.GoDuration;
import io.nats.client.BaseConsumeOptions;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code natrix sub SUBJECT...} (alias {@code subscribe}): natscli's generic subscriber. Subscribes to the
 * subjects (in a queue group with {@code --queue}, or to a new inbox with {@code --inbox}) and shows each message
 * as {@link ReceivedMessages} does; {@code --stream}, {@code --durable} or a delivery flag ({@code --all},
 * {@code --new}, {@code --last}, {@code --since}, {@code --start-sequence}, {@code --last-per-subject}) reads a
 * stream instead, through {@link JetStreamSource}. It stops after {@code --count} messages, after {@code --wait}
 * without traffic, or when stopped; the connection reconnects for ever meanwhile, as natscli's does.
 */
@Command(name = "sub", aliases = "subscribe", description = "Generic subscription client")
public final class SubCommand extends ClientCommand {

    /** How often the waiting thread looks at the connection, so a closed one ends the command. */
    private static final Duration POLL = Duration.ofMillis(500);

    /** The shortest wait jnats accepts for one pull from a consumer. */
    private static final Duration PULL_WAIT_MIN = Duration.ofMillis(BaseConsumeOptions.MIN_EXPIRES_MILLS + 1);

    @Parameters(paramLabel = "SUBJECT", arity = "0..*", description = "Subjects to subscribe to")
    List<String> subjects = new ArrayList<>();

    @Option(names = "--queue", paramLabel = "GROUP", description = "Subscribe to a named queue group")
    String queue;

    @Option(names = "--durable", paramLabel = "NAME", description = "Use a durable consumer (requires JetStream)")
    String durable;

    @Option(names = {"-r", "--raw"}, description = "Show the raw data received")
    boolean raw;

    @Option(names = "--ack", negatable = true,
            description = "Acknowledge JetStream messages that have the correct metadata")
    boolean ack;

    @Option(names = "--match-replies", description = "Match replies to requests")
    boolean matchReplies;

    @Option(names = {"-i", "--inbox"}, description = "Subscribes to a generated inbox")
    boolean inbox;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "Quit after receiving this many messages")
    long count;

    @Option(names = "--dump", paramLabel = "DIRECTORY",
            description = "Dump received messages to files, 1 file per message. Specify - for null terminated "
                    + "STDOUT for use with xargs -0")
    String dump;

    @Option(names = "--headers-only", description = "Do not render any data, shows only headers")
    boolean headersOnly;

    @Option(names = "--subjects-only", description = "Prints only the messages' subjects")
    boolean subjectsOnly;

    @Option(names = "--start-sequence", paramLabel = "SEQUENCE", defaultValue = "0",
            description = "Starts at a specific Stream sequence (requires JetStream)")
    long startSequence;

    @Option(names = "--all", description = "Delivers all messages found in the Stream (requires JetStream)")
    boolean all;

    @Option(names = "--new", description = "Delivers only future messages (requires JetStream)")
    boolean newOnly;

    @Option(names = "--last", description = "Delivers the most recent and all future messages (requires JetStream)")
    boolean last;

    @Option(names = "--since", paramLabel = "DURATION",
            description = "Delivers messages received since a duration like 1d3h5m2s (requires JetStream)")
    String since;

    @Option(names = "--last-per-subject",
            description = "Deliver the most recent messages for each subject in the Stream (requires JetStream)")
    boolean lastPerSubject;

    @Option(names = {"-T", "--terminate-at-end"},
            description = "Stops consuming messages from JetStream once all messages were received")
    boolean terminateAtEnd;

    @Option(names = "--stream", paramLabel = "STREAM",
            description = "Subscribe to a specific stream (requires JetStream)")
    String stream;

    @Option(names = {"-I", "--ignore-subject"}, paramLabel = "SUBJECT",
            description = "Subjects for which corresponding messages will be ignored (repeatable, comma separated)")
    List<String> ignoreSubjects = new ArrayList<>();

    @Option(names = "--wait", paramLabel = "DURATION", converter = GoDurationConverter.class,
            description = "Unsubscribe after this amount of time without any traffic")
    Duration wait;

    @Option(names = "--translate", paramLabel = "COMMAND",
            description = "Translate the message data by running it through the given command before output")
    String translate;

    @Option(names = {"-t", "--timestamp"}, description = "Show timestamps in output")
    boolean timestamps;

    @Option(names = {"-d", "--delta-time"}, description = "Show time since start in output")
    boolean deltaTime;

    @Override
    public Integer call() throws Exception {
        if (subjects.isEmpty() && stream == null && !inbox) {
            throw new ParameterException(spec.commandLine(), "subject is required");
        }
        if (count < 0) {
            throw new CliException("--count must not be negative");
        }
        JetStreamSource.Delivery delivery = new JetStreamSource.Delivery(startSequence, all, newOnly, last,
                sinceDuration(), lastPerSubject);
        boolean jetStream = delivery.requested() || durable != null || stream != null;
        validate(jetStream);
        StatusLog log = new StatusLog(err());
        Reconnects reconnects = new Reconnects(log, globals().trace());
        try (Connection conn = reconnects.established(globals().connect(reconnects::configure))) {
            if (subjects.isEmpty() && inbox) {
                subjects = List.of(conn.createInbox());
            }
            MessageDump dumper = dump == null ? null : MessageDump.to(dump, out());
            ReceivedMessages received = new ReceivedMessages(conn, out(), log,
                    new ReceivedMessages.Display(raw, headersOnly, subjectsOnly, timestamps, deltaTime),
                    dumper, translate == null ? null : new Translator(translate, globals().env()),
                    splitSubjects(ignoreSubjects), count, terminateAtEnd, ack, matchReplies);
            AutoCloseable source;
            ConsumerContext pull = null;
            if (jetStream) {
                JetStreamSource.Started started = new JetStreamSource(conn, globals().jetStreamOptions(), log)
                        .start(stream, subjects.isEmpty() ? null : subjects.get(0), durable, delivery,
                                headersOnly || subjectsOnly, received);
                received.acknowledge(started.ack());
                pull = started.pull();
                MessageConsumer consumer = started.consumer();
                source = () -> {
                    if (consumer != null) {
                        consumer.stop();
                    }
                };
            } else {
                source = subscribe(conn, received, log);
            }
            try (source) {
                awaitEnd(conn, received, pull);
            }
            if (received.acknowledging()) {
                // Acknowledgements are published without waiting: let them reach the server before closing.
                conn.flush(globals().timeout());
            }
        }
        return 0;
    }

    /** Plain subscriptions on every subject, confirmed by the server; closing the result ends them. */
    private AutoCloseable subscribe(Connection conn, ReceivedMessages received, StatusLog log)
            throws InterruptedException {
        if ((!raw && dump == null) || inbox) {
            log.printf(ack ? "Subscribing on %s with acknowledgement of JetStream messages" : "Subscribing on %s",
                    String.join(", ", subjects));
        }
        Dispatcher dispatcher = conn.createDispatcher(received);
        if (matchReplies) {
            // Replies go to the requesters' inboxes: watch them all, under this connection's inbox prefix.
            String inboxes = conn.getOptions().getInboxPrefix() + ">";
            if (!raw && dump == null) {
                log.printf("Matching replies with inbox prefix %s", inboxes);
            }
            dispatcher.subscribe(inboxes, received.replies());
        }
        for (String subject : subjects) {
            if (queue == null) {
                dispatcher.subscribe(subject);
            } else {
                dispatcher.subscribe(subject, queue);
            }
        }
        try {
            conn.flush(globals().timeout());
        } catch (TimeoutException e) {
            throw new CliException("timeout waiting for the server to confirm the subscription");
        }
        return () -> conn.closeDispatcher(dispatcher);
    }

    private void validate(boolean jetStream) {
        if (!subjects.isEmpty() && durable != null) {
            throw new CliException("cannot specify both subjects and a durable consumer");
        }
        if (subjects.size() > 1 && jetStream) {
            throw new CliException("streams subscribe support only 1 subject");
        }
        if (terminateAtEnd && !jetStream) {
            throw new CliException("--terminate-at-end is only supported for JetStream subscriptions");
        }
        if (inbox && jetStream) {
            throw new CliException("generating inboxes is not compatible with JetStream subscriptions");
        }
        if (matchReplies && jetStream) {
            throw new CliException("cannot enable --match-replies for JetStream streams");
        }
        if (queue != null && jetStream) {
            throw new CliException("queue group subscriptions are not supported with JetStream");
        }
        if ("-".equals(dump) && inbox) {
            throw new CliException(
                    "generating inboxes is not compatible with dumping to stdout using null terminated strings");
        }
        if (timestamps && deltaTime) {
            throw new CliException("timestamp and delta-time flags are mutually exclusive");
        }
    }

    private Duration sinceDuration() {
        if (since == null) {
            return null;
        }
        try {
            Duration d = GoDuration.parse(since);
            if (d.isNegative()) {
                throw new CliException("invalid --since \"" + since + "\": must not be negative");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid --since \"" + since + "\": " + e.getMessage());
        }
    }

    /** natscli's {@code -I} takes comma separated lists as well as repeats. */
    private static List<String> splitSubjects(List<String> flags) {
        List<String> result = new ArrayList<>();
        for (String flag : flags) {
            for (String part : flag.split(",")) {
                if (!part.isBlank()) {
                    result.add(part.strip());
                }
            }
        }
        return result;
    }

    /**
     * Waits until the subscription has shown what it should, {@code --wait} passes idle, or the link closes;
     * meanwhile reads {@code pull} (when not null) a message at a time.
     */
    private void awaitEnd(Connection conn, ReceivedMessages received, ConsumerContext pull) throws Exception {
        while (true) {
            Duration step = POLL;
            if (wait != null && !wait.isZero()) {
                Duration idle = Duration.ofNanos(System.nanoTime() - received.lastActivityNanos());
                Duration left = wait.minus(idle);
                if (left.isNegative() || left.isZero()) {
                    return;
                }
                step = left.compareTo(POLL) < 0 ? left : POLL;
            }
            if (pull != null) {
                if (received.done().isDone()) {
                    return;
                }
                Message m = pull.next(step.compareTo(PULL_WAIT_MIN) < 0 ? PULL_WAIT_MIN : step);
                if (m != null) {
                    received.onMessage(m);
                } else if (conn.getStatus() == Connection.Status.CLOSED) {
                    throw new CliException("connection closed");
                }
                continue;
            }
            try {
                received.done().get(step.toNanos(), TimeUnit.NANOSECONDS);
                return;
            } catch (TimeoutException e) {
                if (conn.getStatus() == Connection.Status.CLOSED) {
                    throw new CliException("connection closed");
                }
            } catch (ExecutionException e) {
                throw new CliException(e.getCause().getMessage(), e.getCause());
            }
        }
    }
}
