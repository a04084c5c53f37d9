package io.natrix.cli.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.Cli;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.nats.client.Connection;
import io.natrix.cli.Globals;
import io.natrix.cli.output.Human;
import io.natrix.cli.output.Json;
import io.natrix.cli.support.GoDuration;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.Message;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code natrix events} (aliases {@code event}, {@code e}): shows advisories and events as they happen, as natscli's
 * {@code events}. By default the server advisories ({@code $SYS.ACCOUNT.*.CONNECT}, {@code .DISCONNECT},
 * {@code $SYS.SERVER.*.CLIENT.AUTH.ERR}, which need a system account user); {@code --js-advisory} adds
 * {@code $JS.EVENT.ADVISORY.>}, {@code --js-metric} {@code $JS.EVENT.METRIC.>}, {@code --subjects} any others,
 * {@code --all} all of them. Each event prints in natscli's extended form, {@code --short} in one line,
 * {@code --json} as received; {@code --filter} keeps events whose JSON matches a regular expression (case
 * insensitive). {@code --stream S} replays the events a stream keeps instead ({@code --since} how long ago to
 * start). {@code --count N} stops after N events (natscli runs until interrupted, as this does without it).
 *
 * <p>Threads: the client's dispatcher thread queues events; the command's thread renders and prints them, so
 * output is never interleaved.
 */
@Command(name = "events", aliases = {"event", "e"}, description = "Show Advisories and Events")
public final class EventsCommand extends ClientCommand {

    /** Events waiting to be printed; a slow terminal drops the newest beyond this rather than growing without bound. */
    private static final int QUEUE_MAX = 10_000;

    @Option(names = {"-a", "--all"}, description = "Show all events")
    boolean all;

    @Option(names = {"-j", "--json"}, description = "Produce JSON output")
    boolean json;

    @Option(names = "--short", description = "Short event format")
    boolean shortFormat;

    @Option(names = "--filter", defaultValue = ".", paramLabel = "REGEX",
            description = "Filter across the entire event using regular expressions")
    String filter;

    @Option(names = "--js-metric", description = "Shows JetStream metric events (false)")
    boolean jsMetrics;

    @Option(names = "--js-advisory", description = "Shows advisory events (false)")
    boolean jsAdvisories;

    @Option(names = "--srv-advisory", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Shows NATS Server advisories (true)")
    boolean serverAdvisories;

    @Option(names = "--subjects", paramLabel = "SUBJECTS", split = ",",
            description = "Show Advisories and Metrics received on specific subjects")
    List<String> subjects = new ArrayList<>();

    @Option(names = "--stream", description = "Reads events from a Stream only")
    String stream;

    @Option(names = "--since", paramLabel = "DURATION",
            description = "When reading a Stream reads from a certain duration ago")
    String since;

    @Option(names = "--count", defaultValue = "0", paramLabel = "N",
            description = "Stop after N events (0: run until stopped)")
    int count;

    private record Event(String subject, byte[] data) {
    }

    @Override
    public Integer call() throws InterruptedException {
        if (count < 0) {
            throw new CliException("--count must not be negative");
        }
        Pattern bodyFilter;
        try {
            bodyFilter = Pattern.compile(filter.toUpperCase(Locale.ROOT));
        } catch (PatternSyntaxException e) {
            throw new CliException("invalid body regular expression \"" + filter + "\": " + e.getDescription());
        }
        boolean selected = all || jsAdvisories || jsMetrics || !subjects.isEmpty();
        if (!selected && !serverAdvisories && stream == null) {
            throw new CliException("no events were chosen");
        }
        if (selected && stream != null) {
            throw new CliException("cannot specify both Stream and specific advisories or extra subjects");
        }
        Duration sinceAgo = Duration.ZERO;
        if (since != null) {
            try {
                sinceAgo = GoDuration.parse(since);
            } catch (IllegalArgumentException e) {
                throw new CliException("invalid --since \"" + since + "\": " + e.getMessage());
            }
        }
        PrintWriter out = out();
        BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE_MAX);
        java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
        try (Connection nc = connect()) {
            Dispatcher dispatcher = nc.createDispatcher((Message m) -> {
                if (!queue.offer(new Event(m.getSubject(), m.getData()))) {
                    dropped.incrementAndGet(); // the terminal is slower than the events; say so, do not stall
                }
            });
            if (stream != null) {
                readStream(nc, dispatcher, queue, sinceAgo);
            } else {
                subscribe(dispatcher);
                flush(nc);
            }
            int shown = 0;
            while (count == 0 || shown < count) {
                Event event = queue.poll(1, TimeUnit.SECONDS);
                if (event == null) {
                    if (nc.getStatus() == Connection.Status.CLOSED) {
                        throw new CliException("connection closed");
                    }
                    continue;
                }
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    err().println(Cli.programName() + ": " + lost + " events dropped: they came faster than shown");
                    err().flush();
                }
                String text = new String(event.data(), StandardCharsets.UTF_8);
                if (!bodyFilter.matcher(text.toUpperCase(Locale.ROOT)).find()) {
                    continue;
                }
                print(out, event.subject(), text);
                shown++;
            }
        }
        return 0;
    }

    /** natscli's subjects for the chosen kinds of events. */
    private void subscribe(Dispatcher dispatcher) {
        if (jsAdvisories || all) {
            listen(dispatcher, "Advisories", "$JS.EVENT.ADVISORY.>");
        }
        if (jsMetrics || all) {
            listen(dispatcher, "Metrics", "$JS.EVENT.METRIC.>");
        }
        if (serverAdvisories || all) {
            listen(dispatcher, "Client Connection events", "$SYS.ACCOUNT.*.CONNECT");
            listen(dispatcher, "Client Disconnection events", "$SYS.ACCOUNT.*.DISCONNECT");
            listen(dispatcher, "Authentication Errors events", "$SYS.SERVER.*.CLIENT.AUTH.ERR");
        }
        for (String s : subjects) {
            listen(dispatcher, "advisories", s);
        }
    }

    private void listen(Dispatcher dispatcher, String what, String subject) {
        info("Listening for " + what + " on " + subject);
        dispatcher.subscribe(subject);
    }

    /** Replays the events a stream keeps (an ordered consumer), from {@code sinceAgo} ago or from the start. */
    private void readStream(Connection nc, Dispatcher dispatcher, BlockingQueue<Event> queue, Duration sinceAgo) {
        OrderedConsumerConfiguration config = new OrderedConsumerConfiguration();
        if (!sinceAgo.isZero()) {
            ZonedDateTime start = ZonedDateTime.now().minus(sinceAgo);
            config.deliverPolicy(DeliverPolicy.ByStartTime).startTime(start);
            info("Listening for Events in stream " + stream + " since " + Human.time(start));
        } else {
            info("Listening for Events in stream " + stream);
        }
        try {
            nc.getStreamContext(stream, globals().jetStreamOptions()).createOrderedConsumer(config)
                    .consume(dispatcher, m -> queue.offer(new Event(m.getSubject(), m.getData())));
        } catch (IOException e) {
            throw new CliException("could not read stream " + stream + ": " + Globals.rootMessage(e), e);
        } catch (JetStreamApiException e) {
            throw new CliException("could not read stream " + stream + ": " + e.getErrorDescription() + " ("
                    + e.getApiErrorCode() + ")", e);
        }
    }

    private void info(String line) {
        if (!json) {
            out().println(line);
            out().flush();
        }
    }

    /** Makes sure the server has the subscriptions before anything is reported as listening. */
    private void flush(Connection nc) {
        try {
            nc.flush(globals().timeout());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new CliException("timeout: the server did not confirm the subscriptions");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
    }

    private void print(PrintWriter out, String subject, String text) {
        if (json) {
            out.println(text);
            out.flush();
            return;
        }
        String rendered = null;
        JsonNode event = null;
        try {
            event = Json.MAPPER.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            out.printf("Event error: parsing failed: %s%n%n", e.getOriginalMessage());
        }
        if (event != null) {
            rendered = shortFormat ? EventRenderer.compact(event) : EventRenderer.extended(event);
            if (rendered == null) {
                out.printf("Event error: unknown event schema on subject %s%n%n", subject);
            }
        }
        if (rendered == null) {
            out.println(EventRenderer.pad(text, 10));
        } else {
            out.println(rendered);
            out.println();
        }
        out.flush();
    }
}
