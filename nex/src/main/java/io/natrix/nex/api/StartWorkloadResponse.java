package io.natrix.nex.api;

/** {@code ADEPLOY}'s answer: the new workload's id and name, and the node that runs it. */
public record StartWorkloadResponse(String id, String name, String nodeId) {
}
