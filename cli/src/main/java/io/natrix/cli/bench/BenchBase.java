package io.natrix.cli.bench;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.Globals;
import io.natrix.cli.output.Human;
import io.natrix.cli.support.ByteSize;
import io.natrix.cli.support.GoDuration;
import io.nats.client.Connection;
import io.nats.client.NUID;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import picocli.CommandLine.Mixin;

/**
 * What every {@code bench} command does around its clients, as natscli does it: checks the common flags, logs the
 * banner and each client's start on standard error (time-stamped, as Go's logger), connects each client on its own
 * connection, draws progress bars on a terminal, and prints the summary on standard output and the CSV to
 * {@code --csv}.
 *
 * <p>Client connections use the settings the project's own benchmark (the {@code bench/} module) gives jnats, so
 * that both measure the same client: a 256 KiB socket buffer and room for 65,536 messages in the outgoing queue.
 */
abstract class BenchBase extends ClientCommand {

    /** jnats socket buffer of a client connection, as {@code bench/} sets it. */
    static final int SOCKET_BUFFER_BYTES = 256 * 1024;
    /** jnats outgoing queue of a client connection in messages, as {@code bench/} sets it. */
    static final int OUTGOING_QUEUE_MESSAGES = 65_536;

    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Mixin
    CommonFlags common;

    /** Problems the client connections reported along the way. */
    final ClientHealth health = new ClientHealth();

    /** {@code --msgs}, which must be positive. */
    long messages() {
        if (common.msgs <= 0) {
            throw new CliException("number of messages should be greater than 0");
        }
        return common.msgs;
    }

    /** {@code --size} in bytes, which must be positive. */
    int messageSize() {
        long size = ByteSize.parse(common.size, "--size");
        if (size <= 0 || size > Integer.MAX_VALUE) {
            throw new CliException("can not parse or invalid the value specified for the message size: "
                    + common.size);
        }
        return (int) size;
    }

    /** A client count flag's value, which must be positive. */
    static int clients(int clients, String flag) {
        if (clients <= 0) {
            throw new CliException("number of clients (" + flag + ") should be greater than 0");
        }
        return clients;
    }

    /** A count flag's value ({@code --batch}, ...), which must be positive. */
    static int positive(int value, String flag) {
        if (value <= 0) {
            throw new CliException(flag + " must be greater than 0");
        }
        return value;
    }

    /** {@code total} messages shared as evenly as possible by {@code clients}, the first ones taking the rest. */
    static long[] perClient(long total, int clients) {
        long[] counts = new long[clients];
        for (int i = 0; i < clients; i++) {
            counts[i] = total / clients + (i < total % clients ? 1 : 0);
        }
        return counts;
    }

    /** Where client {@code index}'s share starts: the sum of the shares before it. */
    static long offset(long[] counts, int index) {
        long sum = 0;
        for (int i = 0; i < index; i++) {
            sum += counts[i];
        }
        return sum;
    }

    /** A line on standard error, time-stamped as natscli's log lines are. */
    void log(String line) {
        log(err(), line);
    }

    /** A time-stamped line on {@code err}. */
    static void log(PrintWriter err, String line) {
        err.println(LocalTime.now().format(LOG_TIME) + " " + line);
        err.flush();
    }

    /**
     * natscli's banner: {@code Starting LABEL benchmark [a=1, b=2]} with the settings sorted by name; numbers get
     * thousands separators, durations Go's form.
     */
    void banner(String label, Map<String, Object> settings) {
        banner(err(), label, settings);
    }

    /** The banner on {@code err}. */
    static void banner(PrintWriter err, String label, Map<String, Object> settings) {
        StringJoiner joined = new StringJoiner(", ", "[", "]");
        new TreeMap<>(settings).forEach((k, v) -> joined.add(k + "=" + show(v)));
        log(err, "Starting " + label + " benchmark " + joined);
    }

    private static String show(Object v) {
        if (v instanceof Long || v instanceof Integer) {
            return Human.count(((Number) v).longValue());
        }
        if (v instanceof Duration d) {
            return GoDuration.format(d);
        }
        return String.valueOf(v);
    }

    /** Adds {@code --throughput} and {@code --duration} to the banner's settings when throttling. */
    static void throughput(Map<String, Object> settings, ThroughputFlags flags) {
        if (flags.throughput > 0) {
            settings.put("throughput", flags.throughput);
            if (!"0s".equals(flags.duration) && !"0".equals(flags.duration)) {
                settings.put("duration", flags.duration);
            }
        }
    }

    /** A byte count as the banner shows sizes ({@code 128 B}, {@code 1.0 KiB}). */
    static String size(long bytes) {
        return Human.bytes(bytes);
    }

    /** A new client connection with the benchmark's client settings. */
    Connection connectClient(String name) {
        return connectClient(globals(), name, health);
    }

    /** A new client connection with the benchmark's client settings, reporting problems to {@code health}. */
    static Connection connectClient(Globals globals, String name, ClientHealth health) {
        return globals.connect(b -> b
                .connectionName(name)
                .bufferSize(SOCKET_BUFFER_BYTES)
                .maxMessagesInOutgoingQueue(OUTGOING_QUEUE_MESSAGES)
                .errorListener(health)
                .connectionListener(health));
    }

    /** Progress bars: drawn only on a terminal and without {@code --no-progress}. */
    Progress progress() {
        if (common.progress && globals().terminal()) {
            return Progress.on(out(), Progress.widthFor(globals().env().get("COLUMNS")));
        }
        return Progress.off();
    }

    /** Prints the summary of the samples (and saves the CSV with {@code --csv}). */
    void report(List<Sample> pubSamples, List<Sample> subSamples) {
        SampleGroup pubs = new SampleGroup();
        pubSamples.forEach(pubs::add);
        SampleGroup subs = new SampleGroup();
        subSamples.forEach(subs::add);
        String problem = health.firstProblem();
        if (problem != null) {
            log("WARNING: at least one of the clients disconnected or experienced an error during the benchmark. "
                    + "These results are not optimal! (" + problem + ")");
        }
        Results results = new Results("NATS", NUID.nextGlobal(), pubs, subs);
        out().println();
        results.report().forEach(out()::println);
        out().flush();
        if (common.csv != null) {
            try {
                Files.writeString(Path.of(common.csv), results.csv(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliException("writing file " + common.csv + ": " + e.getMessage(), e);
            }
            out().println("Saved metric data in csv file " + common.csv);
            out().flush();
        }
    }
}
