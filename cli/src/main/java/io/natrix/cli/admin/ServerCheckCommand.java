package io.natrix.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.Globals;
import io.natrix.cli.output.Json;
import io.natrix.cli.support.GoDuration;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/**
 * {@code natrix server check KIND}: health checks for monitoring systems, as natscli's {@code server check}:
 * {@code connection}, {@code server}, {@code jetstream}, {@code stream}, {@code consumer} and {@code kv}. Each
 * prints one {@link CheckResult} ({@code --format nagios|json|text}) and exits with the Nagios status (0 OK,
 * 1 WARNING, 2 CRITICAL). Failures to reach the server or load the checked thing are CRITICAL results, not errors,
 * so a monitoring system always gets a verdict.
 */
@Command(name = "check", description = "Health check for NATS servers",
        subcommands = {ServerCheckCommand.ConnectionCheck.class, ServerCheckCommand.ServerHealth.class,
                ServerCheckCommand.JetStreamCheck.class, ServerCheckCommand.StreamCheck.class,
                ServerCheckCommand.ConsumerCheck.class, ServerCheckCommand.KvCheck.class})
public final class ServerCheckCommand extends ClientCommand {

    @Option(names = "--format", defaultValue = "nagios", scope = ScopeType.INHERIT,
            description = "Render the check in a specific format (nagios, json, text)")
    String format;

    @Override
    public Integer call() {
        throw new CliException("a check is required: connection, server, jetstream, stream, consumer or kv");
    }

    CheckResult.Format format() {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "nagios" -> CheckResult.Format.NAGIOS;
            case "json" -> CheckResult.Format.JSON;
            case "text" -> CheckResult.Format.TEXT;
            default -> throw new CliException("invalid format \"" + format + "\": use nagios, json or text");
        };
    }

    /** A duration flag in seconds, as the checks compare them; 0 when not given. */
    static double seconds(String flag, String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            return GoDuration.parse(value).toNanos() / 1e9;
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid " + flag + " \"" + value + "\": " + e.getMessage());
        }
    }

    /** The base of each check: connecting turns into a CRITICAL result, and the result is printed at the end. */
    abstract static class Check extends ClientCommand {
        @ParentCommand
        ServerCheckCommand parent;

        abstract CheckResult newResult();

        /** Runs the check on a connection. */
        abstract void check(Connection nc, CheckResult check) throws Exception;

        @Override
        public Integer call() throws Exception {
            CheckResult.Format format = parent.format();
            validate();
            CheckResult check = newResult();
            Connection nc = null;
            try {
                nc = connect();
            } catch (CliException e) {
                check.critical("connection failed: " + reason(e));
            }
            if (nc != null) {
                try {
                    check(nc, check);
                } finally {
                    nc.close();
                }
            }
            PrintWriter out = out();
            out.println(check.render(format));
            out.flush();
            return check.exitStatus();
        }

        /** Checks the flags before anything is asked; bad flags are one-line errors, not check results. */
        void validate() {
        }

        /** A JetStream API request's answer; an error answer or no answer is null after a CRITICAL message. */
        JsonNode api(Connection nc, CheckResult check, String suffix) {
            String subject = globals().jetStreamApiPrefix() + suffix;
            try {
                Message m = nc.request(subject, new byte[0], globals().timeout());
                if (m == null) {
                    check.critical("could not load info: timeout");
                    return null;
                }
                if (m.isStatusMessage()) {
                    check.critical("could not load info: JetStream not enabled (" + m.getStatus().getCode() + ")");
                    return null;
                }
                JsonNode answer = Json.parse(m.getData(), "the answer to " + subject);
                JsonNode error = answer.get("error");
                if (error != null && !error.isNull()) {
                    check.critical("could not load info: " + error.path("description").asText() + " ("
                            + error.path("err_code").asInt() + ")");
                    return null;
                }
                return answer;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                check.critical("could not load info: interrupted");
                return null;
            }
        }
    }

    static String reason(CliException e) {
        return e.getCause() != null ? Globals.rootMessage(e.getCause()) : e.getMessage();
    }

    @Command(name = "connection", aliases = "conn", description = "Checks basic server connection")
    static final class ConnectionCheck extends Check {
        private static final SecureRandom RANDOM = new SecureRandom();

        @Option(names = "--connect-warn", defaultValue = "500ms",
                description = "Warning threshold to allow for establishing connections (default 500ms)")
        String connectWarn;

        @Option(names = "--connect-critical", defaultValue = "1s",
                description = "Critical threshold to allow for establishing connections (default 1s)")
        String connectCritical;

        @Option(names = "--rtt-warn", defaultValue = "500ms",
                description = "Warning threshold to allow for server RTT (default 500ms)")
        String rttWarn;

        @Option(names = "--rtt-critical", defaultValue = "1s",
                description = "Critical threshold to allow for server RTT (default 1s)")
        String rttCritical;

        @Option(names = "--req-warn", defaultValue = "500ms",
                description = "Warning threshold to allow for full round trip test (default 500ms)")
        String reqWarn;

        @Option(names = "--req-critical", defaultValue = "1s",
                description = "Critical threshold to allow for full round trip test (default 1s)")
        String reqCritical;

        private long connectNanos;

        @Override
        CheckResult newResult() {
            return new CheckResult("Connection", "connections");
        }

        @Override
        void validate() {
            seconds("--connect-warn", connectWarn);
            seconds("--connect-critical", connectCritical);
            seconds("--rtt-warn", rttWarn);
            seconds("--rtt-critical", rttCritical);
            seconds("--req-warn", reqWarn);
            seconds("--req-critical", reqCritical);
        }

        @Override
        public Integer call() throws Exception {
            connectNanos = System.nanoTime();
            return super.call();
        }

        @Override
        void check(Connection nc, CheckResult check) throws Exception {
            Duration connectTime = Duration.ofNanos(System.nanoTime() - connectNanos);
            double cw = seconds("--connect-warn", connectWarn);
            double cc = seconds("--connect-critical", connectCritical);
            check.perf("connect_time", connectTime.toNanos() / 1e9, cw, cc, "s", "Time taken to connect to NATS");
            String url = nc.getConnectedUrl();
            if (cc != 0 && connectTime.toNanos() / 1e9 >= cc) {
                check.critical("connected to " + url + ", connect time exceeded " + CheckResult.seconds(cc));
            } else if (cw != 0 && connectTime.toNanos() / 1e9 >= cw) {
                check.warn("connected to " + url + ", connect time exceeded " + CheckResult.seconds(cw));
            } else {
                check.ok("connected to " + url + " in " + GoDuration.format(connectTime));
            }

            Duration rtt;
            try {
                rtt = nc.RTT();
            } catch (IOException e) {
                check.critical("rtt failed: " + Globals.rootMessage(e));
                return;
            }
            double rw = seconds("--rtt-warn", rttWarn);
            double rc = seconds("--rtt-critical", rttCritical);
            check.perf("rtt", rtt.toNanos() / 1e9, rw, rc, "s", "The round-trip-time of the connection");
            if (rc != 0 && rtt.toNanos() / 1e9 >= rc) {
                check.critical("rtt time exceeded " + CheckResult.seconds(rc));
            } else if (rw != 0 && rtt.toNanos() / 1e9 >= rw) {
                check.warn("rtt time exceeded " + CheckResult.seconds(rw));
            } else {
                check.ok("rtt time " + GoDuration.format(rtt));
            }

            byte[] payload = randomPayload();
            String inbox = nc.createInbox();
            Subscription sub = nc.subscribe(inbox);
            sub.unsubscribe(1);
            long start = System.nanoTime();
            nc.publish(inbox, payload);
            Message received = sub.nextMessage(globals().timeout());
            if (received == null) {
                check.critical("did not receive from " + inbox + ": timeout");
                return;
            }
            double took = (System.nanoTime() - start) / 1e9;
            double qw = seconds("--req-warn", reqWarn);
            double qc = seconds("--req-critical", reqCritical);
            check.perf("request_time", took, qw, qc, "s", "Time taken for a full Request-Reply operation");
            if (!java.util.Arrays.equals(received.getData(), payload)) {
                check.critical("did not receive expected message");
            }
            if (qc != 0 && took >= qc) {
                check.critical(String.format(Locale.ROOT, "round trip request took %f", took));
            } else if (qw != 0 && took >= qw) {
                check.warn(String.format(Locale.ROOT, "round trip request took %f", took));
            } else {
                check.ok(String.format(Locale.ROOT, "round trip took %fs", took));
            }
        }

        private static byte[] randomPayload() {
            char[] alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();
            StringBuilder sb = new StringBuilder(100);
            for (int i = 0; i < 100; i++) {
                sb.append(alphabet[RANDOM.nextInt(alphabet.length)]);
            }
            return sb.toString().getBytes(StandardCharsets.US_ASCII);
        }
    }

    @Command(name = "server", description = "Checks a NATS Server health")
    static final class ServerHealth extends Check {
        @Option(names = "--name", required = true, description = "Server name to require in the result")
        String name;

        @Option(names = "--cpu-warn", description = "Warning threshold for CPU usage, in percent")
        int cpuWarn;

        @Option(names = "--cpu-critical", description = "Critical threshold for CPU usage, in percent")
        int cpuCritical;

        @Option(names = "--mem-warn", description = "Warning threshold for Memory usage, in bytes")
        long memWarn;

        @Option(names = "--mem-critical", description = "Critical threshold Memory CPU usage, in bytes")
        long memCritical;

        @Option(names = "--conn-warn", description = "Warning threshold for connections, supports inversion")
        int connWarn;

        @Option(names = "--conn-critical", description = "Critical threshold for connections, supports inversion")
        int connCritical;

        @Option(names = "--subs-warn",
                description = "Warning threshold for number of active subscriptions, supports inversion")
        int subsWarn;

        @Option(names = "--subs-critical",
                description = "Critical threshold for number of active subscriptions, supports inversion")
        int subsCritical;

        @Option(names = "--uptime-warn", description = "Warning threshold for server uptime as duration")
        String uptimeWarn;

        @Option(names = "--uptime-critical", description = "Critical threshold for server uptime as duration")
        String uptimeCritical;

        @Option(names = "--auth-required", description = "Checks that authentication is enabled")
        boolean authRequired;

        @Option(names = "--tls-required", description = "Checks that TLS is required")
        boolean tlsRequired;

        @Option(names = "--js-required", description = "Checks that JetStream is enabled")
        boolean jsRequired;

        @Override
        CheckResult newResult() {
            return new CheckResult(name, "server");
        }

        @Override
        void validate() {
            seconds("--uptime-warn", uptimeWarn);
            seconds("--uptime-critical", uptimeCritical);
        }

        @Override
        void check(Connection nc, CheckResult check) {
            String body = Json.MAPPER.createObjectNode().put("server_name", name).toString();
            List<byte[]> answers;
            try {
                answers = ScatterGather.request(nc, "$SYS.REQ.SERVER.PING.VARZ", body, 1, globals().timeout());
            } catch (CliException e) {
                check.critical("varz failed: " + e.getMessage());
                return;
            }
            if (answers.isEmpty()) {
                check.critical("varz failed: timeout");
                return;
            }
            JsonNode answer = Json.parse(answers.get(0), "the answer to $SYS.REQ.SERVER.PING.VARZ");
            JsonNode error = answer.get("error");
            if (error != null && !error.isNull()) {
                check.critical("varz failed: invalid response received: " + error.path("description").asText());
                return;
            }
            JsonNode vz = answer.path("data");
            if (vz.isMissingNode() || vz.isNull()) {
                check.critical("no data received");
                return;
            }
            if (!vz.path("server_name").asText().equals(name)) {
                check.critical("result from wrong server \"" + vz.path("server_name").asText() + "\"");
                return;
            }
            if (jsRequired) {
                if (vz.path("jetstream").path("config").isMissingNode()) {
                    check.critical("JetStream not enabled");
                } else {
                    check.ok("JetStream enabled");
                }
            }
            if (tlsRequired) {
                if (vz.path("tls_required").asBoolean()) {
                    check.ok("TLS required");
                } else {
                    check.critical("TLS not required");
                }
            }
            if (authRequired) {
                if (vz.path("auth_required").asBoolean()) {
                    check.ok("Authentication required");
                } else {
                    check.critical("Authentication not required");
                }
            }
            ZonedDateTime start = Fmt.time(vz.path("start").asText());
            ZonedDateTime now = Fmt.time(vz.path("now").asText());
            Duration up = start == null || now == null ? Duration.ZERO : Duration.between(start, now);
            double uw = seconds("--uptime-warn", uptimeWarn);
            double uc = seconds("--uptime-critical", uptimeCritical);
            if (uw > 0 || uc > 0) {
                if (uc > uw) {
                    check.critical("Up invalid thresholds");
                    return;
                }
                double upSeconds = up.toNanos() / 1e9;
                if (upSeconds <= uc) {
                    check.critical("Up " + Fmt.duration(up));
                } else if (upSeconds <= uw) {
                    check.warn("Up " + Fmt.duration(up));
                } else {
                    check.ok("Up " + Fmt.duration(up));
                }
            }
            check.perf("uptime", up.toNanos() / 1e9, uw, uc, "s", "NATS Server uptime in seconds");
            check.perf("cpu", vz.path("cpu").asDouble(), cpuWarn, cpuCritical, "%", "NATS Server CPU usage in percentage");
            check.perf("mem", vz.path("mem").asDouble(), memWarn, memCritical, "", "NATS Server memory usage in bytes");
            check.perf("connections", vz.path("connections").asDouble(), connWarn, connCritical, "",
                    "Active connections");
            check.perf("subscriptions", vz.path("subscriptions").asDouble(), subsWarn, subsCritical, "",
                    "Active subscriptions");
            threshold(check, "CPU", cpuCritical, cpuWarn, vz.path("cpu").asDouble(), false);
            threshold(check, "Memory", memCritical, memWarn, vz.path("mem").asDouble(), false);
            threshold(check, "Connections", connCritical, connWarn, vz.path("connections").asDouble(), true);
            threshold(check, "Subscriptions", subsCritical, subsWarn, vz.path("subscriptions").asDouble(), true);
        }

        /** natscli's threshold rule: critical below warning inverts the comparison, where inversion is allowed. */
        private static void threshold(CheckResult check, String what, double crit, double warn, double value,
                                      boolean invertible) {
            if (crit == 0 && warn == 0) {
                return;
            }
            if (!invertible && crit < warn) {
                check.critical(what + " invalid thresholds");
                return;
            }
            String text = String.format(Locale.ROOT, "%s %.2f", what, value);
            if (invertible && crit < warn) {
                if (value <= crit) {
                    check.critical(text);
                } else if (value <= warn) {
                    check.warn(text);
                } else {
                    check.ok(text);
                }
            } else if (value >= crit) {
                check.critical(text);
            } else if (value >= warn) {
                check.warn(text);
            } else {
                check.ok(text);
            }
        }
    }

    @Command(name = "jetstream", aliases = "js", description = "Check JetStream account state")
    static final class JetStreamCheck extends Check {
        @Option(names = "--mem-warn", defaultValue = "75",
                description = "Warning threshold for memory storage, in percent of limit (default 75)")
        int memWarn;

        @Option(names = "--mem-critical", defaultValue = "90",
                description = "Critical threshold for memory storage, in percent of limit (default 90)")
        int memCritical;

        @Option(names = "--store-warn", defaultValue = "75",
                description = "Warning threshold for disk storage, in percent of limit (default 75)")
        int storeWarn;

        @Option(names = "--store-critical", defaultValue = "90",
                description = "Critical threshold for disk storage, in percent of limit (default 90)")
        int storeCritical;

        @Option(names = "--streams-warn", defaultValue = "-1",
                description = "Warning threshold for number of streams used, in percent of limit")
        int streamsWarn;

        @Option(names = "--streams-critical", defaultValue = "-1",
                description = "Critical threshold for number of streams used, in percent of limit")
        int streamsCritical;

        @Option(names = "--consumers-warn", defaultValue = "-1",
                description = "Warning threshold for number of consumers used, in percent of limit")
        int consumersWarn;

        @Option(names = "--consumers-critical", defaultValue = "-1",
                description = "Critical threshold for number of consumers used, in percent of limit")
        int consumersCritical;

        @Override
        CheckResult newResult() {
            return new CheckResult("JetStream", "jetstream");
        }

        @Override
        void check(Connection nc, CheckResult check) {
            JsonNode info = api(nc, check, "INFO");
            if (info == null) {
                return;
            }
            JsonNode limits = info.path("limits");
            usage(check, "memory", "B", memWarn, memCritical, limits.path("max_memory").asLong(),
                    info.path("memory").asLong());
            usage(check, "storage", "B", storeWarn, storeCritical, limits.path("max_storage").asLong(),
                    info.path("storage").asLong());
            usage(check, "streams", "", streamsWarn, streamsCritical, limits.path("max_streams").asLong(),
                    info.path("streams").asLong());
            usage(check, "consumers", "", consumersWarn, consumersCritical, limits.path("max_consumers").asLong(),
                    info.path("consumers").asLong());
        }

        private static void usage(CheckResult check, String item, String unit, int warn, int crit, long max,
                                  long current) {
            int pct = max > 0 ? (int) ((double) current / max * 100) : 0;
            check.perf(item, current, 0, 0, unit, "JetStream " + item + " resource usage");
            check.perf(item + "_pct", pct, Math.max(warn, 0), Math.max(crit, 0), "%",
                    "JetStream " + item + " resource usage in percent");
            if (warn != -1 && crit != -1 && warn >= crit) {
                check.critical(item + ": invalid thresholds");
                return;
            }
            if (pct > 100) {
                check.critical(item + ": exceed server limits");
                return;
            }
            if (warn >= 0 && crit >= 0) {
                if (pct > crit) {
                    check.critical(pct + "% " + item);
                } else if (pct > warn) {
                    check.warn(pct + "% " + item);
                }
            }
        }
    }

    @Command(name = "stream", description = "Checks the health of mirrored streams, streams with sources or "
            + "clustered streams")
    static final class StreamCheck extends Check {
        @Option(names = "--stream", required = true, description = "The streams to check")
        String stream;

        @Option(names = "--lag-critical", paramLabel = "MSGS",
                description = "Critical threshold to allow for lag on any source or mirror")
        long lagCritical;

        @Option(names = "--seen-critical", paramLabel = "DURATION",
                description = "Critical threshold for how long ago the source or mirror should have been seen")
        String seenCritical;

        @Option(names = "--min-sources", paramLabel = "SOURCES", description = "Minimum number of sources to expect")
        int minSources;

        @Option(names = "--max-sources", paramLabel = "SOURCES", description = "Maximum number of sources to expect")
        int maxSources;

        @Option(names = "--peer-expect", paramLabel = "SERVERS", description = "Number of cluster replicas to expect")
        int peerExpect;

        @Option(names = "--msgs-warn", paramLabel = "MSGS",
                description = "Warn if there are fewer than this many messages in the stream")
        long msgsWarn;

        @Option(names = "--msgs-critical", paramLabel = "MSGS",
                description = "Critical if there are fewer than this many messages in the stream")
        long msgsCritical;

        @Option(names = "--subjects-warn", paramLabel = "SUBJECTS",
                description = "Warning threshold for subjects in the stream")
        long subjectsWarn;

        @Option(names = "--subjects-critical", paramLabel = "SUBJECTS",
                description = "Critical threshold for subjects in the stream")
        long subjectsCritical;

        @Override
        CheckResult newResult() {
            return new CheckResult(stream, "stream");
        }

        @Override
        void validate() {
            seconds("--seen-critical", seenCritical);
        }

        @Override
        void check(Connection nc, CheckResult check) {
            JsonNode si = api(nc, check, "STREAM.INFO." + stream);
            if (si == null) {
                return;
            }
            cluster(si, check);
            messages(si, check);
            subjects(si, check);
            sources(si, check);
            mirror(si, check);
        }

        private void cluster(JsonNode si, CheckResult check) {
            JsonNode cluster = si.get("cluster");
            int replicas = si.path("config").path("num_replicas").asInt(1);
            boolean clustered = cluster != null && !cluster.path("leader").asText().isEmpty() || replicas > 1;
            if (!clustered && peerExpect <= 0) {
                return;
            }
            if (cluster == null || replicas <= 1) {
                check.critical("Stream is not clustered");
                return;
            }
            if (cluster.path("leader").asText().isEmpty()) {
                check.critical("No leader");
                return;
            }
            int peers = cluster.path("replicas").size() + 1;
            if (peers != peerExpect) {
                check.critical("Expected " + peerExpect + " replicas got " + peers);
            } else {
                check.ok(peers + " peers");
            }
            int offline = 0;
            for (JsonNode p : cluster.path("replicas")) {
                if (p.path("offline").asBoolean()) {
                    offline++;
                }
            }
            if (offline > 0) {
                check.critical(offline + " replicas offline");
            }
        }

        private void messages(JsonNode si, CheckResult check) {
            if (msgsCritical <= 0 && msgsWarn <= 0) {
                return;
            }
            long msgs = si.path("state").path("messages").asLong();
            check.perf("messages", msgs, msgsWarn, msgsCritical, "", "Messages stored in the stream");
            if (msgsCritical > 0 && msgs <= msgsCritical) {
                check.critical(msgs + " messages");
            } else if (msgsWarn > 0 && msgs <= msgsWarn) {
                check.warn(msgs + " messages");
            } else {
                check.ok(msgs + " messages");
            }
        }

        private void subjects(JsonNode si, CheckResult check) {
            if (subjectsWarn <= 0 && subjectsCritical <= 0) {
                return;
            }
            long ns = si.path("state").path("num_subjects").asLong();
            boolean ascending = subjectsWarn < subjectsCritical;
            check.perf("subjects", ns, subjectsWarn, subjectsCritical, "", "Number of subjects stored in the stream");
            if (ascending && ns >= subjectsCritical || !ascending && ns <= subjectsCritical) {
                check.critical(ns + " subjects");
            } else if (ascending && ns >= subjectsWarn || !ascending && ns <= subjectsWarn) {
                check.warn(ns + " subjects");
            } else {
                check.ok(ns + " subjects");
            }
        }

        private void sources(JsonNode si, CheckResult check) {
            JsonNode sources = si.path("sources");
            int count = sources.size();
            check.perf("sources", count, minSources, maxSources, "", "Number of sources being consumed by this stream");
            if (minSources > 0 && count < minSources || maxSources > 0 && count > maxSources) {
                check.critical(count + " sources");
            } else {
                check.ok(count + " sources");
            }
            double seen = seconds("--seen-critical", seenCritical);
            if (lagCritical <= 0 && seen <= 0) {
                return;
            }
            int lagged = 0;
            int inactive = 0;
            for (JsonNode s : sources) {
                if (lagCritical > 0 && s.path("lag").asLong() >= lagCritical) {
                    lagged++;
                }
                if (seen > 0 && s.path("active").asLong() / 1e9 >= seen) {
                    inactive++;
                }
            }
            check.perf("sources_lagged", lagged, 0, 0, "",
                    "Number of sources that are behind more than the configured threshold");
            check.perf("sources_inactive", inactive, 0, 0, "", "Number of sources that are inactive");
            if (lagged > 0) {
                check.critical(lagged + " sources are lagged");
            } else {
                check.ok(count + " sources current");
            }
            if (inactive > 0) {
                check.critical(inactive + " sources are inactive");
            } else {
                check.ok(count + " sources active");
            }
        }

        private void mirror(JsonNode si, CheckResult check) {
            double seen = seconds("--seen-critical", seenCritical);
            if (lagCritical <= 0 && seen <= 0 || si.path("sources").size() > 0) {
                return;
            }
            JsonNode mirror = si.path("config").get("mirror");
            JsonNode state = si.get("mirror");
            if (mirror == null || mirror.isNull()) {
                check.critical("not mirrored");
                return;
            }
            if (state == null || state.isNull()) {
                check.critical("invalid state");
                return;
            }
            long lag = state.path("lag").asLong();
            Duration active = Duration.ofNanos(state.path("active").asLong());
            check.perf("lag", lag, 0, lagCritical, "", "Number of operations this peer is behind its origin");
            check.perf("active", active.toNanos() / 1e9, 0, seen, "s",
                    "Indicates if this peer is active and catching up if lagged");
            boolean ok = true;
            if (lagCritical > 0 && lag >= lagCritical) {
                check.critical("Mirror Lag " + lag);
                ok = false;
            }
            if (seen > 0 && active.toNanos() / 1e9 >= seen) {
                check.critical("Mirror Seen " + GoDuration.format(active));
                ok = false;
            }
            if (ok) {
                check.ok("Mirror " + mirror.path("name").asText());
            }
        }
    }

    @Command(name = "consumer", description = "Checks the health of a consumer")
    static final class ConsumerCheck extends Check {
        @Option(names = "--stream", required = true, description = "The streams to check")
        String stream;

        @Option(names = "--consumer", required = true, description = "The consumer to check")
        String consumer;

        @Option(names = "--outstanding-ack-critical", defaultValue = "-1",
                description = "Maximum number of outstanding acks to allow")
        long ackOutstandingCritical;

        @Option(names = "--waiting-critical", defaultValue = "-1",
                description = "Maximum number of waiting pulls to allow")
        long waitingCritical;

        @Option(names = "--unprocessed-critical", defaultValue = "-1",
                description = "Maximum number of unprocessed messages to allow")
        long unprocessedCritical;

        @Option(names = "--last-delivery-critical", defaultValue = "0s",
                description = "Time to allow since the last delivery")
        String lastDeliveryCritical;

        @Option(names = "--last-ack-critical", defaultValue = "0s", description = "Time to allow since the last ack")
        String lastAckCritical;

        @Option(names = "--redelivery-critical", defaultValue = "-1",
                description = "Maximum number of redeliveries to allow")
        long redeliveryCritical;

        @Override
        CheckResult newResult() {
            return new CheckResult(stream + "_" + consumer, "consumer");
        }

        @Override
        void validate() {
            seconds("--last-delivery-critical", lastDeliveryCritical);
            seconds("--last-ack-critical", lastAckCritical);
        }

        @Override
        void check(Connection nc, CheckResult check) {
            JsonNode ci = api(nc, check, "CONSUMER.INFO." + stream + "." + consumer);
            if (ci == null) {
                return;
            }
            long ackPending = ci.path("num_ack_pending").asLong();
            long waiting = ci.path("num_waiting").asLong();
            long pending = ci.path("num_pending").asLong();
            long redelivered = ci.path("num_redelivered").asLong();
            double deliveryCrit = seconds("--last-delivery-critical", lastDeliveryCritical);
            double ackCrit = seconds("--last-ack-critical", lastAckCritical);
            check.perf("ack_pending", ackPending, 0, ackOutstandingCritical, "",
                    "The number of messages waiting to be Acknowledged");
            check.perf("pull_waiting", waiting, 0, waitingCritical, "", "The number of waiting Pull requests");
            check.perf("pending", pending, 0, unprocessedCritical, "",
                    "The number of messages that have not yet been consumed");
            check.perf("redelivered", redelivered, 0, redeliveryCritical, "",
                    "The number of messages currently being redelivered");
            ZonedDateTime lastDelivery = Fmt.time(ci.path("delivered").path("last_active").asText());
            ZonedDateTime lastAck = Fmt.time(ci.path("ack_floor").path("last_active").asText());
            ZonedDateTime now = ZonedDateTime.now();
            if (lastDelivery != null) {
                check.perf("last_delivery", Duration.between(lastDelivery, now).toNanos() / 1e9, 0, deliveryCrit, "s",
                        "Seconds since the last message was delivered");
            }
            if (lastAck != null) {
                check.perf("last_ack", Duration.between(lastAck, now).toNanos() / 1e9, 0, ackCrit, "s",
                        "Seconds since the last message was acknowledged");
            }
            atMost(check, "Ack Pending", ackOutstandingCritical, ackPending);
            atMost(check, "Waiting Pulls", waitingCritical, waiting);
            atMost(check, "Unprocessed Messages", unprocessedCritical, pending);
            atMost(check, "Redelivered", redeliveryCritical, redelivered);
            since(check, "delivery", "No deliveries", deliveryCrit, lastDelivery, now);
            since(check, "ack", "No acks", ackCrit, lastAck, now);
        }

        private static void atMost(CheckResult check, String what, long critical, long value) {
            if (critical <= 0) {
                return;
            }
            if (value >= critical) {
                check.critical(what + ": " + value);
            } else {
                check.ok(what + ": " + value);
            }
        }

        private static void since(CheckResult check, String what, String never, double critical, ZonedDateTime last,
                                  ZonedDateTime now) {
            if (critical <= 0) {
                return;
            }
            if (last == null) {
                check.critical(never);
                return;
            }
            Duration ago = Duration.between(last, now);
            if (ago.toNanos() / 1e9 >= critical) {
                check.critical("Last " + what + " " + GoDuration.format(ago) + " ago");
            } else {
                check.ok("Last " + what + " " + last);
            }
        }
    }

    @Command(name = "kv", description = "Checks a NATS KV Bucket")
    static final class KvCheck extends Check {
        @Option(names = "--bucket", required = true, description = "Checks a specific bucket")
        String bucket;

        @Option(names = "--values-critical", defaultValue = "-1",
                description = "Critical threshold for number of values in the bucket")
        long valuesCritical;

        @Option(names = "--values-warn", defaultValue = "-1",
                description = "Warning threshold for number of values in the bucket")
        long valuesWarn;

        // natscli's flag is --key; here --key is already the global TLS key flag (an alias of --tlskey).
        @Option(names = "--kv-key", paramLabel = "KEY", description = "Requires a key to have any non-delete value set")
        String key;

        @Override
        CheckResult newResult() {
            return new CheckResult(bucket, "kv");
        }

        @Override
        void check(Connection nc, CheckResult check) throws Exception {
            KeyValueOptions options = KeyValueOptions.builder().jetStreamOptions(globals().jetStreamOptions()).build();
            KeyValueStatus status;
            KeyValue kv;
            try {
                status = nc.keyValueManagement(options).getStatus(bucket);
                kv = nc.keyValue(bucket, options);
            } catch (io.nats.client.JetStreamApiException e) {
                if (e.getApiErrorCode() == 10059) {
                    check.critical("bucket " + bucket + " not found");
                } else {
                    check.critical("could not load bucket: " + e.getErrorDescription());
                }
                return;
            } catch (IOException e) {
                check.critical("could not load bucket: " + Globals.rootMessage(e));
                return;
            }
            check.ok("bucket " + bucket);
            long values = status.getEntryCount();
            check.perf("values", values, Math.max(valuesWarn, 0), Math.max(valuesCritical, 0), "",
                    "How many values are stored in the bucket");
            if (key != null && !key.isEmpty()) {
                KeyValueEntry entry = kv.get(key);
                if (entry == null) {
                    // get() hides deleted keys; the history's last entry tells a deleted key from a missing one.
                    List<KeyValueEntry> history = kv.history(key);
                    entry = history.isEmpty() ? null : history.get(history.size() - 1);
                }
                if (entry == null) {
                    check.critical("key " + key + " not found");
                } else {
                    switch (entry.getOperation()) {
                        case DELETE -> check.critical("key " + key + " is deleted");
                        case PURGE -> check.critical("key " + key + " is purged");
                        case PUT -> check.ok("key " + key + " found");
                        default -> check.critical("unknown key operation for " + key + ": " + entry.getOperation());
                    }
                }
            }
            if (valuesWarn > -1 || valuesCritical > -1) {
                boolean inverted = valuesCritical < valuesWarn;
                if (inverted ? valuesCritical > -1 && values <= valuesCritical
                        : valuesCritical > -1 && values >= valuesCritical) {
                    check.critical(values + " values");
                } else if (inverted ? valuesWarn > -1 && values <= valuesWarn
                        : valuesWarn > -1 && values >= valuesWarn) {
                    check.warn(values + " values");
                } else {
                    check.ok(values + " values");
                }
            }
            check.perf("bytes", status.getByteCount(), 0, 0, "B", "Bytes stored in the bucket");
            check.perf("replicas", status.getReplicas(), 0, 0, "", "");
        }
    }
}
