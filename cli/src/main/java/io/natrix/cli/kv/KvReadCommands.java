package io.natrix.cli.kv;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Human;
import io.natrix.cli.output.Table;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code kv} commands that read many entries: {@code history}, {@code keys} and {@code watch}. */
final class KvReadCommands {

    private KvReadCommands() {
    }

    /** natscli's name for an operation. */
    static String opName(KeyValueOperation op) {
        return switch (op) {
            case PUT -> "PUT";
            case DELETE -> "DELETE";
            case PURGE -> "PURGE";
        };
    }

    /** The history table natscli prints for {@code kv history} (and after {@code kv revert}). */
    static Table historyTable(String bucket, String key, List<KeyValueEntry> history) {
        Table table = Table.titled("History for " + bucket + " > " + key, "Key", "Revision", "Op", "Created",
                "Length", "Value");
        for (KeyValueEntry e : history) {
            byte[] value = e.getValue() == null ? new byte[0] : e.getValue();
            table.row(e.getKey(), Human.count(e.getRevision()), opName(e.getOperation()), Human.time(e.getCreated()),
                    Human.count(value.length), Values.abbreviated(value));
        }
        return table;
    }

    /** {@code kv history BUCKET KEY}: every kept revision of a key, oldest first. */
    @Command(name = "history", description = "Shows the full history for a key")
    static final class History extends ClientCommand {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Parameters(index = "1", paramLabel = "KEY", description = "The key to act on")
        String key;

        @Override
        public Integer call() throws Exception {
            List<KeyValueEntry> history;
            try (Connection conn = connect()) {
                history = KvBuckets.open(conn, globals(), bucket).history(Keys.checked(key));
            }
            if (history.isEmpty()) {
                throw KvBuckets.keyNotFound(bucket, key);
            }
            historyTable(bucket, key, history).print(out());
            return 0;
        }
    }

    /**
     * {@code kv keys BUCKET [FILTER...]}: the bucket's current keys, one per line and nothing else (for scripts;
     * {@code kv ls BUCKET} is natscli's listing, which says when there are none).
     */
    @Command(name = "keys", description = "List the keys in a bucket, one per line")
    static final class ListKeys extends ClientCommand {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Parameters(index = "1..*", arity = "0..*", paramLabel = "FILTER", description = "Only keys matching these filters")
        List<String> filters = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            List<String> keys;
            try (Connection conn = connect()) {
                KeyValue kv = KvBuckets.open(conn, globals(), bucket);
                keys = filters.isEmpty() ? kv.keys() : kv.keys(filters);
            } catch (IllegalArgumentException e) {
                throw new CliException("invalid key filter: " + e.getMessage());
            }
            keys.forEach(out()::println);
            out().flush();
            return 0;
        }
    }

    /**
     * {@code kv watch BUCKET [KEY]}: prints each value and delete as it arrives, as natscli does
     * ({@code [TIME] PUT BUCKET > KEY: VALUE}, {@code [TIME] DELETE BUCKET > KEY}). natscli's watch runs until
     * interrupted; {@code --count} stops it after that many entries.
     *
     * <p>jnats calls the watcher on its dispatcher thread; entries go through a {@link WatchQueue} to this
     * command's thread, which alone writes the output.
     */
    @Command(name = "watch", description = "Watch the bucket or a specific key for updated")
    static final class Watch extends ClientCommand {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Parameters(index = "1", arity = "0..1", defaultValue = ">", paramLabel = "KEY", description = "The key to act on")
        String key;

        @Option(names = "--history", description = "Includes historic values")
        boolean history;

        @Option(names = "--deletes", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Includes deletes in watched values (default true; --no-deletes to leave them out)")
        boolean deletes;

        @Option(names = "--updates", description = "Only show new values written")
        boolean updatesOnly;

        @Option(names = "--revision", paramLabel = "N", description = "Starts from a certain revision")
        long revision;

        @Option(names = "--count", paramLabel = "N", description = "Stop after this many entries (default: run until interrupted)")
        long count;

        @Override
        public Integer call() throws Exception {
            if (count < 0) {
                throw new CliException("invalid --count " + count);
            }
            List<KeyValueWatchOption> options = new ArrayList<>();
            if (!deletes) {
                options.add(KeyValueWatchOption.IGNORE_DELETE);
            }
            if (history) {
                options.add(KeyValueWatchOption.INCLUDE_HISTORY);
            }
            if (updatesOnly) {
                options.add(KeyValueWatchOption.UPDATES_ONLY);
            }
            WatchQueue<KeyValueEntry> entries = new WatchQueue<>();
            KeyValueWatcher watcher = new KeyValueWatcher() {
                @Override
                public void watch(KeyValueEntry entry) {
                    entries.add(entry);
                }

                @Override
                public void endOfData() {
                }
            };
            try (Connection conn = connect()) {
                KeyValue kv = KvBuckets.open(conn, globals(), bucket);
                KeyValueWatchOption[] opts = options.toArray(KeyValueWatchOption[]::new);
                try (NatsKeyValueWatchSubscription sub = revision > 0
                        ? kv.watch(key, watcher, revision, opts) : kv.watch(key, watcher, opts)) {
                    PrintWriter out = out();
                    for (long printed = 0; count == 0 || printed < count; printed++) {
                        print(out, entries.next(conn));
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new CliException("invalid key \"" + key + "\": " + e.getMessage());
            }
            return 0;
        }

        private static void print(PrintWriter out, KeyValueEntry e) {
            String when = Human.time(e.getCreated());
            if (e.getOperation() == KeyValueOperation.PUT) {
                byte[] value = e.getValue() == null ? new byte[0] : e.getValue();
                out.printf("[%s] %s %s > %s: %s%n", when, opName(e.getOperation()), e.getBucket(), e.getKey(),
                        new String(value, StandardCharsets.UTF_8));
            } else {
                out.printf("[%s] %s %s > %s%n", when, opName(e.getOperation()), e.getBucket(), e.getKey());
            }
            out.flush();
        }
    }
}
