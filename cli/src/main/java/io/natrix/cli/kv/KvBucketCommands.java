package io.natrix.cli.kv;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Human;
import io.natrix.cli.output.Json;
import io.natrix.cli.output.Table;
import io.natrix.cli.support.Confirm;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.Mirror;
import io.nats.client.api.StreamState;
import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code kv} commands that act on whole buckets: {@code add}, {@code info}, {@code ls}, {@code compact}. */
final class KvBucketCommands {

    /** natscli's bounds on {@code --history}, the server's per-key history limit. */
    static final int HISTORY_MAX = 64;

    private KvBucketCommands() {
    }

    /** {@code kv add BUCKET}: creates a bucket from natscli's flags and shows its status. */
    @Command(name = "add", aliases = "new", description = "Adds a new KV Store Bucket")
    static final class Add extends ClientCommand {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Mixin
        KvBucketFlags flags;

        @Option(names = "--storage", paramLabel = "TYPE", description = "Storage backend to use (file, memory)")
        String storage;

        @Option(names = "--mirror", paramLabel = "BUCKET", description = "Creates a mirror of a different bucket")
        String mirror;

        @Option(names = "--mirror-domain", paramLabel = "DOMAIN",
                description = "When mirroring find the bucket in a different domain")
        String mirrorDomain;

        @Override
        public Integer call() throws Exception {
            KeyValueConfiguration.Builder b = KeyValueConfiguration.builder().storageType(Storage.parse(storage));
            try {
                b.name(bucket);
            } catch (IllegalArgumentException e) {
                throw new CliException("invalid bucket name \"" + bucket + "\": " + e.getMessage());
            }
            flags.applyTo(b, spec.commandLine().getParseResult(), false);
            if (mirror != null && !mirror.isEmpty()) {
                Mirror.Builder m = Mirror.builder().sourceName(mirror);
                if (mirrorDomain != null && !mirrorDomain.isEmpty()) {
                    m.domain(mirrorDomain);
                }
                b.mirror(m.build());
            } else if (mirrorDomain != null) {
                throw new CliException("--mirror-domain needs --mirror");
            }
            KeyValueConfiguration config = b.build();
            try (Connection conn = connect()) {
                KvStatusView.print(out(), KvBuckets.management(conn, globals()).create(config));
            }
            return 0;
        }
    }

    /**
     * {@code kv edit BUCKET}: changes the settings given as flags, keeping the others, and shows the status.
     * Storage and mirroring cannot be changed (natscli's {@code --no-mirror} is not offered: jnats's
     * configuration builder keeps a copied mirror).
     */
    @Command(name = "edit", description = "Edits an existing KV Store Bucket")
    static final class Edit extends ClientCommand {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Mixin
        KvBucketFlags flags;

        @Override
        public Integer call() throws Exception {
            try (Connection conn = connect()) {
                KeyValueManagement kvm = KvBuckets.management(conn, globals());
                KeyValueStatus current;
                try {
                    current = kvm.getStatus(bucket);
                } catch (JetStreamApiException e) {
                    throw KvBuckets.notFoundOr(e, bucket);
                }
                KeyValueConfiguration.Builder b = new KeyValueConfiguration.Builder(current.getConfiguration());
                // The copy does not carry the TTL the duplicate window is derived from; set it again.
                b.ttl(current.getTtl());
                flags.applyTo(b, spec.commandLine().getParseResult(), true);
                KvStatusView.print(out(), kvm.update(b.build()));
            }
            return 0;
        }
    }

    /** {@code kv info BUCKET} (also {@code view}, {@code status}): the bucket's status, or its stream's JSON. */
    @Command(name = "info", aliases = {"view", "status"}, description = "View the status of a KV store")
    static final class Info extends ClientCommand {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Option(names = "--json", description = "Produce JSON output (the bucket's STREAM.INFO)")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (Connection conn = connect()) {
                if (json) {
                    Json.print(out(), StreamInfoJson.fetch(conn, globals(), "KV_" + bucket, bucket));
                    return 0;
                }
                KeyValueStatus status;
                try {
                    status = KvBuckets.management(conn, globals()).getStatus(bucket);
                } catch (JetStreamApiException e) {
                    throw KvBuckets.notFoundOr(e, bucket);
                }
                KvStatusView.print(out(), status);
            }
            return 0;
        }
    }

    /**
     * {@code kv ls [BUCKET [FILTER]]}: without a bucket, natscli's table of buckets (smallest first) or their
     * names; with one, its keys one per line, or a table of their latest values with {@code --verbose}.
     */
    @Command(name = "ls", aliases = "list", description = "List available buckets or the keys in a bucket")
    static final class Ls extends ClientCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "BUCKET", description = "The bucket to list the keys")
        String bucket;

        @Parameters(index = "1", arity = "0..1", paramLabel = "FILTER", description = "Only keys matching this subject filter")
        String filter;

        @Option(names = {"-n", "--names"}, description = "Show just the bucket names")
        boolean names;

        @Option(names = {"-v", "--verbose"}, description = "Show detailed info about the key")
        boolean verbose;

        @Option(names = "--display-value", description = "Display value in verbose output (has no effect without 'verbose')")
        boolean displayValue;

        @Override
        public Integer call() throws Exception {
            try (Connection conn = connect()) {
                if (bucket == null) {
                    listBuckets(conn);
                } else {
                    listKeys(conn);
                }
            }
            return 0;
        }

        private void listBuckets(Connection conn) throws IOException, JetStreamApiException {
            KeyValueManagement kvm = KvBuckets.management(conn, globals());
            if (names) {
                kvm.getBucketNames().forEach(out()::println);
                out().flush();
                return;
            }
            List<KeyValueStatus> found = new ArrayList<>(kvm.getStatuses());
            if (found.isEmpty()) {
                out().println("No Key-Value buckets found");
                out().flush();
                return;
            }
            found.sort(Comparator.comparingLong(KeyValueStatus::getByteCount));
            Table table = Table.titled("Key-Value Buckets", "Bucket", "Description", "Created", "Size", "Values",
                    "Last Update");
            for (KeyValueStatus s : found) {
                StreamState state = s.getBackingStreamInfo().getStreamState();
                table.row(s.getBucketName(), s.getDescription(),
                        Human.time(s.getBackingStreamInfo().getCreateTime()), Human.bytes(state.getByteCount()),
                        Human.count(state.getMsgCount()), since(state.getMsgCount(), state.getLastTime()));
            }
            table.print(out());
        }

        private void listKeys(Connection conn) throws IOException, JetStreamApiException, InterruptedException {
            KeyValue kv = KvBuckets.open(conn, globals(), bucket);
            List<String> keys = filter == null || filter.isEmpty() ? kv.keys() : kv.keys(filter);
            if (keys.isEmpty()) {
                if (!names) {
                    out().println("No keys found in bucket");
                }
                out().flush();
                return;
            }
            if (!verbose) {
                keys.forEach(out()::println);
                out().flush();
                return;
            }
            Table table = displayValue
                    ? Table.titled("Contents for bucket '" + bucket + "'", "Key", "Created", "Delta", "Revision", "Value")
                    : Table.titled("Contents for bucket '" + bucket + "'", "Key", "Created", "Delta", "Revision");
            for (String key : keys) {
                KeyValueEntry e = kv.get(key);
                if (e == null) {
                    continue; // deleted since the key list was read
                }
                table.row(e.getKey(), Human.time(e.getCreated()), Human.count(e.getDelta()),
                        Human.count(e.getRevision()), displayValue ? Values.printable(e.getValue()) : null);
            }
            table.print(out());
        }

        private static String since(long messages, ZonedDateTime last) {
            if (messages == 0 || last == null) {
                return "never";
            }
            return Durations.human(Duration.between(last, ZonedDateTime.now()));
        }
    }

    /** {@code kv compact BUCKET}: removes old delete markers and the history of deleted keys. */
    @Command(name = "compact", description = "Reclaim space used by deleted keys")
    static final class Compact extends ClientCommand {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Option(names = {"-f", "--force"}, description = "Act without confirmation")
        boolean force;

        @Override
        public Integer call() throws Exception {
            try (Connection conn = connect()) {
                KeyValue kv = KvBuckets.open(conn, globals(), bucket);
                if (!force && !Confirm.ask(globals(), out(), "Purge all historic values and audit trails for "
                        + "deleted keys in bucket " + bucket + "?")) {
                    out().println("Skipping delete");
                    out().flush();
                    return 0;
                }
                kv.purgeDeletes();
            }
            return 0;
        }
    }
}
