package io.natrix.nex.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.nex.workload.FunctionException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** JavaScript functions without a server: loading, results as JSON, errors and the time limit. */
class JsFunctionTest {

    private static JsFunction load(String code) throws FunctionException {
        return JsFunction.load(code, "test.js", null, Duration.ofSeconds(2), OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream());
    }

    private static String call(JsFunction fn, String payload) throws FunctionException {
        return new String(fn.call("s", payload.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void jsFunctionResultIsJson() throws Exception {
        try (JsFunction fn = load("(subject, payload) => ({subject, text: new TextDecoder().decode(payload), n: payload.length})")) {
            assertThat(call(fn, "héllo")).isEqualTo("{\"subject\":\"s\",\"text\":\"héllo\",\"n\":6}");
        }
        try (JsFunction fn = load("(s, p) => 'x'")) {
            assertThat(call(fn, "")).isEqualTo("\"x\"");
        }
        try (JsFunction fn = load("(s, p) => { }")) {
            assertThat(call(fn, "")).isEmpty();
        }
    }

    @Test
    void jsFunctionSyntaxErrorIsClear() {
        assertThatThrownBy(() -> load("(s, p) => {"))
                .isInstanceOf(FunctionException.class).hasMessageStartingWith("JavaScript syntax error:");
        assertThatThrownBy(() -> load("42"))
                .isInstanceOf(FunctionException.class).hasMessageContaining("must evaluate to a function");
    }

    @Test
    void jsFunctionThrowsAndLoopsAreErrorsAndItRecovers() throws Exception {
        try (JsFunction fn = load("(s, p) => { if (p.length === 0) throw new Error('boom'); if (p[0] === 108) { for (;;) {} } return p.length; }")) {
            assertThatThrownBy(() -> call(fn, "")).isInstanceOf(FunctionException.class).hasMessageContaining("boom");
            assertThatThrownBy(() -> call(fn, "loop")).isInstanceOf(FunctionException.class)
                    .hasMessageContaining("time limit");
            assertThat(call(fn, "abc")).isEqualTo("3");
        }
    }

    @Test
    void jsFunctionPastItsMemoryBudgetIsStopped() throws Exception {
        try (JsFunction fn = JsFunction.load("(s, p) => { if (p.length === 0) { const a = []; for (;;) { a.push(new Array(10000).fill(s)); } } return 'ok'; }",
                "hog.js", null, Duration.ofSeconds(60), 32L * 1024 * 1024, OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream())) {
            assertThatThrownBy(() -> call(fn, "")).isInstanceOf(FunctionException.class)
                    .hasMessage("function exceeded its memory budget of 32 MiB allocated in one call");
            assertThat(call(fn, "x")).isEqualTo("\"ok\"");
        }
    }
}
