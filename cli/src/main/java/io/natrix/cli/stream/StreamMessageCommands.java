package io.natrix.cli.stream;

import io.natrix.cli.output.Columns;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Json;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The stream commands that read or remove messages: {@code get}, {@code view}, {@code rmm} and {@code purge}, with
 * natscli's flags and output. Messages are read with {@code STREAM.MSG.GET} (no consumer is made, so reading
 * changes nothing on the server).
 */
final class StreamMessageCommands {

    /** JetStream's "no message found" API error code. */
    static final int NO_MESSAGE_FOUND = 10037;

    private StreamMessageCommands() {
    }

    /** {@code stream get STREAM [SEQ]} / {@code --last-for SUBJECT}: one stored message. */
    @Command(name = "get", description = "Retrieves a specific message from a Stream")
    static final class Get extends ClientCommand {
        @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name")
        String stream;

        @Parameters(index = "1", arity = "0..1", paramLabel = "SEQ", description = "Message Sequence to retrieve")
        Long seq;

        @Option(names = {"-S", "--last-for"}, paramLabel = "SUBJECT",
                description = "Retrieves the message for a specific subject")
        String lastFor;

        @Option(names = {"-j", "--json"}, description = "Produce JSON output")
        boolean json;

        @Override
        public Integer call() throws Exception {
            ObjectNode request = Json.MAPPER.createObjectNode();
            if (seq != null) {
                request.put("seq", seq);
            } else if (lastFor != null) {
                request.put("last_by_subj", lastFor);
            } else {
                Prompter prompter = new Prompter(globals(), out(), false);
                String answer = prompter.ask("Message Sequence to retrieve", null, "the SEQ argument or --last-for");
                request.put("seq", StreamFlags.parseLong(answer, "SEQ"));
            }
            try (Connection nc = connect()) {
                ObjectNode answer = new JsApi(nc, globals()).request("STREAM.MSG.GET." + stream, request);
                JsonNode msg = answer.path("message");
                if (json) {
                    Json.print(out(), msg);
                    return 0;
                }
                String time = msg.path("time").asText("");
                Instant at = Columns.instant(time);
                out().printf("Item: %s#%d received %s (%s) on Subject %s%n%n", stream, msg.path("seq").asLong(),
                        Columns.time(time), at == null ? "" : Columns.duration(Duration.between(at, Instant.now())),
                        msg.path("subject").asText());
                byte[] headers = decode(msg.path("hdrs").asText(""));
                if (headers.length > 0) {
                    out().println("Headers:");
                    printHeaders(out(), headers, "  ");
                    out().println();
                }
                printBody(out(), decode(msg.path("data").asText("")));
                return 0;
            }
        }
    }

    /** {@code stream view STREAM [SIZE]}: pages through messages; off a terminal, one page. */
    @Command(name = "view", description = "View messages in a stream")
    static final class View extends ClientCommand {
        /** natscli's largest page. */
        static final int PAGE_MAX = 25;

        @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name")
        String stream;

        @Parameters(index = "1", arity = "0..1", paramLabel = "SIZE", defaultValue = "10", description = "Page size <= 25")
        int pageSize;

        @Option(names = "--id", paramLabel = "SEQ", description = "Start at a specific message Sequence")
        long startId;

        @Option(names = "--since", paramLabel = "DURATION", description = "Delivers messages received since a duration like 1d3h5m2s")
        String since;

        @Option(names = "--raw", description = "Show the raw data received")
        boolean raw;

        @Option(names = "--subject", paramLabel = "SUBJECT", description = "Filter the stream using a subject")
        String subject;

        @Override
        public Integer call() throws Exception {
            if (pageSize < 1) {
                throw new CliException("page size must be at least 1");
            }
            if (pageSize > PAGE_MAX) {
                err().println("Page size is limited to " + PAGE_MAX + ", setting to " + PAGE_MAX + "...");
                pageSize = PAGE_MAX;
            }
            Duration sinceDuration = since == null ? null : StreamFlags.duration(since, "--since");
            Prompter prompter = new Prompter(globals(), out(), false);
            try (Connection nc = connect()) {
                JsApi api = new JsApi(nc, globals());
                api.streamInfo(stream);
                String filter = subject == null ? ">" : subject;
                long next = Math.max(1, startId);
                boolean first = true;
                while (true) {
                    for (int shown = 0; shown < pageSize; shown++) {
                        ObjectNode request = Json.MAPPER.createObjectNode().put("next_by_subj", filter);
                        if (first && sinceDuration != null) {
                            request.put("start_time", Instant.now().minus(sinceDuration).toString());
                        } else {
                            request.put("seq", next);
                        }
                        first = false;
                        JsonNode msg;
                        try {
                            msg = api.request("STREAM.MSG.GET." + stream, request).path("message");
                        } catch (JetStreamApiException e) {
                            if (e.getApiErrorCode() == NO_MESSAGE_FOUND) {
                                err().println("Reached apparent end of data");
                                err().flush();
                                return 0;
                            }
                            throw e;
                        }
                        show(msg);
                        next = msg.path("seq").asLong() + 1;
                    }
                    out().flush();
                    if (!globals().terminal() || !prompter.askBoolean("Next Page?", true, "a terminal")) {
                        return 0;
                    }
                }
            }
        }

        private void show(JsonNode msg) {
            byte[] data = decode(msg.path("data").asText(""));
            if (raw) {
                out().println(new String(data, StandardCharsets.UTF_8));
                return;
            }
            out().printf("[%d] Subject: %s Received: %s%n", msg.path("seq").asLong(), msg.path("subject").asText(),
                    Columns.time(msg.path("time").asText("")));
            byte[] headers = decode(msg.path("hdrs").asText(""));
            if (headers.length > 0) {
                out().println();
                printHeaders(out(), headers, "  ");
            }
            printBody(out(), data);
        }
    }

    /** {@code stream rmm STREAM [SEQ]}: removes (and erases) one message; asks first, or {@code --force}. */
    @Command(name = "rmm", description = "Securely removes an individual message from a Stream")
    static final class Rmm extends ClientCommand {
        @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name")
        String stream;

        @Parameters(index = "1", arity = "0..1", paramLabel = "SEQ", description = "Message Sequence to remove")
        Long seq;

        @Option(names = {"-f", "--force"}, description = "Force removal without prompting")
        boolean force;

        @Override
        public Integer call() throws Exception {
            Prompter prompter = new Prompter(globals(), out(), false);
            long id = seq != null ? seq
                    : StreamFlags.parseLong(prompter.ask("Message Sequence to remove", null, "the SEQ argument"), "SEQ");
            if (id <= 0) {
                throw new CliException("positive message ID required");
            }
            try (Connection nc = connect()) {
                JsApi api = new JsApi(nc, globals());
                api.streamInfo(stream);
                if (!prompter.confirm("remove message " + id + " from Stream " + stream, force)) {
                    return 0;
                }
                api.request("STREAM.MSG.DELETE." + stream, Json.MAPPER.createObjectNode().put("seq", id));
                return 0;
            }
        }
    }

    /** {@code stream purge STREAM}: removes messages in bulk ({@code --subject}, {@code --seq}, {@code --keep}). */
    @Command(name = "purge", description = "Bulk removes messages from a Stream")
    static final class Purge extends ClientCommand {
        @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name")
        String stream;

        @Option(names = {"-j", "--json"}, description = "Produce JSON output")
        boolean json;

        @Option(names = {"-f", "--force"}, description = "Force removal without prompting")
        boolean force;

        @Option(names = "--subject", paramLabel = "SUBJECT", description = "Limits the purge to a specific subject")
        String subject;

        @Option(names = "--seq", paramLabel = "SEQUENCE",
                description = "Purge up to but not including a specific message sequence")
        long sequence;

        @Option(names = "--keep", paramLabel = "MESSAGES", description = "Keeps a certain number of messages after the purge")
        long keep;

        @Override
        public Integer call() throws Exception {
            if (sequence > 0 && keep > 0) {
                throw new CliException("sequence and keep cannot be combined when purging");
            }
            if (sequence < 0 || keep < 0) {
                throw new CliException("--seq and --keep must not be negative");
            }
            if (!new Prompter(globals(), out(), false).confirm("purge Stream " + stream, force)) {
                return 0;
            }
            try (Connection nc = connect()) {
                JsApi api = new JsApi(nc, globals());
                ObjectNode request = Json.MAPPER.createObjectNode();
                if (subject != null) {
                    request.put("filter", subject);
                }
                if (sequence > 0) {
                    request.put("seq", sequence);
                }
                if (keep > 0) {
                    request.put("keep", keep);
                }
                ObjectNode answer = api.request("STREAM.PURGE." + stream, request.isEmpty() ? null : request);
                if (json) {
                    Json.print(out(), answer);
                    return 0;
                }
                out().printf("Purged %d messages from %s%n%n", answer.path("purged").asLong(), stream);
                StreamView.print(out(), api.streamInfo(stream), true);
                return 0;
            }
        }
    }

    static byte[] decode(String base64) {
        if (base64.isEmpty()) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new CliException("the server sent a message that is not base64: " + e.getMessage());
        }
    }

    /** Prints a {@code NATS/1.0} header block's lines (not its status line) as {@code indent Key: Value}. */
    static void printHeaders(PrintWriter out, byte[] block, String indent) {
        String[] lines = new String(block, StandardCharsets.UTF_8).split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                out.println(indent + lines[i].substring(0, colon) + ": " + lines[i].substring(colon + 1).strip());
            }
        }
    }

    /** A message body as natscli prints it: the text (or "nil body") and a blank line after. */
    static void printBody(PrintWriter out, byte[] data) {
        if (data.length == 0) {
            out.println("nil body");
            out.println();
            out.println();
            out.flush();
            return;
        }
        String text = new String(data, StandardCharsets.UTF_8);
        out.print(text.endsWith("\n") ? text : text + "\n");
        out.println();
        if (!text.endsWith("\n")) {
            out.println();
        }
        out.flush();
    }
}
