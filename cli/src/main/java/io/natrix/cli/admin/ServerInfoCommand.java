package io.natrix.cli.admin;

import io.natrix.cli.support.ScatterGather;
import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Human;
import io.natrix.cli.output.Json;
import io.natrix.cli.support.GoDuration;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code natrix server info [SERVER]}: one server's varz in natscli's layout (process, connection, JetStream,
 * limits, statistics, cluster sections). SERVER is a server id (56 upper-case characters, asked directly with
 * {@code $SYS.REQ.SERVER.<id>.VARZ}) or a name (asked with {@code $SYS.REQ.SERVER.PING.VARZ} and a name filter);
 * without it, the first server to answer. {@code --json} prints the varz document. Needs a system account user.
 */
@Command(name = "info", aliases = "i", description = "Show information about a single server")
public final class ServerInfoCommand extends ClientCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVER", description = "Server ID or Name to inspect")
    String id = "";

    @Option(names = {"-j", "--json"}, description = "Produce JSON output")
    boolean json;

    @Override
    public Integer call() {
        String subject = "$SYS.REQ.SERVER." + id + ".VARZ";
        String body = "{}";
        if (id.length() != 56 || !id.toUpperCase(Locale.ROOT).equals(id)) {
            subject = "$SYS.REQ.SERVER.PING.VARZ";
            body = Json.MAPPER.createObjectNode().put("server_name", id).toString();
        }
        JsonNode varz;
        try (Connection nc = connect()) {
            List<byte[]> answers = ScatterGather.request(nc, subject, body, 1, globals().timeout());
            if (answers.isEmpty()) {
                throw new CliException(ScatterGather.NO_SYSTEM_PRIVILEGES);
            }
            varz = SystemAnswers.data(Json.parse(answers.get(0), "the answer to " + subject));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
        if (json) {
            Json.print(out(), varz);
        } else {
            render(varz).print(out());
        }
        return 0;
    }

    static Columns render(JsonNode v) {
        String serverId = v.path("server_id").asText();
        String name = v.path("server_name").asText();
        Columns cols = new Columns(serverId.equals(name) ? "Server information for " + serverId
                : "Server information for " + name + " (" + serverId + ")");
        cols.title("Process Details");
        cols.row("Version", v.path("version").asText());
        cols.row("Git Commit", v.path("git_commit").asText());
        cols.row("Go Version", v.path("go").asText());
        cols.row("Start Time", Fmt.localTime(v.path("start").asText()));
        cols.row("Configuration Load Time", Fmt.localTime(v.path("config_load_time").asText()));
        cols.rowIfNotEmpty("Configuration Digest", v.path("config_digest").asText());
        cols.row("Uptime", v.path("uptime").asText());

        cols.title("Connection Details");
        cols.row("Auth Required", v.path("auth_required").asBoolean());
        cols.row("TLS Required", v.path("tls_required").asBoolean());
        String hostPort = v.path("host").asText() + ":" + v.path("port").asInt();
        String ip = v.path("ip").asText();
        cols.row("Host", ip.isEmpty() ? hostPort : hostPort + " (" + ip + ")");
        listRows(cols, "Client URLs", v.path("connect_urls"));
        listRows(cols, "WebSocket URLs", v.path("ws_connect_urls"));

        JsonNode js = v.path("jetstream");
        JsonNode config = js.path("config");
        if (!config.path("store_dir").asText().isEmpty()) {
            JsonNode stats = js.path("stats");
            cols.title("JetStream");
            cols.row("Domain", config.path("domain").asText());
            cols.row("API Support Level", stats.path("api").path("level").asInt());
            cols.row("Storage Directory", config.path("store_dir").asText());
            cols.row("Active Accounts", stats.path("accounts").asInt());
            cols.row("Memory In Use", Human.bytes(stats.path("memory").asLong()));
            cols.row("File In Use", Human.bytes(stats.path("storage").asLong()));
            cols.row("API Requests", stats.path("api").path("total").asLong());
            cols.row("API Errors", stats.path("api").path("errors").asLong());
            long syncNanos = config.path("sync_interval").asLong();
            if (syncNanos > 0) {
                cols.row("Always sync writes to disk", config.path("sync_always").asBoolean());
                cols.row("Write sync Frequency", GoDuration.format(Duration.ofNanos(syncNanos)));
            }
            cols.row("Maximum Memory Storage", Human.bytes(config.path("max_memory").asLong()));
            cols.row("Maximum File Storage", Human.bytes(config.path("max_storage").asLong()));
            cols.rowIfNotEmpty("Unique Tag", config.path("unique_tag").asText());
            cols.row("Cluster Message Compression", config.path("compress_ok").asBoolean());
            JsonNode limits = js.path("limits");
            if (limits.size() > 0) {
                unlimited(cols, "Maximum HA Assets", limits.path("max_ha_assets").asLong());
                unlimited(cols, "Maximum Ack Pending", limits.path("max_ack_pending").asLong());
                unlimited(cols, "Maximum Request Batch", limits.path("max_request_batch").asLong());
                long duplicates = limits.path("duplicate_window_max").asLong();
                cols.row("Maximum Duplicate Window", duplicates == 0 ? "unlimited"
                        : GoDuration.format(Duration.ofNanos(duplicates)));
            }
            cols.row("Strict API Parsing", config.path("strict").asBoolean());
        }

        cols.title("Limits");
        cols.row("Maximum Connections", v.path("max_connections").asLong());
        cols.row("Maximum Subscriptions", v.path("max_subscriptions").asLong());
        cols.row("Maximum Payload", Human.bytes(v.path("max_payload").asLong()));
        cols.row("TLS Timeout", GoDuration.format(
                Duration.ofMillis(Math.round(v.path("tls_timeout").asDouble() * 1000))));
        cols.row("Write Deadline", GoDuration.format(Duration.ofMillis(
                Math.round(v.path("write_deadline").asLong() / 1_000_000.0))));

        cols.title("Statistics");
        cols.row("CPU Cores", String.format(Locale.ROOT, "%d %.2f%%", v.path("cores").asInt(),
                v.path("cpu").asDouble()));
        if (v.path("gomaxprocs").asInt() > 0) {
            cols.row("GOMAXPROCS", v.path("gomaxprocs").asInt());
        }
        cols.row("Memory", Human.bytes(v.path("mem").asLong()));
        cols.row("Connections", v.path("connections").asLong());
        cols.row("Subscriptions", v.path("subscriptions").asLong());
        cols.row("Messages", Fmt.count(v.path("in_msgs").asLong()) + " in " + Fmt.count(v.path("out_msgs").asLong())
                + " out");
        cols.row("Bytes", Human.bytes(v.path("in_bytes").asLong()) + " in " + Human.bytes(v.path("out_bytes").asLong())
                + " out");
        cols.row("Slow Consumers", v.path("slow_consumers").asLong());

        JsonNode cluster = v.path("cluster");
        if (cluster.path("urls").size() > 0) {
            cols.title("Cluster");
            cols.row("Name", cluster.path("name").asText());
            cols.row("Host", cluster.path("addr").asText() + ":" + cluster.path("cluster_port").asInt());
            listRows(cols, "URLs", cluster.path("urls"));
        }
        return cols;
    }

    private static void listRows(Columns cols, String label, JsonNode list) {
        for (int i = 0; i < list.size(); i++) {
            cols.row(i == 0 ? label : "", list.get(i).asText());
        }
    }

    private static void unlimited(Columns cols, String label, long value) {
        cols.row(label, value <= 0 ? "unlimited" : Fmt.count(value));
    }
}
