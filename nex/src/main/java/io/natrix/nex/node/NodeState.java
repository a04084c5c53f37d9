package io.natrix.nex.node;

import io.natrix.nex.api.StartWorkloadRequest;
import io.natrix.nex.api.WireJson;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node's record of its workloads ({@code --state kv}): KV bucket {@code nex-<nodeId>}, key = workload id,
 * value = the (normalized) {@link StartWorkloadRequest} as JSON. A workload is recorded when it starts and
 * forgotten when it ends on its own or is stopped; a node that shuts down keeps the records, and the next node
 * with the same identity ({@code node_seed}) starts them again under the same ids.
 *
 * <p>Thread-safe: jnats' KV handle is.
 */
final class NodeState {

    private final KeyValue kv;

    private NodeState(KeyValue kv) {
        this.kv = kv;
    }

    /** Opens (creating if needed) the state bucket of node {@code nodeId}. */
    static NodeState open(Connection connection, String nodeId) throws IOException, JetStreamApiException {
        String bucket = "nex-" + nodeId;
        if (!connection.keyValueManagement().getBucketNames().contains(bucket)) {
            try {
                connection.keyValueManagement().create(KeyValueConfiguration.builder().name(bucket)
                        .description("Natrix Nex node " + nodeId + ": its workloads").build());
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != 10058) { // created meanwhile
                    throw e;
                }
            }
        }
        return new NodeState(connection.keyValue(bucket));
    }

    void record(String workloadId, StartWorkloadRequest request) throws IOException, JetStreamApiException {
        kv.put(workloadId, WireJson.encode(request));
    }

    void forget(String workloadId) throws IOException, JetStreamApiException {
        kv.delete(workloadId);
    }

    /** Every recorded workload, by id. An entry that does not decode is skipped (and reported by the caller). */
    Map<String, byte[]> recorded() throws IOException, JetStreamApiException, InterruptedException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String key : kv.keys()) {
            KeyValueEntry entry = kv.get(key);
            if (entry != null && entry.getValue() != null) {
                out.put(key, entry.getValue());
            }
        }
        return out;
    }
}
