package io.natrix.nex.api;

/** {@code LAMEDUCK}'s answer. */
public record LameduckResponse(boolean success, String message) {
}
