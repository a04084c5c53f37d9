package io.natrix.nex.api;

/** {@code CLONE}'s request: the namespace the caller believes the workload is in (checked). */
public record CloneWorkloadRequest(String namespace) {
}
