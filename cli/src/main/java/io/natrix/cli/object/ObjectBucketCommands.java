package io.natrix.cli.object;

import io.natrix.cli.ClientCommand;
import io.natrix.cli.kv.Durations;
import io.natrix.cli.kv.Storage;
import io.natrix.cli.kv.StreamInfoJson;
import io.natrix.cli.output.Human;
import io.natrix.cli.output.Json;
import io.natrix.cli.output.Table;
import io.natrix.cli.support.Confirm;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.ObjectStore;
import io.nats.client.ObjectStoreManagement;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.ObjectStoreStatus;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamState;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code object} commands that act on buckets: {@code add}, {@code ls}, {@code info}, {@code del}, {@code seal}. */
final class ObjectBucketCommands {

    private ObjectBucketCommands() {
    }

    /** {@code object add BUCKET}: creates a bucket from natscli's flags and shows it. */
    @Command(name = "add", description = "Adds a new Object Store Bucket")
    static final class Add extends ClientCommand {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Mixin
        ObjectBucketFlags flags;

        @Option(names = "--storage", paramLabel = "TYPE", description = "Storage backend to use (file, memory)")
        String storage;

        @Override
        public Integer call() throws Exception {
            ObjBuckets.checkName(bucket);
            ObjectStoreConfiguration.Builder b = ObjectStoreConfiguration.builder().name(bucket)
                    .storageType(Storage.parse(storage));
            flags.applyTo(b);
            try (Connection conn = connect()) {
                ObjectViews.bucket(out(), ObjBuckets.management(conn, globals()).create(b.build()));
            }
            return 0;
        }
    }

    /**
     * {@code object edit BUCKET}: changes the settings given as flags, keeping the others, and shows the bucket.
     * jnats's object store API has no update, so this updates the bucket's stream ({@code OBJ_BUCKET}).
     */
    @Command(name = "edit", description = "Edit an existing Object Store Bucket")
    static final class Edit extends ClientCommand {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Mixin
        ObjectBucketFlags flags;

        @Override
        public Integer call() throws Exception {
            ObjBuckets.checkName(bucket);
            try (Connection conn = connect()) {
                JetStreamManagement jsm = conn.jetStreamManagement(globals().jetStreamOptions());
                StreamConfiguration current;
                try {
                    current = jsm.getStreamInfo("OBJ_" + bucket).getConfiguration();
                } catch (JetStreamApiException e) {
                    throw ObjBuckets.notFoundOr(e, bucket);
                }
                StreamConfiguration.Builder b = StreamConfiguration.builder(current);
                flags.applyTo(current, b, spec.commandLine().getParseResult());
                jsm.updateStream(b.build());
                ObjectViews.bucket(out(), ObjBuckets.management(conn, globals()).getStatus(bucket));
            }
            return 0;
        }
    }

    /** {@code object ls [BUCKET]}: the buckets (smallest first), or a bucket's objects. */
    @Command(name = "ls", aliases = "list", description = "List buckets or contents of a specific bucket")
    static final class Ls extends ClientCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Option(names = {"-n", "--names"}, description = "Show just the names")
        boolean names;

        @Override
        public Integer call() throws Exception {
            try (Connection conn = connect()) {
                if (bucket == null) {
                    listBuckets(ObjBuckets.management(conn, globals()));
                } else {
                    listObjects(ObjBuckets.open(conn, globals(), bucket));
                }
            }
            return 0;
        }

        private void listBuckets(ObjectStoreManagement osm) throws Exception {
            List<ObjectStoreStatus> found = new ArrayList<>(osm.getStatuses());
            if (names) {
                found.forEach(s -> out().println(s.getBucketName()));
                out().flush();
                return;
            }
            if (found.isEmpty()) {
                out().println("No Object Store buckets found");
                out().flush();
                return;
            }
            found.sort(Comparator.comparingLong(ObjectStoreStatus::getSize));
            Table table = Table.titled("Object Store Buckets", "Bucket", "Description", "Created", "Size", "Last Update");
            for (ObjectStoreStatus s : found) {
                StreamState state = s.getBackingStreamInfo().getStreamState();
                table.row(s.getBucketName(), s.getDescription(), Human.time(s.getBackingStreamInfo().getCreateTime()),
                        Human.bytes(state.getByteCount()), since(state.getMsgCount(), state.getLastTime()));
            }
            table.print(out());
        }

        private void listObjects(ObjectStore store) throws Exception {
            List<ObjectInfo> contents = store.getList();
            if (names) {
                contents.forEach(i -> out().println(i.getObjectName()));
                out().flush();
                return;
            }
            if (contents.isEmpty()) {
                out().println("No entries found");
                out().flush();
                return;
            }
            Table table = Table.titled("Bucket Contents", "Name", "Size", "Time");
            for (ObjectInfo i : contents) {
                table.row(i.getObjectName(), Human.bytes(i.getSize()), Human.time(i.getModified()));
            }
            table.print(out());
        }

        private static String since(long messages, ZonedDateTime last) {
            return messages == 0 || last == null ? "never" : Durations.human(Duration.between(last, ZonedDateTime.now()));
        }
    }

    /** {@code object info BUCKET [NAME]} (also {@code show}, {@code i}): a bucket or one object. */
    @Command(name = "info", aliases = {"show", "i"}, description = "Get information about a bucket or object")
    static final class Info extends ClientCommand {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "The object to show")
        String name;

        @Option(names = "--json", description = "Produce JSON output (the bucket's STREAM.INFO, or the object's info)")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (Connection conn = connect()) {
                if (json && name == null) {
                    ObjBuckets.checkName(bucket);
                    Json.print(out(), StreamInfoJson.fetch(conn, globals(), "OBJ_" + bucket, bucket));
                    return 0;
                }
                ObjectStore store = ObjBuckets.open(conn, globals(), bucket);
                if (name == null) {
                    ObjectViews.bucket(out(), store.getStatus());
                    return 0;
                }
                ObjectInfo info = ObjBuckets.info(store, name);
                if (json) {
                    Json.print(out(), info.toJson());
                } else {
                    ObjectViews.object(out(), info);
                }
            }
            return 0;
        }
    }

    /** {@code object del BUCKET [NAME]} (also {@code rm}): deletes an object, or without one the whole bucket. */
    @Command(name = "del", aliases = "rm", description = "Deletes a file or bucket from the store")
    static final class Del extends ClientCommand {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "The object to delete")
        String name;

        @Option(names = {"-f", "--force"}, description = "Act without confirmation")
        boolean force;

        @Override
        public Integer call() throws Exception {
            try (Connection conn = connect()) {
                if (name == null) {
                    ObjBuckets.checkName(bucket);
                    if (!force && !Confirm.ask(globals(), out(), "Delete bucket " + bucket + " and all its files?")) {
                        skipped();
                        return 0;
                    }
                    try {
                        ObjBuckets.management(conn, globals()).delete(bucket);
                    } catch (JetStreamApiException e) {
                        throw ObjBuckets.notFoundOr(e, bucket);
                    }
                    return 0;
                }
                ObjectStore store = ObjBuckets.open(conn, globals(), bucket);
                ObjectInfo info = ObjBuckets.info(store, name);
                if (!force && !Confirm.ask(globals(), out(), "Delete " + Human.bytes(info.getSize()) + " byte file "
                        + bucket + " > " + name + "?")) {
                    skipped();
                    return 0;
                }
                store.delete(name);
                out().printf("Removed %s > %s%n", bucket, name);
                ObjectViews.bucket(out(), store.getStatus());
            }
            return 0;
        }

        private void skipped() {
            out().println("Skipping delete");
            out().flush();
        }
    }

    /** {@code object seal BUCKET}: makes a bucket read-only for good. */
    @Command(name = "seal", description = "Seals a bucket preventing further updates")
    static final class Seal extends ClientCommand {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Option(names = {"-f", "--force"}, description = "Force sealing without prompting")
        boolean force;

        @Override
        public Integer call() throws Exception {
            try (Connection conn = connect()) {
                ObjectStore store = ObjBuckets.open(conn, globals(), bucket);
                if (!force && !Confirm.ask(globals(), out(), "Really seal Bucket " + bucket
                        + ", sealed buckets can not be unsealed or modified")) {
                    return 0;
                }
                ObjectStoreStatus status = store.seal();
                out().printf("%s has been sealed%n", bucket);
                ObjectViews.bucket(out(), status);
            }
            return 0;
        }
    }
}
