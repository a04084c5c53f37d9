package io.natrix.nex.js;

import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;

/**
 * A read-only view of a Java byte array as a guest array of unsigned bytes (0..255), which the prelude copies
 * into a {@code Uint8Array}. Not thread-safe; one call's use only.
 */
final class ByteArrayProxy implements ProxyArray {

    private final byte[] bytes;

    ByteArrayProxy(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public Object get(long index) {
        return bytes[Math.toIntExact(index)] & 0xff;
    }

    @Override
    public void set(long index, Value value) {
        throw new UnsupportedOperationException("host byte arrays are read-only");
    }

    @Override
    public long getSize() {
        return bytes.length;
    }

    /** Copies a guest byte array ({@code Uint8Array}, {@code ArrayBuffer} or an array of numbers) into Java. */
    static byte[] copyOf(Value value, int sizeMax) {
        if (value == null || value.isNull()) {
            return new byte[0];
        }
        if (value.hasBufferElements()) {
            long size = value.getBufferSize();
            checkSize(size, sizeMax);
            byte[] out = new byte[(int) size];
            value.readBuffer(0, out, 0, out.length);
            return out;
        }
        if (value.hasArrayElements()) {
            long size = value.getArraySize();
            checkSize(size, sizeMax);
            byte[] out = new byte[(int) size];
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) value.getArrayElement(i).asInt();
            }
            return out;
        }
        throw new IllegalArgumentException("expected bytes (Uint8Array), got " + value);
    }

    private static void checkSize(long size, int sizeMax) {
        if (size > sizeMax) {
            throw new IllegalArgumentException("value of " + size + " bytes is over the limit of " + sizeMax);
        }
    }
}
