package io.natrix.server.client;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The headers that switch message tracing on ({@link MsgTrace}), read from a message's header block:
 *
 * <pre>
 * NATS/1.0\r\n
 * Nats-Trace-Dest: my.trace.subj\r\n            ad hoc: trace to this subject (exact case)
 * Nats-Trace-Only: true\r\n                     ... and do not deliver (1, true, on; any case)
 * traceparent: 00-&lt;trace id&gt;-&lt;span id&gt;-01\r\n   W3C trace context, any case: traced when the flags say
 *                                               "sampled" and the account has a msg_trace destination
 * \r\n
 * </pre>
 *
 * <p>Two steps, so that messages with headers pay little: {@link #mayTrace} looks at the start of each header line
 * for the two names without copying or allocating; only when it finds one does {@link #parse} read the whole
 * block the way nats-server does (server/msgtrace.go, genHeaderMapIfTraceHeadersPresent): the block must start with
 * {@code NATS/1.0\r\n} (a status line stops tracing), a key runs to the first colon, blanks and tabs around the
 * value are dropped, entries with an empty key or value are skipped, and a {@code Nats-Trace-Dest} of
 * {@code trace disabled} means "not traced". A {@code traceparent} is "sampled" when it has four dash-separated
 * parts and the last is a two-character number (base 16) that fits a signed byte with its lowest bit set.
 *
 * <p>Stateless and thread-safe.
 */
final class MsgTraceHeaders {
    static final String DEST = "Nats-Trace-Dest";
    static final String ONLY = "Nats-Trace-Only";
    static final String ORIGIN_ACCOUNT = "Nats-Trace-Origin-Account";
    static final String ACCEPT_ENCODING = "Accept-Encoding";
    static final String TRACE_PARENT = "traceparent";
    /** The {@code Nats-Trace-Dest} value that turns tracing off; not a valid subject, so it can name none. */
    static final String DISABLED = "trace disabled";

    private static final byte[] STATUS_LINE = "NATS/1.0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DEST_KEY = (DEST + ":").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRACE_PARENT_KEY = (TRACE_PARENT + ":").getBytes(StandardCharsets.US_ASCII);

    private MsgTraceHeaders() {
    }

    /**
     * Whether a line of the header block starts with {@code Nats-Trace-Dest:}, or, when {@code traceParentToo},
     * with {@code traceparent:} in any case. False means the message is certainly not traced; true means
     * {@link #parse} should look closer.
     */
    static boolean mayTrace(ByteBuf buf, int offset, int length, boolean traceParentToo) {
        int end = offset + length;
        // Line starts are the bytes after each '\n'; the first line is the status line, never a header.
        for (int i = buf.indexOf(offset, end, (byte) '\n'); i >= 0 && i + 1 < end;
                i = buf.indexOf(i + 1, end, (byte) '\n')) {
            int line = i + 1;
            if (startsWith(buf, line, end, DEST_KEY, false)
                    || traceParentToo && startsWith(buf, line, end, TRACE_PARENT_KEY, true)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(ByteBuf buf, int at, int end, byte[] key, boolean anyCase) {
        if (end - at < key.length) {
            return false;
        }
        for (int k = 0; k < key.length; k++) {
            byte b = buf.getByte(at + k);
            if (b != key[k] && !(anyCase && lower(b) == key[k])) {
                return false;
            }
        }
        return true;
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
    }

    /**
     * The headers of a block that asks for tracing: every header, names in their case, values in order, sorted by
     * name as nats-server's JSON writes them; and whether only a {@code traceparent} asked (external: the account's
     * destination applies). Null when the block does not ask for tracing.
     */
    record Parsed(Map<String, List<String>> headers, boolean external) {
        /** The first value of {@code name} (exact case), or null. */
        String first(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.getFirst();
        }
    }

    static Parsed parse(byte[] block) {
        if (!startsWith(block, STATUS_LINE)) {
            return null;
        }
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        boolean destFound = false;
        boolean sampled = false;
        int i = STATUS_LINE.length;
        while (i < block.length) {
            int colon = indexOf(block, i, (byte) ':');
            if (colon < 0) {
                break;
            }
            String key = new String(block, i, colon - i, StandardCharsets.UTF_8);
            i = colon + 1;
            while (i < block.length && (block[i] == ' ' || block[i] == '\t')) {
                i++;
            }
            int valueStart = i;
            int lineEnd = indexOfCrlf(block, valueStart);
            if (lineEnd < 0) {
                break;
            }
            int valueEnd = lineEnd;
            while (valueEnd > valueStart && (block[valueEnd - 1] == ' ' || block[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            String value = new String(block, valueStart, valueEnd - valueStart, StandardCharsets.UTF_8);
            if (!key.isEmpty() && !value.isEmpty()) {
                if (!sampled && key.equalsIgnoreCase(TRACE_PARENT)) {
                    sampled = isSampled(value);
                } else if (!destFound && key.equals(DEST)) {
                    if (value.equals(DISABLED)) {
                        return null;
                    }
                    destFound = true;
                }
                keys.add(key);
                values.add(value);
            }
            i = lineEnd + 2;
        }
        if (!destFound && !sampled) {
            return null;
        }
        Map<String, List<String>> headers = new TreeMap<>();
        for (int k = 0; k < keys.size(); k++) {
            headers.computeIfAbsent(keys.get(k), x -> new ArrayList<>(1)).add(values.get(k));
        }
        return new Parsed(headers, !destFound);
    }

    /** Whether a {@code traceparent} value's flags say "sampled". */
    static boolean isSampled(String value) {
        String[] parts = value.split("-", -1);
        if (parts.length != 4 || parts[3].length() != 2) {
            return false;
        }
        try {
            int flags = Integer.parseInt(parts[3], 16);
            return flags >= Byte.MIN_VALUE && flags <= Byte.MAX_VALUE && (flags & 1) == 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * {@code block} (null: no headers) with every {@code name} line removed and {@code name: value} added last, as
     * nats-server's setHeader writes it.
     */
    static byte[] withHeader(byte[] block, String name, String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((block == null ? 16 : block.length) + 64);
        byte[] key = (name + ":").getBytes(StandardCharsets.US_ASCII);
        if (block == null || block.length <= 2) {
            out.writeBytes(STATUS_LINE);
        } else {
            // The block without its closing blank line, each line kept unless it is one of name's.
            int end = block.length - 2;
            int line = 0;
            while (line < end) {
                int next = indexOfCrlf(block, line);
                next = next < 0 || next >= end ? end : next + 2;
                if (line == 0 || !startsWith(block, line, key)) {
                    out.write(block, line, next - line);
                }
                line = next;
            }
        }
        out.writeBytes((name + ": " + value + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static boolean startsWith(byte[] block, byte[] prefix) {
        return startsWith(block, 0, prefix);
    }

    private static boolean startsWith(byte[] block, int at, byte[] prefix) {
        if (block.length - at < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (block[at + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] block, int from, byte b) {
        for (int i = from; i < block.length; i++) {
            if (block[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfCrlf(byte[] block, int from) {
        for (int i = from; i + 1 < block.length; i++) {
            if (block[i] == '\r' && block[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
