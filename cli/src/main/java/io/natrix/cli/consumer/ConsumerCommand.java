package io.natrix.cli.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Human;
import io.natrix.cli.output.Json;
import io.natrix.cli.output.Table;
import io.natrix.cli.output.Columns;
import io.natrix.cli.stream.JsApi;
import io.natrix.cli.stream.Prompter;
import io.natrix.cli.stream.StreamView;
import io.nats.client.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code natrix consumer}: natscli's JetStream consumer management over the JetStream API. Listing, inspection and
 * removal live here; creating and changing in {@link ConsumerAddCommand} and {@link ConsumerEditCommand};
 * fetching in {@link ConsumerNextCommand}; pausing in {@link ConsumerPauseCommands}.
 */
@Command(name = "consumer", aliases = {"con", "obs", "c"}, description = "JetStream consumer management",
        subcommands = {ConsumerAddCommand.class, ConsumerEditCommand.class, ConsumerCommand.Ls.class,
                ConsumerCommand.Info.class, ConsumerCommand.Rm.class, ConsumerNextCommand.class,
                ConsumerPauseCommands.Pause.class, ConsumerPauseCommands.Resume.class, ConsumerCommand.Report.class})
public final class ConsumerCommand extends ClientCommand {

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 0;
    }

    /** {@code consumer ls STREAM}: a table of a stream's consumers, or their names. */
    @Command(name = "ls", aliases = "list", description = "List known consumers")
    static final class Ls extends ClientCommand {
        @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name")
        String stream;

        @Option(names = {"-j", "--json"}, description = "Produce JSON output")
        boolean json;

        @Option(names = {"-n", "--names"}, description = "Show just the consumer names")
        boolean names;

        @Override
        public Integer call() throws Exception {
            try (Connection nc = connect()) {
                JsApi api = new JsApi(nc, globals());
                api.streamInfo(stream);
                if (json || names) {
                    List<String> list = api.consumerNames(stream);
                    if (json) {
                        Json.print(out(), list);
                    } else {
                        list.forEach(out()::println);
                        out().flush();
                    }
                    return 0;
                }
                List<JsonNode> consumers = api.consumers(stream);
                if (consumers.isEmpty()) {
                    out().println("No Consumers defined");
                    out().flush();
                    return 0;
                }
                Table table = Table.titled("Consumers", "Name", "Description", "Created", "Ack Pending",
                        "Unprocessed", "Last Delivery");
                for (JsonNode c : consumers) {
                    table.row(c.path("name").asText(), c.path("config").path("description").asText(""),
                            Columns.time(c.path("created").asText()), c.path("num_ack_pending").asLong(),
                            c.path("num_pending").asLong(), since(c.path("ts").asText(""),
                                    c.path("delivered").path("last_active").asText("")));
                }
                table.print(out());
                out().println();
                out().flush();
                return 0;
            }
        }
    }

    static String since(String reference, String time) {
        Instant t = Columns.instant(time);
        if (t == null) {
            return "never";
        }
        Instant ref = Columns.instant(reference);
        return Columns.duration(Duration.between(t, ref == null ? Instant.now() : ref));
    }

    /** {@code consumer info STREAM CONSUMER}. */
    @Command(name = "info", aliases = "nfo", description = "Consumer information")
    static final class Info extends ClientCommand {
        @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name")
        String stream;

        @Parameters(index = "1", paramLabel = "CONSUMER", description = "Consumer name")
        String consumer;

        @Option(names = {"-j", "--json"}, description = "Produce JSON output")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (Connection nc = connect()) {
                ObjectNode info = new JsApi(nc, globals()).consumerInfo(stream, consumer);
                if (json) {
                    Json.print(out(), info);
                } else {
                    ConsumerView.print(out(), info);
                }
                return 0;
            }
        }
    }

    /** {@code consumer rm STREAM CONSUMER}: asks first, or {@code --force}. */
    @Command(name = "rm", aliases = {"delete", "del"}, description = "Removes a consumer")
    static final class Rm extends ClientCommand {
        @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name")
        String stream;

        @Parameters(index = "1", paramLabel = "CONSUMER", description = "Consumer name")
        String consumer;

        @Option(names = {"-f", "--force"}, description = "Force removal without prompting")
        boolean force;

        @Override
        public Integer call() throws Exception {
            if (!new Prompter(globals(), out(), false).confirm("delete Consumer " + stream + " > " + consumer, force)) {
                return 0;
            }
            try (Connection nc = connect()) {
                new JsApi(nc, globals()).request("CONSUMER.DELETE." + stream + "." + consumer, null);
                return 0;
            }
        }
    }

    /** {@code consumer report STREAM}: one row of statistics per consumer. */
    @Command(name = "report", description = "Reports on consumer statistics")
    static final class Report extends ClientCommand {
        @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name")
        String stream;

        @Option(names = {"-r", "--raw"}, description = "Show un-formatted numbers")
        boolean raw;

        @Override
        public Integer call() throws Exception {
            try (Connection nc = connect()) {
                JsApi api = new JsApi(nc, globals());
                JsonNode state = api.streamInfo(stream).path("state");
                long streamMsgs = state.path("messages").asLong();
                Table table = Table.titled("Consumer report for " + stream + " with "
                        + Human.count(state.path("consumer_count").asLong()) + " consumers", "Consumer", "Mode",
                        "Ack Policy", "Ack Wait", "Ack Pending", "Redelivered", "Unprocessed", "Ack Floor",
                        "API Level", "Cluster");
                for (JsonNode c : api.consumers(stream)) {
                    JsonNode cfg = c.path("config");
                    String mode = cfg.path("deliver_subject").asText("").isEmpty() ? "Pull" : "Push";
                    long ackWait = cfg.path("ack_wait").asLong();
                    long ackPending = c.path("num_ack_pending").asLong();
                    long redelivered = c.path("num_redelivered").asLong();
                    long pending = c.path("num_pending").asLong();
                    long floor = c.path("ack_floor").path("stream_seq").asLong();
                    String level = cfg.path("metadata").path("_nats.req.level").asText("0");
                    String ack = StreamView.capitalize(cfg.path("ack_policy").asText("none"));
                    String cluster = c.path("cluster").path("leader").asText("");
                    if (raw) {
                        table.row(c.path("name").asText(), mode, ack, ackWait, ackPending, redelivered, pending, floor,
                                level, cluster.isEmpty() ? "" : cluster + "*");
                    } else {
                        String unprocessed = "0";
                        if (pending > 0) {
                            long percent = streamMsgs == 0 ? 100
                                    : Math.min(100, (long) Math.floor((double) pending / streamMsgs * 100));
                            unprocessed = Human.count(pending) + " / " + percent + "%";
                        }
                        table.row(c.path("name").asText(), mode, ack, Columns.nanos(ackWait), Human.count(ackPending),
                                Human.count(redelivered), unprocessed, Human.count(floor), level,
                                cluster.isEmpty() ? "" : cluster + "*");
                    }
                }
                table.print(out());
                out().println();
                out().flush();
                return 0;
            }
        }
    }
}
