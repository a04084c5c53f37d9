package io.natrix.server.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which header blocks ask for tracing, read as nats-server reads them (the cases of its
 * TestMsgTraceGenHeaderMap), the cheap scan that comes first, and the header rewrite that turns tracing off.
 */
class MsgTraceHeadersTest {
    private static final String STATUS = "NATS/1.0\r\n";
    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-";

    private static MsgTraceHeaders.Parsed parse(String block) {
        return MsgTraceHeaders.parse(block.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean mayTrace(String block, boolean traceParentToo) {
        byte[] bytes = block.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[5], bytes);
        return MsgTraceHeaders.mayTrace(buf, 5, bytes.length, traceParentToo);
    }

    @Test
    void blocksThatDoNotAskForTracing() {
        assertThat(parse("Nats-Trace-Dest: val\r\n")).as("no status line").isNull();
        assertThat(parse("NATS/1.0 503\r\nNats-Trace-Dest: val\r\n\r\n")).as("a status").isNull();
        assertThat(parse(STATUS + "Header1: val1\r\nHeader2: val2\r\n")).isNull();
        assertThat(parse(STATUS + "Some-Prefix-Nats-Trace-Dest: some value\r\n")).isNull();
        assertThat(parse(STATUS + "Nats-Trace-Dest-Some-Suffix: some value\r\n")).isNull();
        assertThat(parse(STATUS + "Nats-Trace-Dest : some value\r\n")).as("blank before the colon").isNull();
        assertThat(parse(STATUS + "nats-trace-dest: some.dest\r\n")).as("the name's case matters").isNull();
        assertThat(parse(STATUS + "Nats-Trace-Dest: bogus")).as("no line end").isNull();
        assertThat(parse(STATUS + "Nats-Trace-Dest:      \r\n")).as("empty value").isNull();
        assertThat(parse(STATUS + "Nats-Trace-Dest: trace disabled\r\n")).isNull();
        assertThat(parse(STATUS + "traceparent: " + PARENT + "00\r\n")).as("not sampled").isNull();
        assertThat(parse(STATUS + "traceparent: " + PARENT + "22\r\n")).as("not sampled").isNull();
        assertThat(parse(STATUS + "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-01\r\n")).isNull();
        assertThat(parse(STATUS + "traceparent: " + PARENT + "81\r\n")).as("past a signed byte, as Go").isNull();
        assertThat(parse(STATUS + "Some-Prefix-traceparent: " + PARENT + "01\r\n")).isNull();
    }

    @Test
    void aTraceDestinationKeepsEveryHeaderSortedByName() {
        MsgTraceHeaders.Parsed p = parse(STATUS + "Some-Header: some value\r\nNats-Trace-Dest:    some.dest   \r\n"
                + ": bogus\r\nNats-Trace-Dest: some.dest.2\r\nAnother: x\r\n\r\n");
        assertThat(p.external()).isFalse();
        assertThat(p.headers()).isEqualTo(Map.of("Another", List.of("x"), "Nats-Trace-Dest",
                List.of("some.dest", "some.dest.2"), "Some-Header", List.of("some value")));
        assertThat(p.headers().keySet()).containsExactly("Another", "Nats-Trace-Dest", "Some-Header");
        assertThat(p.first("Nats-Trace-Dest")).isEqualTo("some.dest");
    }

    @Test
    void aSampledTraceparentInAnyCaseIsExternal() {
        MsgTraceHeaders.Parsed p = parse(STATUS + "TrAcEpArEnT:  " + PARENT + "27 \r\nSome-Header: v\r\n\r\n");
        assertThat(p.external()).isTrue();
        assertThat(p.headers()).containsEntry("TrAcEpArEnT", List.of(PARENT + "27"));
        MsgTraceHeaders.Parsed both = parse(STATUS + "traceparent: " + PARENT + "01\r\nNats-Trace-Dest: d\r\n\r\n");
        assertThat(both.external()).as("Nats-Trace-Dest wins").isFalse();
    }

    @Test
    void theScanLooksAtLineStartsOnly() {
        assertThat(mayTrace(STATUS + "A: b\r\nNats-Trace-Dest: x\r\n\r\n", false)).isTrue();
        assertThat(mayTrace(STATUS + "X-Nats-Trace-Dest: x\r\n\r\n", false)).isFalse();
        assertThat(mayTrace(STATUS + "A: Nats-Trace-Dest: x\r\n\r\n", false)).isFalse();
        assertThat(mayTrace(STATUS + "Nats-Trace-Dest\r\n\r\n", false)).isFalse();
        assertThat(mayTrace(STATUS + "TRACEPARENT: " + PARENT + "01\r\n\r\n", false)).isFalse();
        assertThat(mayTrace(STATUS + "TRACEPARENT: " + PARENT + "01\r\n\r\n", true)).isTrue();
        assertThat(mayTrace("Nats-Trace-Dest: x\r\n\r\n", true)).as("the first line is the status line").isFalse();
    }

    @Test
    void turningTracingOffReplacesTheDestinationLast() {
        byte[] block = (STATUS + "Nats-Trace-Dest: d\r\nA: b\r\nNats-Trace-Dest: e\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(new String(MsgTrace.disabledIn(block), StandardCharsets.US_ASCII))
                .isEqualTo(STATUS + "A: b\r\nNats-Trace-Dest: trace disabled\r\n\r\n");
        assertThat(new String(MsgTrace.disabledIn(null), StandardCharsets.US_ASCII))
                .isEqualTo(STATUS + "Nats-Trace-Dest: trace disabled\r\n\r\n");
    }
}
