package io.natrix.nex.api;

import java.util.Map;

/** A node's answer to {@code PING}. Times are RFC 3339 strings. */
public record NodePing(String nodeId, String nodeName, String nexus, String version, String startTime, String state,
                       Map<String, String> tags, int workloadCount) {
}
