package io.natrix.cli.kv;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Human;
import io.natrix.cli.support.Confirm;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.MessageTtl;
import io.nats.client.api.KeyValueEntry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code kv} commands that write or read one key: {@code put}, {@code get}, {@code create}, {@code update},
 * {@code del} (a key, or without one the whole bucket), {@code purge} and {@code revert}.
 */
final class KvValueCommands {

    /** The most of a value {@code get} shows without {@code --raw}, as natscli. */
    static final int SHOWN_CHARS_MAX = 120;

    /** The most read from standard input as one value; the server refuses larger messages anyway. */
    static final int STDIN_VALUE_BYTES_MAX = 64 * 1024 * 1024;

    private KvValueCommands() {
    }

    /** What a command that writes a value shares: bucket, key, and the value or standard input. */
    abstract static class Write extends ClientCommand {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Parameters(index = "1", paramLabel = "KEY", description = "The key to act on")
        String key;

        /** The value argument; natscli reads standard input when it is absent and input is not a terminal. */
        abstract String value();

        byte[] valueBytes() {
            String v = value();
            if ((v != null && !v.isEmpty()) || globals().terminal()) {
                return v == null ? new byte[0] : v.getBytes(StandardCharsets.UTF_8);
            }
            try {
                byte[] read = globals().stdin().readNBytes(STDIN_VALUE_BYTES_MAX + 1);
                if (read.length > STDIN_VALUE_BYTES_MAX) {
                    throw new CliException("value on standard input is larger than "
                            + Human.bytes(STDIN_VALUE_BYTES_MAX));
                }
                return read;
            } catch (IOException e) {
                throw new CliException("could not read the value from standard input: " + e.getMessage(), e);
            }
        }

        /** natscli echoes the value argument (an empty line when the value came from standard input). */
        void echo() {
            out().println(value() == null ? "" : value());
            out().flush();
        }
    }

    /** {@code kv put BUCKET KEY [VALUE]}: stores a value. */
    @Command(name = "put", description = "Puts a value into a key")
    static final class Put extends Write {
        @Parameters(index = "2", arity = "0..1", paramLabel = "VALUE",
                description = "The value to store, when empty reads STDIN")
        String value;

        @Override
        String value() {
            return value;
        }

        @Override
        public Integer call() throws Exception {
            try (Connection conn = connect()) {
                KeyValue kv = KvBuckets.open(conn, globals(), bucket);
                kv.put(Keys.checked(key), valueBytes());
            }
            echo();
            return 0;
        }
    }

    /** {@code kv create BUCKET KEY [VALUE]}: stores a value only when the key is new or was deleted. */
    @Command(name = "create", description = "Puts a value into a key only if the key is new or it's last operation was a delete")
    static final class Create extends Write {
        @Parameters(index = "2", arity = "0..1", paramLabel = "VALUE",
                description = "The value to store, when empty reads STDIN")
        String value;

        @Option(names = "--ttl", paramLabel = "DURATION", description = "Sets a TTL for the key")
        String ttl;

        @Override
        String value() {
            return value;
        }

        @Override
        public Integer call() throws Exception {
            MessageTtl messageTtl = KvValueCommands.messageTtl(ttl);
            try (Connection conn = connect()) {
                KeyValue kv = KvBuckets.open(conn, globals(), bucket);
                byte[] bytes = valueBytes();
                try {
                    kv.create(Keys.checked(key), bytes, messageTtl);
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() == Keys.WRONG_LAST_SEQUENCE) {
                        throw new CliException("key \"" + key + "\" already exists in bucket \"" + bucket + "\"");
                    }
                    throw e;
                }
            }
            echo();
            return 0;
        }
    }

    /** {@code kv update BUCKET KEY VALUE REVISION}: stores a value only over the given revision. */
    @Command(name = "update", description = "Updates a key with a new value if the previous value matches the given revision")
    static final class Update extends Write {
        @Parameters(index = "2", paramLabel = "VALUE", description = "The value to store")
        String value;

        @Parameters(index = "3", paramLabel = "REVISION", description = "The revision of the previous value in the bucket")
        long revision;

        @Override
        String value() {
            return value;
        }

        @Override
        public Integer call() throws Exception {
            if (revision < 0) {
                throw new CliException("invalid revision " + revision);
            }
            try (Connection conn = connect()) {
                KeyValue kv = KvBuckets.open(conn, globals(), bucket);
                try {
                    kv.update(Keys.checked(key), valueBytes(), revision);
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() == Keys.WRONG_LAST_SEQUENCE) {
                        throw new CliException("key \"" + key + "\" in bucket \"" + bucket
                                + "\" is not at revision " + revision + " (" + e.getErrorDescription() + ")");
                    }
                    throw e;
                }
            }
            echo();
            return 0;
        }
    }

    /** {@code kv get BUCKET KEY}: the latest (or a given) revision of a key, as natscli shows it. */
    @Command(name = "get", description = "Gets a value for a key")
    static final class Get extends ClientCommand {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Parameters(index = "1", paramLabel = "KEY", description = "The key to act on")
        String key;

        @Option(names = "--revision", paramLabel = "N", description = "Gets a specific revision")
        long revision;

        @Option(names = "--raw", description = "Show only the value string")
        boolean raw;

        @Override
        public Integer call() throws Exception {
            KeyValueEntry entry;
            try (Connection conn = connect()) {
                KeyValue kv = KvBuckets.open(conn, globals(), bucket);
                entry = revision > 0 ? kv.get(Keys.checked(key), revision) : kv.get(Keys.checked(key));
            }
            if (entry == null) {
                if (revision > 0) {
                    throw new CliException("key \"" + key + "\" has no value at revision " + revision
                            + " in bucket \"" + bucket + "\"");
                }
                throw KvBuckets.keyNotFound(bucket, key);
            }
            PrintWriter out = out();
            byte[] value = entry.getValue() == null ? new byte[0] : entry.getValue();
            if (raw) {
                out.print(new String(value, StandardCharsets.UTF_8));
                out.flush();
                return 0;
            }
            out.printf("%s > %s revision: %d created @ %s%n%n", entry.getBucket(), entry.getKey(),
                    entry.getRevision(), Human.time(entry.getCreated()));
            String shown = Values.printable(value);
            if (shown.length() > SHOWN_CHARS_MAX) {
                out.printf("Showing first %d bytes of %s, use --raw for full data%n%n", SHOWN_CHARS_MAX,
                        Human.count(shown.length()));
                shown = shown.substring(0, SHOWN_CHARS_MAX);
            }
            out.println(shown);
            out.println();
            out.flush();
            return 0;
        }
    }

    /** {@code kv del BUCKET [KEY]} (also {@code rm}): deletes a key, or without one the whole bucket. */
    @Command(name = "del", aliases = "rm", description = "Deletes a key or the entire bucket")
    static final class Del extends ClientCommand {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Parameters(index = "1", arity = "0..1", paramLabel = "KEY", description = "The key to act on")
        String key;

        @Option(names = {"-f", "--force"}, description = "Act without confirmation")
        boolean force;

        @Override
        public Integer call() throws Exception {
            try (Connection conn = connect()) {
                if (key == null) {
                    if (!force && !Confirm.ask(globals(), out(), "Delete bucket " + bucket + "?")) {
                        skipped();
                        return 0;
                    }
                    try {
                        KvBuckets.management(conn, globals()).delete(bucket);
                    } catch (JetStreamApiException e) {
                        throw KvBuckets.notFoundOr(e, bucket);
                    }
                    return 0;
                }
                KeyValue kv = KvBuckets.open(conn, globals(), bucket);
                if (!force && !Confirm.ask(globals(), out(), "Delete key " + bucket + " > " + key + "?")) {
                    skipped();
                    return 0;
                }
                kv.delete(Keys.checked(key));
            }
            return 0;
        }

        private void skipped() {
            out().println("Skipping delete");
            out().flush();
        }
    }

    /** {@code kv purge BUCKET KEY}: deletes a key and all its history, leaving a purge marker. */
    @Command(name = "purge", description = "Deletes a key from the bucket, clearing history before creating a delete marker")
    static final class Purge extends ClientCommand {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Parameters(index = "1", paramLabel = "KEY", description = "The key to act on")
        String key;

        @Option(names = {"-f", "--force"}, description = "Act without confirmation")
        boolean force;

        @Option(names = "--ttl", paramLabel = "DURATION", description = "Sets a TTL for the purge marker")
        String ttl;

        @Override
        public Integer call() throws Exception {
            MessageTtl messageTtl = messageTtl(ttl);
            try (Connection conn = connect()) {
                KeyValue kv = KvBuckets.open(conn, globals(), bucket);
                if (!force && !Confirm.ask(globals(), out(), "Purge key " + bucket + " > " + key + "?")) {
                    out().println("Skipping purge");
                    out().flush();
                    return 0;
                }
                if (messageTtl == null) {
                    kv.purge(Keys.checked(key));
                } else {
                    kv.purge(Keys.checked(key), messageTtl);
                }
            }
            return 0;
        }
    }

    /** {@code kv revert BUCKET KEY REVISION}: puts an earlier revision's value back, then shows the history. */
    @Command(name = "revert", description = "Reverts a value to a previous revision using put")
    static final class Revert extends ClientCommand {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Parameters(index = "1", paramLabel = "KEY", description = "The key to act on")
        String key;

        @Parameters(index = "2", paramLabel = "REVISION", description = "The revision to revert to")
        long revision;

        @Option(names = {"-f", "--force"}, description = "Force reverting without prompting")
        boolean force;

        @Override
        public Integer call() throws Exception {
            try (Connection conn = connect()) {
                KeyValue kv = KvBuckets.open(conn, globals(), bucket);
                List<KeyValueEntry> history = kv.history(Keys.checked(key));
                if (history.size() <= 1) {
                    throw new CliException("cannot revert key in a bucket where history=1");
                }
                KeyValueEntry old = kv.get(key, revision);
                if (old == null) {
                    throw new CliException("key \"" + key + "\" has no value at revision " + revision
                            + " in bucket \"" + bucket + "\"");
                }
                if (!force) {
                    out().printf("Revision: %d%n%n%s%n%n", old.getRevision(), Values.abbreviated(old.getValue()));
                    if (!Confirm.ask(globals(), out(), "Really revert to revision " + revision)) {
                        return 0;
                    }
                }
                kv.update(key, old.getValue(), history.get(history.size() - 1).getRevision());
                KvReadCommands.historyTable(bucket, key, kv.history(key)).print(out());
            }
            return 0;
        }
    }

    /** A key TTL flag as the {@code Nats-TTL} header jnats sends: whole seconds, at least one. */
    static MessageTtl messageTtl(String ttl) {
        Duration d = Durations.parse(ttl, "--ttl");
        if (d == null || d.isZero()) {
            return null;
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.toSeconds() > Integer.MAX_VALUE) {
            throw new CliException("invalid --ttl \"" + ttl + "\": must be between 1s and " + Integer.MAX_VALUE + "s");
        }
        return MessageTtl.seconds((int) d.toSeconds());
    }
}
