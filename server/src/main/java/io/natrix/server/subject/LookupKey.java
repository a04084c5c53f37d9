package io.natrix.server.subject;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A match-cache key: a literal subject's bytes and their hash.
 *
 * <p>Two forms share one class so that they compare equal: stored keys own a copy of the bytes (and the subject
 * as a string, for invalidation); lookup keys are reusable views of a subject inside a caller's input buffer, so a
 * publisher can probe the cache without allocating. A lookup key belongs to one thread (the connection's event
 * loop) and must never be stored in the cache.
 */
public final class LookupKey {
    private byte[] bytes;
    private ByteBuf buf;
    private int offset;
    private int length;
    private int hash;
    final String subject;

    /** A reusable lookup key for one thread's use. */
    public LookupKey() {
        this.subject = null;
    }

    private LookupKey(String subject) {
        this.subject = subject;
        this.bytes = subject.getBytes(StandardCharsets.UTF_8);
        this.length = bytes.length;
        int h = 0;
        for (byte b : bytes) {
            h = 31 * h + b;
        }
        this.hash = h;
    }

    static LookupKey of(String subject) {
        return new LookupKey(subject);
    }

    void wrap(ByteBuf buf, int offset, int length) {
        this.buf = buf;
        this.offset = offset;
        this.length = length;
        int h = 0;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = 31 * h + buf.getByte(i);
        }
        this.hash = h;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LookupKey other) || other.hash != hash || other.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (byteAt(i) != other.byteAt(i)) {
                return false;
            }
        }
        return true;
    }

    private byte byteAt(int i) {
        return bytes != null ? bytes[i] : buf.getByte(offset + i);
    }

    @Override
    public String toString() {
        return subject != null ? subject : buf.toString(offset, length, StandardCharsets.UTF_8);
    }
}
