package io.natrix.cli.admin;

import io.natrix.cli.Globals;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueStatus;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code server check kv --bucket B}: the bucket exists, its value count against thresholds, and optionally that a
 * key holds a value, as natscli's KV check.
 */
@Command(name = "kv", description = "Checks a NATS KV Bucket")
final class KvCheck extends HealthCheck {
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
