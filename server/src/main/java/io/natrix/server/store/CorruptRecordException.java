package io.natrix.server.store;

import java.io.IOException;

/**
 * A stored record failed its checksum (or did not parse) when it was read back. The store never serves such a
 * message: it drops it from its index and reports it as lost.
 */
final class CorruptRecordException extends IOException {
    private final long sequence;

    CorruptRecordException(long sequence, String message) {
        super("record of sequence " + sequence + " is damaged: " + message);
        this.sequence = sequence;
    }

    long sequence() {
        return sequence;
    }
}
