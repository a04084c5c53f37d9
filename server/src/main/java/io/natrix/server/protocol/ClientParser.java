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
    private String errorDetail;
    private final PubArgs pubArgs = new PubArgs();
    private final int[] tokenStart = new int[MAX_TOKENS];
    private final int[] tokenEnd = new int[MAX_TOKENS];

    public ClientParser(int maxControlLine, int maxPayload) {
        this.maxControlLine = maxControlLine;
        this.maxPayload = maxPayload;
    }

    /** Limits may change on config reload; the next operation parsed uses the new values. */
    public void limits(int maxControlLine, int maxPayload) {
        this.maxControlLine = maxControlLine;
        this.maxPayload = maxPayload;
    }

    /** HPUB is refused (the connection closed) unless the client announced header support in CONNECT. */
    public void headersAllowed(boolean allowed) {
        this.headersAllowed = allowed;
    }

    /** Called by a handler that closed the connection: the rest of the buffer is ignored. */
    public void stop() {
        this.stopped = true;
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
        while (!stopped && in.isReadable()) {
            final int start = in.readerIndex();
            final int end = in.writerIndex();

            // Recognise the operation name; reject bytes that cannot start any operation at once.
            int i = start;
            while (i < end && !isDelimiter(in.getByte(i))) {
                i++;
            }
            if (i == end) {
                return isOperationPrefix(in, start, end) ? ParseResult.OK : unknown(in, start, end);
            }
            Op op = operation(in, start, i);
            if (op == null) {
                return unknown(in, start, i + 1);
            }
            byte delimiter = in.getByte(i);
            if (op.takesArguments && delimiter != ' ' && delimiter != '\t') {
                return unknown(in, start, i + 1);
            }

            // Find the end of the control line.
            int argsStart = i;
            int lf = indexOfLf(in, argsStart, Math.min(end, argsStart + maxControlLine + 2));
            if (lf < 0) {
                if (end - argsStart > maxControlLine + 1) {
                    errorDetail = "control line of more than " + maxControlLine + " bytes";
                    return ParseResult.MAX_CONTROL_LINE;
                }
                return ParseResult.OK;
            }
            int lineEnd = lf > argsStart && in.getByte(lf - 1) == CR ? lf - 1 : lf;
            if (lineEnd - argsStart > maxControlLine) {
                errorDetail = "control line of " + (lineEnd - argsStart) + " bytes";
                return ParseResult.MAX_CONTROL_LINE;
            }

            ParseResult result;
            switch (op) {
                case PUB, HPUB -> {
                    result = publish(in, argsStart, lineEnd, lf, op == Op.HPUB, handler);
                    if (result != ParseResult.OK || in.readerIndex() == start) {
                        return result; // an error, or the payload has not fully arrived yet
                    }
                    continue;
                }
                case SUB -> result = subscribe(in, argsStart, lineEnd, lf, handler);
                case UNSUB -> result = unsubscribe(in, argsStart, lineEnd, lf, handler);
                case CONNECT -> {
                    int s = skipSpaces(in, argsStart, lineEnd);
                    in.readerIndex(lf + 1);
                    handler.onConnect(in, s, trimEnd(in, s, lineEnd) - s);
                    result = ParseResult.OK;
                }
                case PING -> {
                    result = onlySpaces(in, argsStart, lineEnd);
                    if (result == ParseResult.OK) {
                        in.readerIndex(lf + 1);
                        handler.onPing();
                    }
                }
                case PONG -> {
                    result = onlySpaces(in, argsStart, lineEnd);
                    if (result == ParseResult.OK) {
                        in.readerIndex(lf + 1);
                        handler.onPong();
                    }
                }
                case OK -> {
                    result = onlySpaces(in, argsStart, lineEnd);
                    in.readerIndex(lf + 1);
                }
                default -> { // INFO and -ERR from a client are read and ignored, as nats-server does.
                    in.readerIndex(lf + 1);
                    result = ParseResult.OK;
                }
            }
            if (result != ParseResult.OK) {
                return result;
            }
            if (in.readerIndex() == start) {
                in.readerIndex(lf + 1);
            }
        }
        return ParseResult.OK;
    }

    /**
     * Returns OK when the message was handled (reader index advanced past it) or when its payload is incomplete
     * (reader index unchanged); otherwise the error.
     */
    private ParseResult publish(ByteBuf in, int from, int to, int lf, boolean headers, ProtocolHandler handler) {
        int n = tokenize(in, from, to);
        PubArgs a = pubArgs;
        a.reset();
        int sizeToken;
        if (headers) {
            if (!headersAllowed) {
                errorDetail = "processHeaderPub Headers Not Supported";
                return ParseResult.BAD_ARGUMENTS;
            }
            if (n != 3 && n != 4) {
                errorDetail = "processHeaderPub Parse Error: " + quote(in, from, to);
                return ParseResult.BAD_ARGUMENTS;
            }
            sizeToken = n - 1;
            long headerLength = parseSize(in, tokenStart[n - 2], tokenEnd[n - 2]);
            if (headerLength < 0) {
                errorDetail = "processHeaderPub Bad or Missing Header Size: " + quote(in, from, to);
                return ParseResult.BAD_ARGUMENTS;
            }
            a.headerLength = (int) Math.min(headerLength, Integer.MAX_VALUE);
        } else {
            if (n != 2 && n != 3) {
                errorDetail = "processPub Parse Error: " + quote(in, from, to);
                return ParseResult.BAD_ARGUMENTS;
            }
            sizeToken = n - 1;
        }
        long size = parseSize(in, tokenStart[sizeToken], tokenEnd[sizeToken]);
        if (size < 0) {
            errorDetail = (headers ? "processHeaderPub" : "processPub") + " Bad or Missing Size: " + quote(in, from, to);
            return ParseResult.BAD_ARGUMENTS;
        }
        if (headers && a.headerLength > size) {
            errorDetail = "processHeaderPub Header Size larger then TotalSize: " + quote(in, from, to);
            return ParseResult.BAD_ARGUMENTS;
        }
        if (size > maxPayload) {
            errorDetail = "Maximum Payload Violation: " + size + " > " + maxPayload;
            return ParseResult.MAX_PAYLOAD;
        }
        int dataOffset = lf + 1;
        int payloadEnd = dataOffset + (int) size;
        if (payloadEnd + 2 > in.writerIndex()) {
            return ParseResult.OK;
        }
        if (in.getByte(payloadEnd) != CR || in.getByte(payloadEnd + 1) != LF) {
            errorDetail = "payload not followed by CRLF";
            return ParseResult.UNKNOWN_OPERATION;
        }
        a.subjectOffset = tokenStart[0];
        a.subjectLength = tokenEnd[0] - tokenStart[0];
        int replyToken = headers ? (n == 4 ? 1 : -1) : (n == 3 ? 1 : -1);
        if (replyToken > 0) {
            a.replyOffset = tokenStart[1];
            a.replyLength = tokenEnd[1] - tokenStart[1];
        }
        a.totalLength = (int) size;
        a.dataOffset = dataOffset;
        in.readerIndex(payloadEnd + 2);
        handler.onPublish(in, a);
        return ParseResult.OK;
    }

    private ParseResult subscribe(ByteBuf in, int from, int to, int lf, ProtocolHandler handler) {
        int n = tokenize(in, from, to);
        if (n != 2 && n != 3) {
            errorDetail = "processSub Parse Error: " + quote(in, from, to);
            return ParseResult.BAD_ARGUMENTS;
        }
        String subject = string(in, 0);
        String queue = n == 3 ? string(in, 1) : null;
        String sid = string(in, n - 1);
        in.readerIndex(lf + 1);
        handler.onSubscribe(subject, queue, sid);
        return ParseResult.OK;
    }

    private ParseResult unsubscribe(ByteBuf in, int from, int to, int lf, ProtocolHandler handler) {
        int n = tokenize(in, from, to);
        if (n != 1 && n != 2) {
            errorDetail = "processUnsub Parse Error: " + quote(in, from, to);
            return ParseResult.BAD_ARGUMENTS;
        }
        long max = 0;
        if (n == 2) {
            max = parseSize(in, tokenStart[1], tokenEnd[1]);
            if (max < 0) {
                errorDetail = "processUnsub Bad or Missing Size: " + quote(in, from, to);
                return ParseResult.BAD_ARGUMENTS;
            }
        }
        String sid = string(in, 0);
        in.readerIndex(lf + 1);
        handler.onUnsubscribe(sid, max);
        return ParseResult.OK;
    }

    private ParseResult unknown(ByteBuf in, int from, int to) {
        errorDetail = "unknown protocol operation: " + quote(in, from, Math.min(to, from + 32));
        return ParseResult.UNKNOWN_OPERATION;
    }

    private ParseResult onlySpaces(ByteBuf in, int from, int to) {
        return skipSpaces(in, from, to) == to ? ParseResult.OK : unknown(in, from, to);
    }

    /** Splits [from, to) on spaces and tabs; returns the token count, or MAX_TOKENS + 1 when there are more. */
    private int tokenize(ByteBuf in, int from, int to) {
        int n = 0;
        int i = from;
        while (true) {
            i = skipSpaces(in, i, to);
            if (i >= to) {
                return n;
            }
            if (n == MAX_TOKENS) {
                return MAX_TOKENS + 1;
            }
            tokenStart[n] = i;
            while (i < to) {
                byte b = in.getByte(i);
                if (b == ' ' || b == '\t') {
                    break;
                }
                i++;
            }
            tokenEnd[n++] = i;
        }
    }

    private String string(ByteBuf in, int token) {
        return in.toString(tokenStart[token], tokenEnd[token] - tokenStart[token], StandardCharsets.UTF_8);
    }

    /** Parses a non-negative decimal of at most 12 digits; -1 when empty, too long or not all digits. */
    static long parseSize(ByteBuf in, int from, int to) {
        int length = to - from;
        if (length <= 0 || length > 12) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int d = in.getByte(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    private static int skipSpaces(ByteBuf in, int from, int to) {
        int i = from;
        while (i < to) {
            byte b = in.getByte(i);
            if (b != ' ' && b != '\t') {
                break;
            }
            i++;
        }
        return i;
    }

    private static int trimEnd(ByteBuf in, int from, int to) {
        int i = to;
        while (i > from) {
            byte b = in.getByte(i - 1);
            if (b != ' ' && b != '\t') {
                break;
            }
            i--;
        }
        return i;
    }

    private static int indexOfLf(ByteBuf in, int from, int to) {
        return from >= to ? -1 : in.indexOf(from, to, LF);
    }

    private static boolean isDelimiter(byte b) {
        return b == ' ' || b == '\t' || b == CR || b == LF;
    }

    private static Op operation(ByteBuf in, int from, int to) {
        int length = to - from;
        for (Op op : OPS) {
            if (op.name.length == length && matches(in, from, op.name, length)) {
                return op;
            }
        }
        return null;
    }

    private static boolean isOperationPrefix(ByteBuf in, int from, int to) {
        int length = to - from;
        for (Op op : OPS) {
            if (length <= op.name.length && matches(in, from, op.name, length)) {
                return true;
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
}
