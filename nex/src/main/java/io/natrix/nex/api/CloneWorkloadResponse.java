package io.natrix.nex.api;

/** {@code CLONE}'s answer: the definition the workload was started with, to deploy again elsewhere. */
public record CloneWorkloadResponse(StartWorkloadRequest startWorkloadRequest) {
}
