package io.natrix.server.store;

/** The store contract, in memory. */
class MemoryStoreTest extends MessageStoreContract {

    @Override
    MessageStore create(StoreLimits limits, long firstSeq) {
        return new MemoryStore(limits, firstSeq);
    }

    @Override
    MessageStore restart(MessageStore store, StoreLimits limits) {
        return store;
    }

    @Override
    long sizeOf(String subject, byte[] headers, byte[] payload) {
        return StoreModel.utf8(subject) + (headers == null ? 0 : headers.length) + (payload == null ? 0 : payload.length)
                + 16;
    }
}
