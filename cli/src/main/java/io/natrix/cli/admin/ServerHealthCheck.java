package io.natrix.cli.admin;

import io.natrix.cli.support.ScatterGather;
import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.CliException;
import io.natrix.cli.output.Json;
import io.nats.client.Connection;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code server check server --name NAME}: one server's varz over the system account, checked for JetStream, TLS and
 * authentication, uptime, CPU, memory, connections and subscriptions, as natscli's server check.
 */
@Command(name = "server", description = "Checks a NATS Server health")
final class ServerHealthCheck extends HealthCheck {
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
        ServerCheckCommand.seconds("--uptime-warn", uptimeWarn);
        ServerCheckCommand.seconds("--uptime-critical", uptimeCritical);
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
        double uw = ServerCheckCommand.seconds("--uptime-warn", uptimeWarn);
        double uc = ServerCheckCommand.seconds("--uptime-critical", uptimeCritical);
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
