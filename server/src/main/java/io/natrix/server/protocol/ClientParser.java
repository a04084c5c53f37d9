package io.natrix.server.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the client protocol (CONNECT, PUB, HPUB, SUB, UNSUB, PING, PONG, INFO, +OK, -ERR) from a byte buffer.
 *
 * <p>The parser is restartable at operation boundaries: {@link #parse} consumes every complete operation in the
 * buffer (advancing its reader index past each one) and stops at the first incomplete one, leaving its bytes for
 * the next call once more input has arrived. Control lines are tiny next to payloads, so re-reading a partial
 * control line costs nothing, and the payload is never copied by the parser: handlers receive offsets into the
 * caller's buffer.
 *
 * <p>Behaviour follows nats-server byte for byte: operation names are case-insensitive; arguments are separated
 * by spaces or tabs; a control line ends with LF, optionally preceded by CR; a payload must be followed by exactly
 * CRLF; an unknown operation is reported as soon as the bytes seen so far cannot begin any operation, without
 * waiting for a line end.
 *
 * <p>Wire format of the operations handled here:
 * <pre>
 *   PUB   &lt;subject&gt; [reply] &lt;#bytes&gt;\r\n[payload]\r\n
 *   HPUB  &lt;subject&gt; [reply] &lt;#header bytes&gt; &lt;#total bytes&gt;\r\n[headers][payload]\r\n
 *   SUB   &lt;subject&gt; [queue group] &lt;sid&gt;\r\n
 *   UNSUB &lt;sid&gt; [max msgs]\r\n
 *   CONNECT {json}\r\n     PING\r\n     PONG\r\n     INFO {json}\r\n     +OK\r\n     -ERR 'text'\r\n
 * </pre>
 *
 * <p>Not thread-safe: one instance per connection, used by its event-loop thread only.
 */
public final class ClientParser {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final int MAX_TOKENS = 5;
    /** Room for the operation name and its delimiter on top of max_control_line (which bounds the arguments). */
    private static final int OP_SLACK = 16;
    /** nats-server reads sizes of at most 9 digits. */
    private static final int MAX_SIZE_DIGITS = 9;
    private static final int INITIAL_LINE_CAPACITY = 512;

    private enum Op {
        PUB("PUB", true), HPUB("HPUB", true), SUB("SUB", true), UNSUB("UNSUB", true), CONNECT("CONNECT", true),
        INFO("INFO", true), PING("PING", false), PONG("PONG", false), OK("+OK", false), ERR("-ERR", false);

        final byte[] name;
        final boolean takesArguments;

        Op(String name, boolean takesArguments) {
            this.name = name.getBytes(StandardCharsets.US_ASCII);
            this.takesArguments = takesArguments;
        }
    }

    private static final Op[] OPS = Op.values();

    private int maxControlLine;
    private int maxPayload;
    private boolean headersAllowed;
    private boolean stopped;
    private boolean paused;
    private boolean connectRequired;
    private String errorDetail;
    private final PubArgs pubArgs = new PubArgs();
    private final int[] tokenStart = new int[MAX_TOKENS];
    private final int[] tokenEnd = new int[MAX_TOKENS];
    /** The current control line, copied out of the input once so that parsing works on an array; grows. */
    private byte[] line = new byte[INITIAL_LINE_CAPACITY];

    public ClientParser(int maxControlLine, int maxPayload) {
        limits(maxControlLine, maxPayload);
    }

    /** Limits may change on config reload; the next operation parsed uses the new values. */
    public void limits(int maxControlLine, int maxPayload) {
        this.maxControlLine = maxControlLine;
        this.maxPayload = maxPayload;
    }

    /** With authentication required, every operation before a CONNECT is an authorization violation. */
    public void connectRequired(boolean required) {
        this.connectRequired = required;
    }

    /** HPUB is refused (the connection closed) unless the client announced header support in CONNECT. */
    public void headersAllowed(boolean allowed) {
        this.headersAllowed = allowed;
    }

    private byte[] line(int length) {
        if (line.length < length) {
            line = new byte[Math.max(length, line.length * 2)];
        }
        return line;
    }

    /** Called by a handler that closed the connection: the rest of the buffer is ignored. */
    public void stop() {
        this.stopped = true;
    }

    /**
     * Called by a handler that cannot take the next operation yet (a CONNECT waiting for an authentication
     * service): {@link #parse} returns {@link ParseResult#OK} right after the current operation, leaving the rest
     * in the buffer, until {@link #resume()}.
     */
    public void pause() {
        this.paused = true;
    }

    public void resume() {
        this.paused = false;
    }

    public boolean isPaused() {
        return paused;
    }

    /** A description of the last error for the log, in nats-server's words where it has them. */
    public String errorDetail() {
        return errorDetail;
    }

    /**
     * Handles every complete operation in {@code in}. On {@link ParseResult#OK} the reader index is at the start of
     * the first incomplete operation (or at the writer index). On an error the reader index is unspecified and the
     * connection must be closed.
     */
    public ParseResult parse(ByteBuf in, ProtocolHandler handler) {
        while (!stopped && !paused && in.isReadable()) {
            final int start = in.readerIndex();
            final int end = in.writerIndex();
            if (connectRequired && (in.getByte(start) | 0x20) != 'c') {
                // nats-server refuses anything but CONNECT as the first operation when auth is required.
                errorDetail = "operation before CONNECT";
                return ParseResult.AUTHORIZATION_VIOLATION;
            }
            long bound = (long) maxControlLine + OP_SLACK;
            int lf = indexOfLf(in, start, (int) Math.min(end, start + bound));
            if (lf < 0) {
                if (!isOperationPrefix(in, start, end)) {
                    return unknown(in, start, end);
                }
                if (end - start >= bound) {
                    errorDetail = "control line of more than " + maxControlLine + " bytes";
                    return ParseResult.MAX_CONTROL_LINE;
                }
                return ParseResult.OK;
            }
            int lineEnd = lf > start && in.getByte(lf - 1) == CR ? lf - 1 : lf;

            // Copy the control line once; everything below works on the array (no per-byte buffer calls).
            int length = lineEnd - start;
            byte[] line = line(length);
            in.getBytes(start, line, 0, length);
            Op op = operation(line, length);
            if (op == null) {
                return unknown(in, start, lineEnd);
            }
            int i = op.name.length;
            int argsStart = skipSpaces(line, i, length);
            if (op.takesArguments && length - argsStart > maxControlLine) {
                errorDetail = "control line of " + (length - argsStart) + " bytes";
                return ParseResult.MAX_CONTROL_LINE;
            }

            ParseResult result;
            switch (op) {
                case PUB, HPUB -> {
                    result = publish(in, line, i, length, lf, op == Op.HPUB, handler);
                    if (result != ParseResult.OK || in.readerIndex() == start) {
                        return result; // an error, or the payload has not fully arrived yet
                    }
                    continue;
                }
                case SUB -> result = subscribe(in, line, i, length, lf, handler);
                case UNSUB -> result = unsubscribe(in, line, i, length, lf, handler);
                case CONNECT -> {
                    in.readerIndex(lf + 1);
                    int to = trimEnd(line, argsStart, length);
                    handler.onConnect(in, start + argsStart, to - argsStart);
                    result = ParseResult.OK;
                }
                case PING, PONG, OK -> {
                    // As in nats-server, whatever follows the operation name up to the line end is ignored.
                    in.readerIndex(lf + 1);
                    if (op == Op.PING) {
                        handler.onPing();
                    } else if (op == Op.PONG) {
                        handler.onPong();
                    }
                    result = ParseResult.OK;
                }
                case ERR -> {
                    // A client has no business sending -ERR; nats-server closes it without a word.
                    errorDetail = "client sent " + quote(line, 0, length);
                    result = ParseResult.CLIENT_ERROR;
                }
                default -> { // INFO from a client is read and ignored, as nats-server does.
                    in.readerIndex(lf + 1);
                    result = ParseResult.OK;
                }
            }
            if (result != ParseResult.OK) {
                return result;
            }
        }
        return ParseResult.OK;
    }

    /**
     * Returns OK when the message was handled (reader index advanced past it) or when its payload is incomplete
     * (reader index unchanged); otherwise the error.
     */
    private ParseResult publish(ByteBuf in, byte[] line, int from, int to, int lf, boolean headers,
                                ProtocolHandler handler) {
        int n = tokenize(line, from, to);
        PubArgs a = pubArgs;
        a.reset();
        String op = headers ? "processHeaderPub" : "processPub";
        if (headers && !headersAllowed) {
            errorDetail = "processHeaderPub Headers Not Supported";
            return ParseResult.BAD_ARGUMENTS;
        }
        if (headers ? n != 3 && n != 4 : n != 2 && n != 3) {
            errorDetail = op + " Parse Error: " + quote(line, from, to);
            return ParseResult.BAD_ARGUMENTS;
        }
        if (headers) {
            long headerLength = parseSize(line, tokenStart[n - 2], tokenEnd[n - 2]);
            if (headerLength < 0) {
                errorDetail = op + " Bad or Missing Header Size: " + quote(line, from, to);
                return ParseResult.BAD_ARGUMENTS;
            }
            a.headerLength = (int) Math.min(headerLength, Integer.MAX_VALUE);
        }
        long size = parseSize(line, tokenStart[n - 1], tokenEnd[n - 1]);
        if (size < 0) {
            errorDetail = op + " Bad or Missing Size: " + quote(line, from, to);
            return ParseResult.BAD_ARGUMENTS;
        }
        if (headers && a.headerLength > size) {
            errorDetail = op + " Header Size larger then TotalSize: " + quote(line, from, to);
            return ParseResult.BAD_ARGUMENTS;
        }
        if (size > maxPayload) {
            errorDetail = "Maximum Payload Violation: " + size + " > " + maxPayload;
            return ParseResult.MAX_PAYLOAD;
        }
        int dataOffset = lf + 1;
        int payloadEnd = dataOffset + (int) size;
        int available = in.writerIndex();
        if ((payloadEnd < available && in.getByte(payloadEnd) != CR)
                || (payloadEnd + 1 < available && in.getByte(payloadEnd + 1) != LF)) {
            errorDetail = "payload not followed by CRLF";
            return ParseResult.UNKNOWN_OPERATION;
        }
        if (payloadEnd + 2 > available) {
            return ParseResult.OK;
        }
        a.line = line;
        a.subjectOffset = tokenStart[0];
        a.subjectLength = tokenEnd[0] - tokenStart[0];
        if (n == (headers ? 4 : 3)) {
            a.replyOffset = tokenStart[1];
            a.replyLength = tokenEnd[1] - tokenStart[1];
        }
        a.totalLength = (int) size;
        a.dataOffset = dataOffset;
        in.readerIndex(payloadEnd + 2);
        handler.onPublish(in, a);
        return ParseResult.OK;
    }

    private ParseResult subscribe(ByteBuf in, byte[] line, int from, int to, int lf, ProtocolHandler handler) {
        int n = tokenize(line, from, to);
        if (n != 2 && n != 3) {
            errorDetail = "processSub Parse Error: " + quote(line, from, to);
            return ParseResult.BAD_ARGUMENTS;
        }
        String subject = string(line, 0);
        String queue = n == 3 ? string(line, 1) : null;
        String sid = string(line, n - 1);
        in.readerIndex(lf + 1);
        handler.onSubscribe(subject, queue, sid);
        return ParseResult.OK;
    }

    private ParseResult unsubscribe(ByteBuf in, byte[] line, int from, int to, int lf, ProtocolHandler handler) {
        int n = tokenize(line, from, to);
        if (n != 1 && n != 2) {
            errorDetail = "processUnsub Parse Error: " + quote(line, from, to);
            return ParseResult.BAD_ARGUMENTS;
        }
        // An unreadable max means "unsubscribe now", as in nats-server.
        long max = n == 2 ? Math.max(0, parseSize(line, tokenStart[1], tokenEnd[1])) : 0;
        String sid = string(line, 0);
        in.readerIndex(lf + 1);
        handler.onUnsubscribe(sid, max);
        return ParseResult.OK;
    }

    private ParseResult unknown(ByteBuf in, int from, int to) {
        errorDetail = "unknown protocol operation: " + quote(in, from, Math.min(to, from + 32));
        return ParseResult.UNKNOWN_OPERATION;
    }

    /** Splits line[from, to) on spaces and tabs; returns the token count, or MAX_TOKENS + 1 when there are more. */
    private int tokenize(byte[] line, int from, int to) {
        int n = 0;
        int i = from;
        while (true) {
            i = skipSpaces(line, i, to);
            if (i >= to) {
                return n;
            }
            if (n == MAX_TOKENS) {
                return MAX_TOKENS + 1;
            }
            tokenStart[n] = i;
            while (i < to && line[i] != ' ' && line[i] != '\t') {
                i++;
            }
            tokenEnd[n++] = i;
        }
    }

    private String string(byte[] line, int token) {
        return new String(line, tokenStart[token], tokenEnd[token] - tokenStart[token], StandardCharsets.UTF_8);
    }

    /** Parses a non-negative decimal of at most 9 digits (as nats-server); -1 when empty, longer or not digits. */
    static long parseSize(byte[] line, int from, int to) {
        int length = to - from;
        if (length <= 0 || length > MAX_SIZE_DIGITS) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int d = line[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    private static int skipSpaces(byte[] line, int from, int to) {
        int i = from;
        while (i < to && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }
        return i;
    }

    private static int trimEnd(byte[] line, int from, int to) {
        int i = to;
        while (i > from && (line[i - 1] == ' ' || line[i - 1] == '\t')) {
            i--;
        }
        return i;
    }

    private static int indexOfLf(ByteBuf in, int from, int to) {
        return from >= to ? -1 : in.indexOf(from, to, LF);
    }

    /**
     * The operation a complete control line starts with, or null. Operations with arguments must be followed by a
     * space or tab; PING, PONG, +OK and -ERR ignore whatever follows their name (nats-server's state machine does).
     */
    private static Op operation(byte[] line, int length) {
        for (Op op : OPS) {
            int n = op.name.length;
            if (length >= n && equalsIgnoreCase(line, op.name, n)) {
                if (!op.takesArguments) {
                    return op;
                }
                if (length > n && (line[n] == ' ' || line[n] == '\t')) {
                    return op;
                }
            }
        }
        return null;
    }

    private static boolean equalsIgnoreCase(byte[] line, byte[] name, int length) {
        for (int k = 0; k < length; k++) {
            int b = line[k];
            if (b >= 'a' && b <= 'z') {
                b -= 32;
            }
            if (b != name[k]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the bytes of a not yet complete line can still begin an operation, so garbage is refused without
     * waiting for a line end, as nats-server refuses it byte by byte.
     */
    private static boolean isOperationPrefix(ByteBuf in, int from, int to) {
        int available = to - from;
        for (Op op : OPS) {
            int n = op.name.length;
            if (available <= n) {
                if (matches(in, from, op.name, available)) {
                    return true;
                }
            } else if (matches(in, from, op.name, n)) {
                byte next = in.getByte(from + n);
                if (!op.takesArguments || next == ' ' || next == '\t') {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean matches(ByteBuf in, int from, byte[] name, int length) {
        for (int k = 0; k < length; k++) {
            int b = in.getByte(from + k);
            if (b >= 'a' && b <= 'z') {
                b -= 32;
            }
            if (b != name[k]) {
                return false;
            }
        }
        return true;
    }

    private static String quote(ByteBuf in, int from, int to) {
        return '"' + in.toString(from, Math.max(0, to - from), StandardCharsets.UTF_8) + '"';
    }

    private static String quote(byte[] line, int from, int to) {
        return '"' + new String(line, from, Math.max(0, to - from), StandardCharsets.UTF_8) + '"';
    }
}
