package io.natrix.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code server check jetstream}: the account's JetStream usage ({@code $JS.API.INFO}) against its limits, in percent,
 * as natscli's JetStream account check.
 */
@Command(name = "jetstream", aliases = "js", description = "Check JetStream account state")
final class JetStreamCheck extends HealthCheck {
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
