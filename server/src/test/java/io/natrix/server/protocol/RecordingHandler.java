package io.natrix.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ProtocolHandler} that writes every callback down as one line of text, so that two parses of the same bytes
 * (fed in different chunks) can be compared with {@code equals}, and a failing comparison reads like the protocol.
 *
 * <p>Like a client connection, it turns HPUB on when a CONNECT announces {@code "headers":true}, so a stream can
 * carry its own CONNECT ahead of its HPUBs. CR and LF inside payloads are written as {@code \r} and {@code \n}.
 *
 * <p>Not thread-safe; one per parse.
 */
class RecordingHandler implements ProtocolHandler {

    private final ClientParser parser;
    private final List<String> events = new ArrayList<>();

    RecordingHandler(ClientParser parser) {
        this.parser = parser;
    }

    List<String> events() {
        return events;
    }

    // ---------------------------------------------------------------- the expected lines, for tests to build

    static String connect(String json) {
        return "CONNECT " + json;
    }

    static String pub(String subject, String reply, String payload) {
        return "PUB " + subject + " " + (reply == null ? "-" : reply) + " [" + escape(payload) + "]";
    }

    static String hpub(String subject, String reply, String headers, String payload) {
        return "HPUB " + subject + " " + (reply == null ? "-" : reply) + " [" + escape(headers) + "|" + escape(payload)
                + "]";
    }

    static String sub(String subject, String queue, String sid) {
        return "SUB " + subject + " " + (queue == null ? "-" : queue) + " " + sid;
    }

    static String unsub(String sid, long max) {
        return "UNSUB " + sid + " " + max;
    }

    static final String PING = "PING";
    static final String PONG = "PONG";

    // ---------------------------------------------------------------- ProtocolHandler

    @Override
    public void onConnect(ByteBuf buf, int offset, int length) {
        String json = buf.toString(offset, length, StandardCharsets.UTF_8);
        events.add(connect(json));
        parser.headersAllowed(json.replace(" ", "").contains("\"headers\":true"));
    }

    @Override
    public void onPublish(ByteBuf buf, PubArgs args) {
        // The data offset is an absolute index into buf and must describe bytes the caller actually has.
        assertThat(args.dataOffset + args.totalLength).isLessThanOrEqualTo(buf.writerIndex());
        String subject = args.subject();
        String reply = args.reply();
        if (args.hasHeaders()) {
            assertThat(args.headerLength).isLessThanOrEqualTo(args.totalLength);
            String headers = buf.toString(args.dataOffset, args.headerLength, StandardCharsets.UTF_8);
            String payload = buf.toString(args.dataOffset + args.headerLength, args.totalLength - args.headerLength,
                    StandardCharsets.UTF_8);
            events.add(hpub(subject, reply, headers, payload));
        } else {
            events.add(pub(subject, reply, buf.toString(args.dataOffset, args.totalLength, StandardCharsets.UTF_8)));
        }
    }

    @Override
    public void onSubscribe(String subject, String queue, String sid) {
        events.add(sub(subject, queue, sid));
    }

    @Override
    public void onUnsubscribe(String sid, long max) {
        events.add(unsub(sid, max));
    }

    @Override
    public void onPing() {
        events.add(PING);
    }

    @Override
    public void onPong() {
        events.add(PONG);
    }

    static String escape(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }
}
