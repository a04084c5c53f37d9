package io.natrix.nex.api;

import java.util.Map;

/** {@code PING}'s request: only nodes whose tags hold every filter entry answer. */
public record PingRequest(Map<String, String> filter) {

    public PingRequest {
        filter = filter == null ? Map.of() : Map.copyOf(filter);
    }
}
