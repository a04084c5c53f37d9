package io.natrix.server.store;

import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The store contract on disk, with small blocks so that every test crosses block boundaries, and a restart wherever
 * the contract asks for one (the random sequences restart now and then).
 */
class FileStoreTest extends MessageStoreContract {
    @TempDir
    Path dir;
    private int stores;

    private FileStore.Config config(Path where) {
        return new FileStore.Config(where, 4096, Duration.ofHours(1), false);
    }

    @Override
    MessageStore create(StoreLimits limits, long firstSeq) throws IOException {
        return FileStore.open(config(dir.resolve("s" + stores++)), limits, firstSeq);
    }

    @Override
    MessageStore restart(MessageStore store, StoreLimits limits) throws IOException {
        FileStore fs = (FileStore) store;
        fs.close();
        return FileStore.open(fs.config(), limits, 0);
    }

    @Override
    long sizeOf(String subject, byte[] headers, byte[] payload) {
        int h = headers == null ? 0 : headers.length;
        int p = payload == null ? 0 : payload.length;
        // nats-server's fileStoreMsgSize: record length, seq, ts, subject length, hash; headers add 4 + their length.
        return h == 0 ? 22 + StoreModel.utf8(subject) + p + 8 : 22 + StoreModel.utf8(subject) + 4 + h + p + 8;
    }
}
