package io.natrix.nex.api;

/** {@code LAMEDUCK}'s request: how long to wait (a Go duration such as {@code 2m}) before stopping workloads. */
public record LameduckRequest(String delay) {
}
