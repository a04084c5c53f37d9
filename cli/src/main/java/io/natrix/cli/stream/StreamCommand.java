package io.natrix.cli.stream;

import io.natrix.cli.output.Columns;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Human;
import io.natrix.cli.output.Json;
import io.natrix.cli.output.Table;
import io.nats.client.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code natrix stream}: natscli's JetStream stream management, over the JetStream API ({@link JsApi}). The
 * listing and inspection commands live here; creating and changing streams in {@link StreamAddCommand},
 * {@link StreamEditCommand} and {@link StreamCopyCommand}; message commands in {@link StreamMessageCommands};
 * backups in {@link StreamBackupCommands}.
 */
@Command(name = "stream", aliases = {"str", "st", "ms", "s"}, description = "JetStream stream management",
        subcommands = {StreamAddCommand.class, StreamCommand.Ls.class, StreamCommand.Report.class,
                StreamCommand.Info.class, StreamEditCommand.class, StreamCommand.Rm.class,
                StreamMessageCommands.Purge.class, StreamCopyCommand.class, StreamMessageCommands.Rmm.class,
                StreamMessageCommands.View.class, StreamMessageCommands.Get.class,
                StreamBackupCommands.Backup.class, StreamBackupCommands.Restore.class, StreamCommand.Seal.class})
public final class StreamCommand extends ClientCommand {

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 0;
    }

    /** Streams that belong to another abstraction (KV buckets, object stores, MQTT), hidden unless {@code -a}. */
    static boolean isInternal(String name) {
        return name.startsWith("KV_") || name.startsWith("OBJ_") || name.startsWith("$MQTT_");
    }

    /** {@code stream ls}: a table of streams, smallest first, or just their names. */
    @Command(name = "ls", aliases = {"list", "l"}, description = "List all known streams")
    static final class Ls extends ClientCommand {
        @Option(names = "--subject", paramLabel = "SUBJECT", description = "Limit the list to streams with matching subjects")
        String subject;

        @Option(names = {"-n", "--names"}, description = "Show just the stream names")
        boolean names;

        @Option(names = {"-j", "--json"}, description = "Produce JSON output")
        boolean json;

        @Option(names = {"-a", "--all"}, description = "Show all streams including system ones")
        boolean all;

        @Override
        public Integer call() throws Exception {
            try (Connection nc = connect()) {
                JsApi api = new JsApi(nc, globals());
                if (names) {
                    List<String> list = api.streamNames(subject);
                    if (json) {
                        Json.print(out(), list);
                    } else {
                        list.forEach(out()::println);
                    }
                    out().flush();
                    return 0;
                }
                List<JsonNode> streams = new ArrayList<>();
                boolean skipped = false;
                for (JsonNode info : api.streams(subject)) {
                    if (!all && isInternal(info.path("config").path("name").asText())) {
                        skipped = true;
                    } else {
                        streams.add(info);
                    }
                }
                if (json) {
                    Json.print(out(), streams.stream().map(s -> s.path("config").path("name").asText()).toList());
                    return 0;
                }
                if (streams.isEmpty()) {
                    out().println(skipped ? "No Streams defined, pass -a to include system streams"
                            : "No Streams defined");
                    out().flush();
                    return 0;
                }
                streams.sort(Comparator.comparingLong(s -> s.path("state").path("bytes").asLong()));
                Table table = Table.titled(subject == null ? "Streams" : "Streams matching " + subject,
                        "Name", "Description", "Created", "Messages", "Size", "Last Message");
                for (JsonNode s : streams) {
                    JsonNode state = s.path("state");
                    table.row(s.path("config").path("name").asText(), s.path("config").path("description").asText(""),
                            Columns.time(s.path("created").asText()), Human.count(state.path("messages").asLong()),
                            Human.bytes(state.path("bytes").asLong()), since(s.path("ts").asText(""),
                                    state.path("last_ts").asText("")));
                }
                table.print(out());
                out().println();
                out().flush();
                return 0;
            }
        }
    }

    /** How long before the info's own time stamp (or now) {@code time} was; "never" for no time. */
    static String since(String reference, String time) {
        Instant t = Columns.instant(time);
        if (t == null || t.getEpochSecond() == 0) {
            return "never";
        }
        Instant ref = Columns.instant(reference);
        return Columns.duration(Duration.between(t, ref == null ? Instant.now() : ref));
    }

    /** {@code stream info STREAM}: the configuration and state, or the API's JSON. */
    @Command(name = "info", aliases = {"nfo", "i"}, description = "Stream information")
    static final class Info extends ClientCommand {
        @Parameters(index = "0", paramLabel = "STREAM", description = "Stream to retrieve information for")
        String stream;

        @Option(names = {"-j", "--json"}, description = "Produce JSON output")
        boolean json;

        @Option(names = "--state", description = "Shows only the stream state")
        boolean stateOnly;

        @Override
        public Integer call() throws Exception {
            try (Connection nc = connect()) {
                ObjectNode info = new JsApi(nc, globals()).streamInfo(stream);
                if (json) {
                    Json.print(out(), info);
                    return 0;
                }
                StreamView.print(out(), info, stateOnly);
                out().println();
                out().flush();
                return 0;
            }
        }
    }

    /** {@code stream rm STREAM}: deletes a stream and its messages (asks first, or {@code --force}). */
    @Command(name = "rm", aliases = {"delete", "del"}, description = "Removes a stream")
    static final class Rm extends ClientCommand {
        @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name")
        String stream;

        @Option(names = {"-f", "--force"}, description = "Force removal without prompting")
        boolean force;

        @Override
        public Integer call() throws Exception {
            if (!new Prompter(globals(), out(), false).confirm("delete Stream " + stream, force)) {
                return 0;
            }
            try (Connection nc = connect()) {
                new JsApi(nc, globals()).request("STREAM.DELETE." + stream, null);
                return 0;
            }
        }
    }

    /** {@code stream seal STREAM}: makes a stream read-only for good (asks first, or {@code --force}). */
    @Command(name = "seal", description = "Seals a stream preventing further updates")
    static final class Seal extends ClientCommand {
        @Parameters(index = "0", paramLabel = "STREAM", description = "The name of the stream to seal")
        String stream;

        @Option(names = {"-f", "--force"}, description = "Force sealing without prompting")
        boolean force;

        @Override
        public Integer call() throws Exception {
            if (!new Prompter(globals(), out(), false).confirm("seal Stream " + stream
                    + ", sealed streams can not be unsealed or modified", force)) {
                return 0;
            }
            try (Connection nc = connect()) {
                JsApi api = new JsApi(nc, globals());
                ObjectNode cfg = (ObjectNode) api.streamInfo(stream).path("config").deepCopy();
                cfg.put("sealed", true);
                ObjectNode info = api.request("STREAM.UPDATE." + stream, cfg);
                StreamView.print(out(), info, false);
                return 0;
            }
        }
    }

    /** {@code stream report}: one table row of statistics per stream. */
    @Command(name = "report", description = "Reports on stream statistics")
    static final class Report extends ClientCommand {
        @Option(names = "--subject", paramLabel = "SUBJECT", description = "Limit the report to streams with matching subjects")
        String subject;

        @Option(names = {"-o", "--consumers"}, description = "Sort by number of Consumers")
        boolean byConsumers;

        @Option(names = {"-m", "--messages"}, description = "Sort by number of Messages")
        boolean byMessages;

        @Option(names = {"-n", "--name"}, description = "Sort by stream name")
        boolean byName;

        @Option(names = {"-t", "--storage"}, description = "Sort by Storage type")
        boolean byStorage;

        @Option(names = {"-r", "--raw"}, description = "Show un-formatted numbers")
        boolean raw;

        @Option(names = {"-a", "--all"}, description = "Include system streams")
        boolean all;

        @Override
        public Integer call() throws Exception {
            try (Connection nc = connect()) {
                List<JsonNode> streams = new ArrayList<>();
                for (JsonNode info : new JsApi(nc, globals()).streams(subject)) {
                    if (all || !isInternal(info.path("config").path("name").asText())) {
                        streams.add(info);
                    }
                }
                out().print("Obtaining Stream stats\n\n");
                if (streams.isEmpty()) {
                    out().println("No Streams defined");
                    out().flush();
                    return 0;
                }
                Comparator<JsonNode> order;
                if (byConsumers) {
                    order = Comparator.comparingLong(s -> s.path("state").path("consumer_count").asLong());
                } else if (byMessages) {
                    order = Comparator.comparingLong(s -> s.path("state").path("messages").asLong());
                } else if (byName) {
                    order = Comparator.comparing(s -> s.path("config").path("name").asText());
                } else if (byStorage) {
                    order = Comparator.comparing(s -> s.path("config").path("storage").asText());
                } else {
                    order = Comparator.comparingLong(s -> s.path("state").path("bytes").asLong());
                }
                streams.sort(order);
                Table table = Table.titled("Stream Report", "Stream", "Storage", "Placement", "Consumers",
                        "Messages", "Bytes", "Lost", "Deleted", "API Level", "Replicas");
                for (JsonNode s : streams) {
                    JsonNode cfg = s.path("config");
                    JsonNode st = s.path("state");
                    long consumers = st.path("consumer_count").asLong();
                    long msgs = st.path("messages").asLong();
                    long bytes = st.path("bytes").asLong();
                    long deleted = st.path("deleted").size() > 0 ? st.path("deleted").size()
                            : st.path("num_deleted").asLong();
                    int lostMsgs = st.path("lost").path("msgs").size();
                    long lostBytes = st.path("lost").path("bytes").asLong();
                    String lost = lostMsgs == 0 ? "0" : raw ? lostMsgs + " (" + lostBytes + ")"
                            : Human.count(lostMsgs) + " (" + Human.bytes(lostBytes) + ")";
                    String level = cfg.path("metadata").path("_nats.req.level").asText("0");
                    table.row(cfg.path("name").asText(), StreamView.capitalize(cfg.path("storage").asText()),
                            placement(cfg.path("placement")),
                            raw ? consumers : Human.count(consumers), raw ? msgs : Human.count(msgs),
                            raw ? bytes : Human.bytes(bytes), lost, raw ? deleted : Human.count(deleted), level,
                            cluster(s.path("cluster")));
                }
                table.print(out());
                out().println();
                out().flush();
                return 0;
            }
        }

        private static String placement(JsonNode p) {
            String out = "";
            if (!p.path("cluster").asText("").isEmpty()) {
                out = "cluster: " + p.path("cluster").asText() + " ";
            }
            if (p.path("tags").size() > 0) {
                out += "tags: " + StreamView.join(p.path("tags"));
            }
            return out;
        }

        /** The leader marked with {@code *} and the replicas, as natscli's report shows a stream's peers. */
        private static String cluster(JsonNode c) {
            List<String> peers = new ArrayList<>();
            if (!c.path("leader").asText("").isEmpty()) {
                peers.add(c.path("leader").asText() + "*");
            }
            for (JsonNode r : c.path("replicas")) {
                boolean down = r.path("offline").asBoolean() || !r.path("current").asBoolean();
                peers.add(r.path("name").asText() + (down ? "!" : ""));
            }
            return String.join(", ", peers);
        }
    }
}
