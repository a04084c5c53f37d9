package io.natrix.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Feeds bytes to a fresh {@link ClientParser} in chunks, the way a client connection does: each chunk is appended to a
 * cumulation buffer, {@code parse} runs, and the bytes it left unread stay for the next chunk. Feeding stops at the
 * first error, as the connection closes there.
 *
 * <p>The cumulation starts with a few bytes already read, so that a parser handing out offsets relative to the reader
 * index instead of absolute ones is caught.
 */
final class ParserFeed {

    /** What a parse of a whole input came to: the callbacks in order, the final result, and the bytes left unread. */
    record Outcome(List<String> events, ParseResult result, int unread) {
        @Override
        public String toString() {
            return result + " unread=" + unread + " " + events;
        }
    }

    private static final byte[] ALREADY_READ = "xx\r\n".getBytes(StandardCharsets.US_ASCII);

    private final int maxControlLine;
    private final int maxPayload;

    ParserFeed(int maxControlLine, int maxPayload) {
        this.maxControlLine = maxControlLine;
        this.maxPayload = maxPayload;
    }

    static ParserFeed defaults() {
        return new ParserFeed(4096, 1024 * 1024);
    }

    Outcome whole(byte[] input) {
        return chunks(List.of(input));
    }

    Outcome splitAt(byte[] input, int offset) {
        return chunks(List.of(Arrays.copyOfRange(input, 0, offset), Arrays.copyOfRange(input, offset, input.length)));
    }

    Outcome byteAtATime(byte[] input) {
        List<byte[]> chunks = new ArrayList<>(input.length);
        for (byte b : input) {
            chunks.add(new byte[] {b});
        }
        return chunks(chunks);
    }

    /** Splits {@code input} at the given ascending offsets. */
    Outcome cuts(byte[] input, int[] offsets) {
        List<byte[]> chunks = new ArrayList<>(offsets.length + 1);
        int from = 0;
        for (int offset : offsets) {
            chunks.add(Arrays.copyOfRange(input, from, offset));
            from = offset;
        }
        chunks.add(Arrays.copyOfRange(input, from, input.length));
        return chunks(chunks);
    }

    Outcome chunks(List<byte[]> chunks) {
        ClientParser parser = new ClientParser(maxControlLine, maxPayload);
        RecordingHandler handler = new RecordingHandler(parser);
        ByteBuf cumulation = Unpooled.buffer(64);
        try {
            cumulation.writeBytes(ALREADY_READ);
            cumulation.readerIndex(ALREADY_READ.length);
            for (byte[] chunk : chunks) {
                cumulation.writeBytes(chunk);
                int before = cumulation.readerIndex();
                ParseResult result = parser.parse(cumulation, handler);
                if (result != ParseResult.OK) {
                    return new Outcome(List.copyOf(handler.events()), result, -1);
                }
                assertThat(cumulation.readerIndex()).as("reader index moved backwards").isGreaterThanOrEqualTo(before);
                cumulation.discardSomeReadBytes();
            }
            return new Outcome(List.copyOf(handler.events()), ParseResult.OK, cumulation.readableBytes());
        } finally {
            cumulation.release();
        }
    }

    /**
     * Asserts that {@code input} fed whole, split into two chunks at every offset, and one byte at a time, always comes
     * to {@code expected}.
     */
    void assertEveryChunking(byte[] input, Outcome expected) {
        assertThat(whole(input)).as("fed whole").isEqualTo(expected);
        for (int offset = 0; offset <= input.length; offset++) {
            assertThat(splitAt(input, offset)).as("split at offset %d of %d", offset, input.length)
                    .isEqualTo(expected);
        }
        assertThat(byteAtATime(input)).as("fed one byte at a time").isEqualTo(expected);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
