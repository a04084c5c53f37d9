package io.natrix.nex.workload;

import io.natrix.nex.api.StartWorkloadRequest;
import io.natrix.nex.api.WorkloadSummary;
import java.time.Instant;
import java.util.Map;

/**
 * One deployed workload on a node: its id, its definition, its state. Subclasses run a type of workload
 * ({@link NativeWorkload}, {@link FunctionWorkload}); {@link #start} fails with a {@link WorkloadException} that
 * the deploy reply carries, and {@link #stop} returns once the workload is gone.
 *
 * <p>Thread-safe: state changes happen under this object's lock.
 */
public abstract class Workload {

    private final String id;
    private final StartWorkloadRequest spec;
    protected final WorkloadHost host;
    private final Instant startTime = Instant.now();
    private WorkloadState state = WorkloadState.STARTING;

    protected Workload(String id, StartWorkloadRequest spec, WorkloadHost host) {
        this.id = id;
        this.spec = spec;
        this.host = host;
    }

    public final String id() {
        return id;
    }

    public final StartWorkloadRequest spec() {
        return spec;
    }

    public final String name() {
        return spec.name();
    }

    public final String namespace() {
        return spec.namespace();
    }

    public final synchronized WorkloadState state() {
        return state;
    }

    protected final synchronized void state(WorkloadState next) {
        this.state = next;
    }

    /** Starts the workload; throws when it cannot run at all (the deploy then fails). */
    public abstract void start() throws WorkloadException;

    /** Stops the workload and waits until it is gone (bounded by the node's grace period). */
    public abstract void stop();

    /** How often it was restarted after failing. */
    public int restarts() {
        return 0;
    }

    /** Emits an event about this workload. */
    protected final void event(String type, Map<String, Object> data) {
        host.event(this, type, data);
    }

    /** This workload as listings show it. */
    public WorkloadSummary summary() {
        return new WorkloadSummary(id, spec.name(), spec.namespace(), host.nodeId(), startTime.toString(),
                spec.workloadType(), spec.workloadLifecycle(), state().wire(), restarts(), spec.triggerSubjects(),
                spec.tags(), spec.uri());
    }
}
