package io.natrix.nex.workload;

import java.util.Map;

/**
 * What a running workload needs from its node: the feeds for its output and events, and a way to say it ended.
 * Implementations are thread-safe: workloads call from their own threads.
 */
public interface WorkloadHost {

    /** The id of the node running the workload. */
    String nodeId();

    /** One line of output ({@code stream} is {@code stdout} or {@code stderr}). */
    void log(Workload workload, String stream, String line);

    /** One event about the workload ({@link io.natrix.nex.api.NexEvent}'s types). */
    void event(Workload workload, String type, Map<String, Object> data);

    /** The workload is over (finished, failed for good, or stopped); the node forgets it. */
    void ended(Workload workload);
}
