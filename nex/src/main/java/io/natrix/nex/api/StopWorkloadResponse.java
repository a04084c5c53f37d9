package io.natrix.nex.api;

/** {@code UNDEPLOY}'s answer. */
public record StopWorkloadResponse(String id, boolean stopped, String message, String workloadType) {
}
