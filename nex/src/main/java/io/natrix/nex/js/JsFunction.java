package io.natrix.nex.js;

import io.natrix.nex.workload.FunctionException;
import io.natrix.nex.workload.FunctionRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

/**
 * One JavaScript function in GraalJS, as Nex v0 runs them: the file is a JavaScript expression giving
 * {@code (subject, payload) => result}, where payload is a {@code Uint8Array}; the result is JSON-encoded as the
 * reply ({@code undefined} gives an empty reply). The global {@code hostServices} (see {@code prelude.js}) is set
 * before the file runs, so a top-level arrow function reaches it as {@code this.hostServices}; {@code console.log}
 * goes to the workload's stdout feed.
 *
 * <p>A call that runs past the time limit, or allocates past its memory budget, is interrupted by a watchdog; if
 * the engine cannot interrupt it in time the context is cancelled and rebuilt for the next call. Host access is limited to {@link JsHost}'s exported
 * methods: no Java classes, files, threads or processes.
 *
 * <p>Thread-safety: {@link #call} must be called by one thread at a time (JavaScript contexts are
 * single-threaded); {@link #close} may be called from any thread and cancels a running call.
 */
public final class JsFunction implements FunctionRuntime {

    /** How long an interrupted call may take to notice before its context is cancelled. */
    private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(1);

    private static final HostAccess HOST_ACCESS = HostAccess.newBuilder()
            .allowAccessAnnotatedBy(HostAccess.Export.class)
            .build();

    /** How often the watchdog looks at a running call's time and allocation. */
    private static final long WATCHDOG_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** Per-thread allocation counts, where the JVM offers them (HotSpot does). */
    private static final com.sun.management.ThreadMXBean ALLOCATION = allocationCounter();

    private static com.sun.management.ThreadMXBean allocationCounter() {
        if (java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
                && mx.isThreadAllocatedMemorySupported()) {
            mx.setThreadAllocatedMemoryEnabled(true);
            return mx;
        }
        return null;
    }

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nex-js-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final Source source;
    private final JsHost host;
    private final Duration timeLimit;
    private final long allocationLimitBytes;
    private final OutputStream out;
    private final OutputStream err;
    private volatile Context context;
    private Value function;
    private Value invoker;
    private volatile boolean closed;

    private JsFunction(Source source, HostServices services, Duration timeLimit, long allocationLimitBytes,
                       OutputStream out, OutputStream err) {
        this.allocationLimitBytes = allocationLimitBytes;
        this.source = source;
        this.host = new JsHost(services);
        this.timeLimit = timeLimit;
        this.out = out;
        this.err = err;
    }

    /**
     * Loads a function: runs the prelude and the file, and checks that the file gave a function. A syntax error,
     * an exception while loading, or a file that is not a function is a {@link FunctionException}.
     */
    public static JsFunction load(String code, String fileName, HostServices services, Duration timeLimit,
                                  OutputStream out, OutputStream err) throws FunctionException {
        return load(code, fileName, services, timeLimit, 0, out, err);
    }

    /**
     * Loads a function with a memory budget: a call that allocates more than {@code allocationLimitBytes} (0: no
     * budget) is interrupted like one that runs too long. GraalJS's community edition has no per-context heap
     * limit, so the budget counts what the calling thread allocates during the call (garbage included), as the
     * JVM reports it.
     */
    public static JsFunction load(String code, String fileName, HostServices services, Duration timeLimit,
                                  long allocationLimitBytes, OutputStream out, OutputStream err)
            throws FunctionException {
        JsFunction fn = new JsFunction(Source.newBuilder("js", code, fileName).buildLiteral(), services, timeLimit,
                allocationLimitBytes, out, err);
        fn.open();
        return fn;
    }

    /**
     * Builds the shared engine and runs the prelude once in a throw-away context, so that the first deploy does
     * not pay GraalJS's start-up (seconds on a busy machine). Nodes that run JavaScript call it at start, on a
     * background thread.
     */
    public static void prewarm() throws FunctionException {
        load("(subject, payload) => null", "prewarm.js", null, Duration.ofSeconds(30), OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream()).close();
    }

    /**
     * Runs the function once. Returns the reply bytes (the result as JSON), or an empty array when it returned
     * {@code undefined}.
     */
    @Override
    public byte[] call(String subject, byte[] payload) throws FunctionException {
        if (closed) {
            throw new FunctionException("function is stopped");
        }
        if (context == null) {
            open();
        }
        Context running = context;
        long thread = Thread.currentThread().threadId();
        long allocatedAtStart = allocatedBytes(thread);
        long deadline = System.nanoTime() + timeLimit.toNanos();
        java.util.concurrent.atomic.AtomicReference<String> stopped = new java.util.concurrent.atomic.AtomicReference<>();
        ScheduledFuture<?> watchdog = WATCHDOG.scheduleAtFixedRate(() -> {
            if (stopped.get() != null) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                stopped.set("function exceeded its time limit of " + timeLimit.toMillis() + " ms");
                interrupt(running);
            } else if (allocationLimitBytes > 0 && allocatedAtStart >= 0
                    && allocatedBytes(thread) - allocatedAtStart > allocationLimitBytes) {
                stopped.set("function exceeded its memory budget of " + allocationLimitBytes / (1024 * 1024)
                        + " MiB allocated in one call");
                interrupt(running);
            }
        }, WATCHDOG_PERIOD_NANOS, WATCHDOG_PERIOD_NANOS, TimeUnit.NANOSECONDS);
        try {
            Value result = invoker.execute(function, subject, new ByteArrayProxy(payload));
            return result.isNull() ? new byte[0] : result.asString().getBytes(StandardCharsets.UTF_8);
        } catch (PolyglotException e) {
            if (e.isInterrupted() || e.isCancelled() || e.isResourceExhausted()) {
                if (e.isCancelled()) {
                    context = null;
                }
                throw new FunctionException(closed ? "function is stopped"
                        : e.isResourceExhausted() ? "function exhausted its resources: " + e.getMessage()
                        : stopped.get() != null ? stopped.get()
                        : "function exceeded its time limit of " + timeLimit.toMillis() + " ms");
            }
            throw new FunctionException("function failed: " + describe(e), e);
        } finally {
            watchdog.cancel(false);
        }
    }

    /** Bytes the thread has allocated so far, or -1 where the JVM cannot tell. */
    private static long allocatedBytes(long thread) {
        return ALLOCATION != null ? ALLOCATION.getThreadAllocatedBytes(thread) : -1;
    }

    private void interrupt(Context running) {
        try {
            running.interrupt(INTERRUPT_GRACE);
        } catch (TimeoutException | RuntimeException e) {
            // Could not stop it politely: cancel the context; the next call builds a new one.
            running.close(true);
        }
    }

    private void open() throws FunctionException {
        Context c = Context.newBuilder("js")
                .engine(Engines.shared())
                .allowHostAccess(HOST_ACCESS)
                .allowHostClassLookup(name -> false)
                .allowIO(org.graalvm.polyglot.io.IOAccess.NONE)
                .allowCreateThread(false)
                .allowCreateProcess(false)
                .allowNativeAccess(false)
                .out(out)
                .err(err)
                .build();
        try {
            Value api = c.eval(Prelude.SOURCE).execute(host);
            Value fn = c.eval(source);
            if (!fn.canExecute()) {
                throw new FunctionException("the script must evaluate to a function (subject, payload) => result, "
                        + "not " + describe(fn));
            }
            this.invoker = api.getMember("invoke");
            this.function = fn;
            this.context = c;
            warmUp(c);
        } catch (PolyglotException e) {
            c.close(true);
            if (e.isSyntaxError()) {
                throw new FunctionException("JavaScript syntax error: " + describe(e), e);
            }
            throw new FunctionException("JavaScript failed while loading: " + describe(e), e);
        } catch (FunctionException | RuntimeException e) {
            c.close(true);
            throw e;
        }
    }

    /** The guest's message, first line only: replies and headers carry one line (GraalJS adds a source excerpt). */
    /**
     * Runs the prelude's paths once (bytes in, UTF-8 decoding, JSON both ways) on a throw-away function, so the
     * first trigger does not pay the interpreter's first-run costs against its time limit. The user's function
     * is not called: it may have effects.
     */
    private void warmUp(Context c) {
        Value probe = c.eval("js", "(s, p) => JSON.parse(new TextDecoder().decode(p)).length"
                + " + new TextEncoder().encode(s).length");
        invoker.execute(probe, "warm.up", new ByteArrayProxy("[1,2,3]".getBytes(StandardCharsets.UTF_8)));
    }

    private static String describe(PolyglotException e) {
        String message = e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }

    private static String describe(Value v) {
        try {
            return v.isNull() ? "undefined" : v.toString();
        } catch (RuntimeException e) {
            return "a value";
        }
    }

    @Override
    public void close() {
        closed = true;
        Context c = context;
        context = null;
        if (c != null) {
            c.close(true);
        }
    }

    /** The one GraalJS engine all functions share (it caches parsed code); built on first use. */
    static final class Engines {
        private Engines() {
        }

        private static final class Holder {
            static final Engine ENGINE = Engine.newBuilder("js")
                    .option("engine.WarnInterpreterOnly", "false")
                    .build();
        }

        static Engine shared() {
            return Holder.ENGINE;
        }
    }

    /** The prelude's source, read once from the class path. */
    static final class Prelude {
        private Prelude() {
        }

        static final Source SOURCE = load();

        private static Source load() {
            try (InputStream in = JsFunction.class.getResourceAsStream("prelude.js")) {
                if (in == null) {
                    throw new IllegalStateException("prelude.js is missing from the class path");
                }
                return Source.newBuilder("js", new String(in.readAllBytes(), StandardCharsets.UTF_8), "nex-prelude.js")
                        .buildLiteral();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
