package io.natrix.nex.api;

import java.util.Map;

/**
 * One event on {@code $NEX.FEED.<ns>.events.<type>}. Types: {@code NODESTARTED}, {@code NODESTOPPED},
 * {@code HEARTBEAT}, {@code LAMEDUCKSET}, {@code WORKLOADSTARTED}, {@code WORKLOADRESTARTED},
 * {@code WORKLOADSTOPPED} (data: {@code reason} finished|stopped|failed, {@code exit_code}, {@code error}),
 * {@code FUNCTIONTRIGGERED} (data: {@code subject}, {@code duration_ns}) and {@code FUNCTIONFAILED} (plus
 * {@code error}).
 */
public record NexEvent(String type, String nodeId, String namespace, String workloadId, String workloadName,
                       String time, Map<String, Object> data) {

    public static final String NODE_STARTED = "NODESTARTED";
    public static final String NODE_STOPPED = "NODESTOPPED";
    public static final String HEARTBEAT = "HEARTBEAT";
    public static final String LAMEDUCK_SET = "LAMEDUCKSET";
    public static final String WORKLOAD_STARTED = "WORKLOADSTARTED";
    public static final String WORKLOAD_RESTARTED = "WORKLOADRESTARTED";
    public static final String WORKLOAD_STOPPED = "WORKLOADSTOPPED";
    public static final String FUNCTION_TRIGGERED = "FUNCTIONTRIGGERED";
    public static final String FUNCTION_FAILED = "FUNCTIONFAILED";

    public NexEvent {
        data = data == null ? Map.of() : data;
    }
}
