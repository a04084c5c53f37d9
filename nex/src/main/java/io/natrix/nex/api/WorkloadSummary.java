package io.natrix.nex.api;

import java.util.List;
import java.util.Map;

/** One workload as {@code WPING} and {@code INFO} describe it. */
public record WorkloadSummary(String id, String name, String namespace, String nodeId, String startTime,
                              String workloadType, String workloadLifecycle, String workloadState, int restarts,
                              List<String> triggerSubjects, Map<String, String> tags, String uri) {
}
