package io.natrix.nex.api;

import java.util.List;
import java.util.Map;

/** A node's answer to {@code INFO}: who it is, what it runs and what it is running. */
public record NodeInfo(String nodeId, String nodeName, String nexus, String version, String startTime,
                       long uptimeSeconds, String state, Map<String, String> tags, List<String> workloadTypes,
                       List<WorkloadSummary> workloads) {
}
