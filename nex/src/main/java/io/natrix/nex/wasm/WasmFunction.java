package io.natrix.nex.wasm;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import io.natrix.nex.workload.FunctionException;
import io.natrix.nex.workload.FunctionRuntime;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One WebAssembly function as Nex v0 runs them: a WASI preview 1 <em>command</em> module, instantiated afresh for
 * each trigger message (Chicory's interpreter, pure Java) with argv {@code ["nexfunction", subject]}, the payload
 * on stdin, the deploy's environment variables, and stdout as the reply; stderr goes to the log feed. Exit code 0
 * (or returning from {@code _start}) is success; any other exit, a trap, a call past the time limit (the watchdog
 * interrupts the running thread, which Chicory's interpreter checks) or memory growth past
 * {@link #MEMORY_PAGES_MAX} is an error for the requester. No files, sockets or host services (as in v0, #219).
 *
 * <p>Thread-safety: {@link #call} by one thread at a time; the parsed module is immutable and shared by calls.
 */
public final class WasmFunction implements FunctionRuntime {

    /** The most linear memory a function gets: 1024 pages of 64 KiB (64 MiB). */
    public static final int MEMORY_PAGES_MAX = 1024;

    /** The longest reply a function may write to stdout. */
    public static final int REPLY_BYTES_MAX = 8 * 1024 * 1024;

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nex-wasm-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final WasmModule module;
    private final Map<String, String> env;
    private final Duration timeLimit;
    private final OutputStream stderr;
    private volatile Thread running;
    private volatile boolean closed;

    private WasmFunction(WasmModule module, Map<String, String> env, Duration timeLimit, OutputStream stderr) {
        this.module = module;
        this.env = Map.copyOf(env);
        this.timeLimit = timeLimit;
        this.stderr = stderr;
    }

    /** Parses and checks a module: it must be valid WebAssembly and export {@code _start}. */
    public static WasmFunction load(byte[] bytes, Map<String, String> env, Duration timeLimit, OutputStream stderr)
            throws FunctionException {
        WasmModule module;
        try {
            module = Parser.parse(bytes);
        } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new FunctionException("invalid WebAssembly module: " + e.getMessage(), e);
        }
        boolean command = false;
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            var export = module.exportSection().getExport(i);
            if (export.name().equals("_start") && export.exportType() == ExternalType.FUNCTION) {
                command = true;
            }
        }
        if (!command) {
            throw new FunctionException("the WebAssembly module is not a WASI command: it exports no _start function");
        }
        return new WasmFunction(module, env, timeLimit, stderr);
    }

    @Override
    public byte[] call(String subject, byte[] payload) throws FunctionException {
        if (closed) {
            throw new FunctionException("function is stopped");
        }
        BoundedOutput stdout = new BoundedOutput(REPLY_BYTES_MAX);
        WasiOptions.Builder options = WasiOptions.builder()
                .withArguments(List.of("nexfunction", subject))
                .withStdin(new ByteArrayInputStream(payload))
                .withStdout(stdout)
                .withStderr(stderr);
        env.forEach(options::withEnvironment);
        Thread self = Thread.currentThread();
        running = self;
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(self::interrupt, timeLimit.toNanos(), TimeUnit.NANOSECONDS);
        try (WasiPreview1 wasi = WasiPreview1.builder().withOptions(options.build()).build()) {
            Instance instance = Instance.builder(module)
                    .withImportValues(ImportValues.builder().addFunction(wasi.toHostFunctions()).build())
                    .withMemoryLimits(new MemoryLimits(initialPages(), MEMORY_PAGES_MAX))
                    .withStart(false)
                    .build();
            instance.export("_start").apply();
            return stdout.toByteArray();
        } catch (WasiExitException e) {
            if (e.exitCode() == 0) {
                return stdout.toByteArray();
            }
            throw new FunctionException("function exited with code " + e.exitCode());
        } catch (ChicoryInterruptedException e) {
            throw new FunctionException(closed ? "function is stopped"
                    : "function exceeded its time limit of " + timeLimit.toMillis() + " ms");
        } catch (ReplyTooLarge e) {
            throw new FunctionException("function wrote more than " + REPLY_BYTES_MAX + " bytes to stdout");
        } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException | StackOverflowError e) {
            throw new FunctionException("function failed: " + e.getMessage(), e);
        } finally {
            watchdog.cancel(false);
            running = null;
            Thread.interrupted(); // a watchdog that fired late must not leak into the next call
        }
    }

    private int initialPages() throws FunctionException {
        if (module.memorySection().isEmpty() || module.memorySection().get().memoryCount() == 0) {
            return 0;
        }
        int initial = module.memorySection().get().getMemory(0).limits().initialPages();
        if (initial > MEMORY_PAGES_MAX) {
            throw new FunctionException("the module asks for " + initial + " pages of memory; the limit is "
                    + MEMORY_PAGES_MAX);
        }
        return initial;
    }

    @Override
    public void close() {
        closed = true;
        Thread t = running;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Thrown by {@link BoundedOutput} when the reply would pass its limit. */
    private static final class ReplyTooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReplyTooLarge() {
            super(null, null, false, false);
        }
    }

    /** A byte buffer that refuses to grow past a limit. Not thread-safe. */
    private static final class BoundedOutput extends ByteArrayOutputStream {
        private final int max;

        BoundedOutput(int max) {
            this.max = max;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (count + len > max) {
                throw new ReplyTooLarge();
            }
            super.write(b, off, len);
        }

        @Override
        public void write(int b) {
            if (count + 1 > max) {
                throw new ReplyTooLarge();
            }
            super.write(b);
        }

        @Override
        public void writeBytes(byte[] b) {
            write(b, 0, b.length);
        }

        @Override
        public void close() throws IOException {
            // The buffer stays readable after WASI closes its descriptors.
        }
    }
}
