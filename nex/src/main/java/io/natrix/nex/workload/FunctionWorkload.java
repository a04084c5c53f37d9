package io.natrix.nex.workload;

import io.natrix.nex.api.Names;
import io.natrix.nex.api.NexEvent;
import io.natrix.nex.api.StartWorkloadRequest;
import io.natrix.nex.api.WireJson;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A function (JavaScript, Nex v0's {@code v8} type, run by GraalJS; or a WebAssembly WASI command run by
 * Chicory): loaded once at deploy time (a syntax error or invalid module fails the deploy), then run once per
 * message on each trigger subject. Each trigger is a queue
 * subscription named after the subject, so copies of a function on several nodes share the load.
 *
 * <p>Replies: the function's result as JSON, with headers {@code workload_id}, {@code namespace} and
 * {@code x-nex-runtime-ns}. A function that throws or runs past its time limit gets the reply
 * {@code {"error":"..."}} with the same text in the {@code error} header, and a {@code FUNCTIONFAILED} event;
 * the function stays deployed. A message without a reply subject runs the function and gets no answer.
 *
 * <p>Thread-safety: calls run one at a time on the workload's own thread, queued up to {@link #QUEUE_MAX}
 * (beyond that a request is answered "busy" at once); the subscriptions' dispatcher only hands messages over.
 */
public final class FunctionWorkload extends Workload {

    /** Trigger messages waiting for the function; more are refused with a "busy" reply. */
    public static final int QUEUE_MAX = 1024;

    private final Connection triggers;
    private final FunctionRuntime.Loader loader;
    private final ThreadPoolExecutor runner;
    private FunctionRuntime function;
    private Dispatcher dispatcher;

    public FunctionWorkload(String id, StartWorkloadRequest spec, WorkloadHost host, Connection triggers,
                            FunctionRuntime.Loader loader) {
        super(id, spec, host);
        this.triggers = triggers;
        this.loader = loader;
        this.runner = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_MAX),
                r -> Thread.ofPlatform().daemon().name("nex-fn-" + id).unstarted(r));
    }

    @Override
    public void start() throws WorkloadException {
        try {
            function = loader.load(new LineSink(line -> host.log(this, "stdout", line)),
                    new LineSink(line -> host.log(this, "stderr", line)));
        } catch (FunctionException e) {
            state(WorkloadState.ERROR);
            throw new WorkloadException(e.getMessage(), e);
        }
        dispatcher = triggers.createDispatcher(this::accept);
        for (String subject : spec().triggerSubjects()) {
            dispatcher.subscribe(subject, subject);
        }
        state(WorkloadState.WARM);
    }

    private void accept(Message message) {
        try {
            runner.execute(() -> run(message));
        } catch (RejectedExecutionException e) {
            fail(message, "function is busy: " + QUEUE_MAX + " calls are waiting", 0);
        }
    }

    private void run(Message message) {
        long start = System.nanoTime();
        byte[] result;
        state(WorkloadState.RUNNING);
        try {
            result = function.call(message.getSubject(), message.getData() == null ? new byte[0] : message.getData());
        } catch (FunctionException e) {
            fail(message, e.getMessage(), System.nanoTime() - start);
            return;
        } finally {
            if (state() == WorkloadState.RUNNING) {
                state(WorkloadState.WARM);
            }
        }
        long elapsed = System.nanoTime() - start;
        if (message.getReplyTo() != null) {
            triggers.publish(message.getReplyTo(), headers(elapsed), result);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("subject", message.getSubject());
        data.put("duration_ns", elapsed);
        event(NexEvent.FUNCTION_TRIGGERED, data);
    }

    private void fail(Message message, String failure, long elapsed) {
        String error = Names.oneLine(failure);
        if (message.getReplyTo() != null) {
            Headers h = headers(elapsed).put("error", error);
            Map<String, String> body = Map.of("error", error);
            triggers.publish(message.getReplyTo(), h, WireJson.encode(body));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("subject", message.getSubject());
        data.put("duration_ns", elapsed);
        data.put("error", error);
        event(NexEvent.FUNCTION_FAILED, data);
    }

    private Headers headers(long elapsedNanos) {
        return new Headers()
                .put("workload_id", id())
                .put("namespace", namespace())
                .put("x-nex-runtime-ns", Long.toString(elapsedNanos));
    }

    @Override
    public void stop() {
        state(WorkloadState.STOPPING);
        if (dispatcher != null) {
            triggers.closeDispatcher(dispatcher);
        }
        runner.shutdownNow();
        if (function != null) {
            function.close();
        }
        try {
            runner.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        state(WorkloadState.STOPPED);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reason", "stopped");
        event(NexEvent.WORKLOAD_STOPPED, data);
        host.ended(this);
    }
}
