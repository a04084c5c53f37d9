package io.natrix.cli.object;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.kv.WatchQueue;
import io.natrix.cli.output.Human;
import io.nats.client.Connection;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectStoreWatchOption;
import io.nats.client.api.ObjectStoreWatcher;
import io.nats.client.impl.NatsObjectStoreWatchSubscription;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code object watch BUCKET}: prints every object put and delete, history first, as natscli does
 * ({@code [TIME] PUT BUCKET > NAME: 1.0 MiB bytes in 8 chunks}, {@code [TIME] DEL BUCKET > NAME}). natscli's watch
 * runs until interrupted; {@code --count} stops it after that many entries.
 *
 * <p>jnats calls the watcher on its dispatcher thread; entries go through a {@link WatchQueue} to this command's
 * thread, which alone writes the output.
 */
@Command(name = "watch", description = "Watch a bucket for changes")
final class ObjectWatchCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
    String bucket;

    @Option(names = "--count", paramLabel = "N", description = "Stop after this many entries (default: run until interrupted)")
    long count;

    @Override
    public Integer call() throws Exception {
        if (count < 0) {
            throw new CliException("invalid --count " + count);
        }
        WatchQueue<ObjectInfo> entries = new WatchQueue<>();
        ObjectStoreWatcher watcher = new ObjectStoreWatcher() {
            @Override
            public void watch(ObjectInfo info) {
                entries.add(info);
            }

            @Override
            public void endOfData() {
            }
        };
        try (Connection conn = connect()) {
            ObjectStore store = ObjBuckets.open(conn, globals(), bucket);
            try (NatsObjectStoreWatchSubscription sub = store.watch(watcher, ObjectStoreWatchOption.INCLUDE_HISTORY)) {
                PrintWriter out = out();
                for (long printed = 0; count == 0 || printed < count; printed++) {
                    print(out, entries.next(conn));
                }
            }
        }
        return 0;
    }

    private static void print(PrintWriter out, ObjectInfo i) {
        String when = Human.time(i.getModified());
        if (i.isDeleted()) {
            out.printf("[%s] DEL %s > %s%n", when, i.getBucket(), i.getObjectName());
        } else {
            out.printf("[%s] PUT %s > %s: %s bytes in %s chunks%n", when, i.getBucket(), i.getObjectName(),
                    Human.bytes(i.getSize()), Human.count(i.getChunks()));
        }
        out.flush();
    }
}
