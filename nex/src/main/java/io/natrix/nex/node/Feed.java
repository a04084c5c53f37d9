package io.natrix.nex.node;

import io.natrix.nex.api.NexEvent;
import io.natrix.nex.api.NexSubjects;
import io.natrix.nex.api.WireJson;
import io.nats.client.Connection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Publishes a node's events ({@code $NEX.FEED.<ns>.events.<TYPE>}, JSON {@link NexEvent}) and its workloads'
 * output ({@code $NEX.FEED.<ns>.logs.<wid>.stdout|stderr}, one raw line per message). Publishing is
 * fire-and-forget: nobody listening costs nothing. Thread-safe (jnats publishes are).
 */
final class Feed {

    private final Connection connection;
    private final String nodeId;

    Feed(Connection connection, String nodeId) {
        this.connection = connection;
        this.nodeId = nodeId;
    }

    void event(String namespace, String type, String workloadId, String workloadName, Map<String, Object> data) {
        NexEvent event = new NexEvent(type, nodeId, namespace, workloadId, workloadName, Instant.now().toString(),
                data);
        if (!connection.getStatus().equals(Connection.Status.CLOSED)) {
            connection.publish(NexSubjects.event(namespace, type), WireJson.encode(event));
        }
    }

    void log(String namespace, String workloadId, String stream, String line) {
        if (!connection.getStatus().equals(Connection.Status.CLOSED)) {
            connection.publish(NexSubjects.log(namespace, workloadId, stream), line.getBytes(StandardCharsets.UTF_8));
        }
    }
}
