package io.natrix.server.jetstream;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * What a consumer must remember across a restart: how far it delivered, its ack floor, the messages delivered but
 * not yet acknowledged, and how often each of those was delivered. nats-server's {@code ConsumerState}.
 *
 * <p>Encoded (big-endian) as
 * <pre>
 *   magic    4 bytes  "NXCS"
 *   version  1 byte   1
 *   delivered.consumer_seq  8   delivered.stream_seq  8
 *   ack_floor.consumer_seq  8   ack_floor.stream_seq  8
 *   pending count           4   then per entry: stream_seq 8, consumer_seq 8, delivered at (unix nanos) 8
 *   redelivered count       4   then per entry: stream_seq 8, deliveries 8
 *   crc32c                  4   over every byte before it
 * </pre>
 * {@link #decode} refuses anything that does not check out (wrong magic, version, length or checksum).
 *
 * <p>Not thread-safe: owned by its consumer, under the consumer's lock.
 */
final class ConsumerState {
    private static final int MAGIC = 0x4E584353; // "NXCS"
    private static final byte VERSION = 1;

    /** A message delivered and waiting for its ack: its delivery sequence and when it was (last) delivered. */
    static final class Pending {
        final long consumerSeq;
        long timestampNanos;

        Pending(long consumerSeq, long timestampNanos) {
            this.consumerSeq = consumerSeq;
            this.timestampNanos = timestampNanos;
        }
    }

    /** The last delivery: its consumer and stream sequences (0 before any). */
    long deliveredConsumerSeq;
    long deliveredStreamSeq;
    /** Everything at or below these is acknowledged. */
    long ackFloorConsumerSeq;
    long ackFloorStreamSeq;
    /** Stream sequence → pending delivery, in stream order. */
    final TreeMap<Long, Pending> pending = new TreeMap<>();
    /** Stream sequence → deliveries so far, for messages delivered more than once. */
    final TreeMap<Long, Long> redelivered = new TreeMap<>();

    byte[] encode() {
        int size = 4 + 1 + 32 + 4 + pending.size() * 24 + 4 + redelivered.size() * 16 + 4;
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(MAGIC).put(VERSION);
        b.putLong(deliveredConsumerSeq).putLong(deliveredStreamSeq);
        b.putLong(ackFloorConsumerSeq).putLong(ackFloorStreamSeq);
        b.putInt(pending.size());
        for (Map.Entry<Long, Pending> e : pending.entrySet()) {
            b.putLong(e.getKey()).putLong(e.getValue().consumerSeq).putLong(e.getValue().timestampNanos);
        }
        b.putInt(redelivered.size());
        for (Map.Entry<Long, Long> e : redelivered.entrySet()) {
            b.putLong(e.getKey()).putLong(e.getValue());
        }
        b.putInt(crc(b.array(), size - 4));
        return b.array();
    }

    /** The state encoded in {@code bytes}; throws IllegalArgumentException when they do not check out. */
    static ConsumerState decode(byte[] bytes) {
        if (bytes.length < 4 + 1 + 32 + 8 + 4) {
            throw new IllegalArgumentException("consumer state too short: " + bytes.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int expected = b.getInt(bytes.length - 4);
        if (crc(bytes, bytes.length - 4) != expected) {
            throw new IllegalArgumentException("consumer state fails its checksum");
        }
        if (b.getInt() != MAGIC || b.get() != VERSION) {
            throw new IllegalArgumentException("not a consumer state (magic or version)");
        }
        ConsumerState s = new ConsumerState();
        s.deliveredConsumerSeq = b.getLong();
        s.deliveredStreamSeq = b.getLong();
        s.ackFloorConsumerSeq = b.getLong();
        s.ackFloorStreamSeq = b.getLong();
        int n = b.getInt();
        if (n < 0 || (long) n * 24 > b.remaining()) {
            throw new IllegalArgumentException("consumer state: bad pending count " + n);
        }
        for (int i = 0; i < n; i++) {
            long sseq = b.getLong();
            s.pending.put(sseq, new Pending(b.getLong(), b.getLong()));
        }
        int r = b.getInt();
        if (r < 0 || (long) r * 16 + 4 != b.remaining()) {
            throw new IllegalArgumentException("consumer state: bad redelivered count " + r);
        }
        for (int i = 0; i < r; i++) {
            s.redelivered.put(b.getLong(), b.getLong());
        }
        return s;
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, 0, length);
        return (int) c.getValue();
    }
}
