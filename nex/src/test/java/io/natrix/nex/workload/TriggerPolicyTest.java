package io.natrix.nex.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which trigger subjects overlap a denied one, and how output is cut into lines. */
class TriggerPolicyTest {

    @Test
    void triggerPolicyRefusesOverlapsWithDeniedSubjects() throws Exception {
        TriggerPolicy policy = new TriggerPolicy(List.of("secret.>", "admin.*.ops"));
        policy.check(List.of("todo.create", "orders.*", "admin.x", "admin.x.ops.more", "$SYSTEM.x"));
        for (String refused : List.of("$SYS.ACCOUNT.x", "$JS.API.>", "$NEX.*", ">", "*.API.INFO", "secret.a.b",
                "admin.eu.ops", "admin.*.*", "*.*.ops")) {
            assertThatThrownBy(() -> policy.check(List.of(refused))).as(refused)
                    .isInstanceOf(WorkloadException.class).hasMessageContaining("is not allowed");
        }
        for (String malformed : List.of("", "a..b", "a.>.b", "a b", "a.b*", ".a")) {
            assertThatThrownBy(() -> policy.check(List.of(malformed))).as(malformed)
                    .isInstanceOf(WorkloadException.class).hasMessageEndingWith(malformed.isEmpty()
                            ? "is empty" : "is not a valid subject");
        }
        assertThat(TriggerPolicy.overlaps("a.*", "a.b")).isTrue();
        assertThat(TriggerPolicy.overlaps("a.b", "a.b.c")).isFalse();
    }

    @Test
    void lineSinkCutsLinesAndLongRuns() throws Exception {
        List<String> lines = new ArrayList<>();
        try (LineSink sink = new LineSink(lines::add)) {
            sink.write("one\r\ntwo\nthree".getBytes());
            assertThat(lines).containsExactly("one", "two");
            sink.write("\n".getBytes());
            sink.write(new byte[LineSink.LINE_BYTES_MAX + 1]);
        }
        assertThat(lines).hasSize(5);
        assertThat(lines.get(2)).isEqualTo("three");
        assertThat(lines.get(3)).hasSize(LineSink.LINE_BYTES_MAX);
        assertThat(lines.get(4)).hasSize(1);
    }
}
