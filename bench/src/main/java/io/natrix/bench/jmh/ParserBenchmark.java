package io.natrix.bench.jmh;

import io.natrix.server.protocol.ClientParser;
import io.natrix.server.protocol.ParseResult;
import io.natrix.server.protocol.ProtocolHandler;
import io.natrix.server.protocol.PubArgs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * How fast {@link ClientParser} decodes a read batch of publishes: the buffer holds {@value #MESSAGES} operations as
 * a client would send them, and each invocation parses all of them through a handler that only consumes the
 * arguments. The score is operations per second; multiply by the operation's size for bytes per second.
 *
 * <p>Run: {@code taskset -c 1 java -cp bench/target/natrix-bench.jar org.openjdk.jmh.Main ParserBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ParserBenchmark {
    static final int MESSAGES = 1000;

    /** Payload size in bytes. */
    @Param({"16", "128", "1024"})
    public int size;

    /** The operation: PUB, PUB with a reply subject, or HPUB with a small header block. */
    @Param({"PUB", "PUB_REPLY", "HPUB"})
    public String operation;

    private ByteBuf batch;
    private ClientParser parser;
    private CountingHandler handler;

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
        byte[] payload = new byte[size];
        java.util.Arrays.fill(payload, (byte) 'x');
        String headers = "NATS/1.0\r\nTrace-Id: 4bf92f3577b34da6\r\n\r\n";
        batch = Unpooled.directBuffer(MESSAGES * (size + 128));
        for (int i = 0; i < MESSAGES; i++) {
            String line = switch (operation) {
                case "PUB" -> "PUB orders.eu.created " + size + "\r\n";
                case "PUB_REPLY" -> "PUB orders.eu.created _INBOX.Yj3tVb2mSyQpLkqCz1xW5e.17 " + size + "\r\n";
                case "HPUB" -> "HPUB orders.eu.created " + headers.length() + " " + (headers.length() + size) + "\r\n"
                        + headers;
                default -> throw new IllegalArgumentException(operation);
            };
            batch.writeBytes(line.getBytes(StandardCharsets.US_ASCII));
            batch.writeBytes(payload);
            batch.writeBytes(new byte[] {'\r', '\n'});
        }
        parser = new ClientParser(4096, 1 << 20);
        parser.headersAllowed(true);
        handler = new CountingHandler(blackhole);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        batch.release();
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public ParseResult parseBatch() {
        batch.readerIndex(0);
        ParseResult result = parser.parse(batch, handler);
        if (result != ParseResult.OK || batch.isReadable()) {
            throw new IllegalStateException("parser stopped early: " + result + " " + parser.errorDetail());
        }
        return result;
    }

    /** Consumes what a connection would read from each operation, so the work cannot be optimised away. */
    static final class CountingHandler implements ProtocolHandler {
        private final Blackhole blackhole;

        CountingHandler(Blackhole blackhole) {
            this.blackhole = blackhole;
        }

        @Override
        public void onConnect(ByteBuf buf, int offset, int length) {
            blackhole.consume(length);
        }

        @Override
        public void onPublish(ByteBuf buf, PubArgs args) {
            blackhole.consume(args.subjectOffset);
            blackhole.consume(args.subjectLength);
            blackhole.consume(args.replyOffset);
            blackhole.consume(args.totalLength);
            blackhole.consume(args.dataOffset);
        }

        @Override
        public void onSubscribe(String subject, String queue, String sid) {
            blackhole.consume(subject);
        }

        @Override
        public void onUnsubscribe(String sid, long max) {
            blackhole.consume(max);
        }

        @Override
        public void onPing() {
            blackhole.consume(1);
        }

        @Override
        public void onPong() {
            blackhole.consume(2);
        }
    }
}
