package io.natrix.nex.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.nex.NexHarness;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebAssembly functions (WASI preview 1 commands, see {@code wasm/echo.wat}): subject as argv[1], payload on
 * stdin, stdout as the reply, deploy variables as the environment; exits, traps, endless loops and memory past
 * the limit are error replies; invalid modules are refused at deploy.
 */
class WasmFunctionTest {

    @TempDir
    Path dir;

    NexHarness nex;

    @BeforeEach
    void start() {
        nex = NexHarness.start(dir);
        nex.node("wasm", b -> b.functionTimeout = Duration.ofSeconds(3));
    }

    @AfterEach
    void stop() {
        nex.close();
    }

    private Path resource(String name) throws Exception {
        Path file = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/wasm/" + name)) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    private static String text(Message m) {
        assertThat(m).isNotNull();
        return new String(m.getData(), StandardCharsets.UTF_8);
    }

    @Test
    void wasmFunctionRepliesWithStdoutAndFailuresAreErrors() throws Exception {
        NexHarness.Result run = nex.run("nex", "run", resource("echo.wasm").toString(), "--trigger-subject", "wasm.echo",
                "GREETING=hi");
        assertThat(run.status()).as(run.toString()).isZero();
        Connection nc = nex.connect();
        Duration wait = Duration.ofSeconds(20);
        assertThat(text(nc.request("wasm.echo", "abc".getBytes(StandardCharsets.UTF_8), wait))).isEqualTo("wasm.echo:abc");
        assertThat(text(nc.request("wasm.echo", "env".getBytes(StandardCharsets.UTF_8), wait))).isEqualTo("GREETING=hi");

        Message exit = nc.request("wasm.echo", "x".getBytes(StandardCharsets.UTF_8), wait);
        assertThat(exit.getHeaders().getFirst("error")).isEqualTo("function exited with code 3");
        Message loop = nc.request("wasm.echo", "loop".getBytes(StandardCharsets.UTF_8), wait);
        assertThat(loop.getHeaders().getFirst("error")).isEqualTo("function exceeded its time limit of 3000 ms");
        Message memory = nc.request("wasm.echo", "more memory".getBytes(StandardCharsets.UTF_8), wait);
        assertThat(memory.getHeaders().getFirst("error")).startsWith("function failed: ");
        assertThat(text(nc.request("wasm.echo", "after".getBytes(StandardCharsets.UTF_8), wait))).isEqualTo("wasm.echo:after");
    }

    @Test
    void wasmBadModulesAreRefusedAtDeploy() throws Exception {
        Path junk = dir.resolve("junk.wasm");
        Files.writeString(junk, "not webassembly at all");
        NexHarness.Result invalid = nex.run("nex", "run", junk.toString(), "--trigger-subject", "w");
        assertThat(invalid.status()).isEqualTo(1);
        assertThat(invalid.err()).startsWith("natrix: error: invalid WebAssembly module: ");
        NexHarness.Result library = nex.run("nex", "run", resource("library.wasm").toString(), "--trigger-subject", "w");
        assertThat(library.err()).isEqualTo("natrix: error: the WebAssembly module is not a WASI command: it exports "
                + "no _start function\n");
        NexHarness.Result noTrigger = nex.run("nex", "run", resource("echo.wasm").toString());
        assertThat(noTrigger.err()).isEqualTo("natrix: error: a function needs at least one trigger subject\n");
        NexHarness.Result service = nex.run("nex", "run", resource("echo.wasm").toString(), "--lifecycle", "service");
        assertThat(service.err()).isEqualTo("natrix: error: a wasm workload cannot have lifecycle \"service\" "
                + "(it can be function)\n");
    }
}
