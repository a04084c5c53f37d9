package io.natrix.nex.api;

/** {@code UNDEPLOY}'s request: the namespace the caller believes the workload is in (checked). */
public record StopWorkloadRequest(String namespace) {
}
