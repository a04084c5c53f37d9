package io.natrix.nex.cli;

import com.fasterxml.jackson.databind.JavaType;
import io.natrix.cli.CliException;
import io.natrix.cli.support.ScatterGather;
import io.natrix.nex.api.AuctionBid;
import io.natrix.nex.api.AuctionRequest;
import io.natrix.nex.api.CloneWorkloadRequest;
import io.natrix.nex.api.CloneWorkloadResponse;
import io.natrix.nex.api.LameduckRequest;
import io.natrix.nex.api.LameduckResponse;
import io.natrix.nex.api.NexSubjects;
import io.natrix.nex.api.NodeInfo;
import io.natrix.nex.api.NodePing;
import io.natrix.nex.api.PingRequest;
import io.natrix.nex.api.StartWorkloadRequest;
import io.natrix.nex.api.StartWorkloadResponse;
import io.natrix.nex.api.StopWorkloadRequest;
import io.natrix.nex.api.StopWorkloadResponse;
import io.natrix.nex.api.WireJson;
import io.natrix.nex.api.WorkloadSummary;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.NUID;
import io.nats.client.impl.Headers;
import io.nats.service.ServiceMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The client side of the Nex control API ({@link NexSubjects}): what the {@code natrix nex} commands (and any Java
 * program, such as a workload that deploys others) call. Broadcast requests gather every answer that arrives
 * within the timeout, returning early once answers stop coming for {@link #GATHER_IDLE}. A node's error reply
 * becomes a {@link CliException} with its text.
 *
 * <p>Thread-safe as far as the connection is; holds no state of its own beyond its settings.
 */
public final class NexClient {

    /** Once answers have started, a pause this long ends the gathering. */
    static final Duration GATHER_IDLE = Duration.ofMillis(300);

    /**
     * The least time a deploy is given: the node fetches the artifact and loads the code before it answers, which
     * takes longer than a ping (the first JavaScript deploy starts the engine).
     */
    static final Duration DEPLOY_TIMEOUT_MIN = Duration.ofSeconds(30);

    /** The most answers one broadcast gathers. */
    static final int GATHER_MAX = 10_000;

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final Connection connection;
    private final String namespace;
    private final Duration timeout;

    public NexClient(Connection connection, String namespace, Duration timeout) {
        this.connection = connection;
        this.namespace = namespace;
        this.timeout = timeout;
    }

    public String namespace() {
        return namespace;
    }

    public List<NodePing> ping(Map<String, String> filter) {
        return gather(NexSubjects.control(namespace, NexSubjects.PING), new PingRequest(filter), NodePing.class);
    }

    public NodeInfo info(String nodeId) {
        return request(NexSubjects.control(namespace, NexSubjects.INFO, nodeId), Map.of(), NodeInfo.class,
                "node " + nodeId);
    }

    public List<AuctionBid> auction(AuctionRequest request) {
        return gather(NexSubjects.control(namespace, NexSubjects.AUCTION), request, AuctionBid.class);
    }

    public StartWorkloadResponse deploy(String bidderId, StartWorkloadRequest request) {
        Duration wait = timeout.compareTo(DEPLOY_TIMEOUT_MIN) > 0 ? timeout : DEPLOY_TIMEOUT_MIN;
        return request(NexSubjects.control(namespace, NexSubjects.ADEPLOY, bidderId), request,
                StartWorkloadResponse.class, "node " + bidderId, wait);
    }

    public StopWorkloadResponse stop(String workloadId) {
        return request(NexSubjects.control(namespace, NexSubjects.UNDEPLOY, workloadId),
                new StopWorkloadRequest(namespace), StopWorkloadResponse.class, "workload " + workloadId);
    }

    /** The definition of a running workload, from the node that runs it. */
    public StartWorkloadRequest definitionOf(String workloadId) {
        return request(NexSubjects.control(namespace, NexSubjects.CLONE, workloadId),
                new CloneWorkloadRequest(namespace), CloneWorkloadResponse.class, "workload " + workloadId)
                .startWorkloadRequest();
    }

    /**
     * Deploys {@code request} to a node picked at random among the bidders of an auction for its type and
     * lifecycle, restricted to nodes with {@code tags}.
     */
    public StartWorkloadResponse deployByAuction(StartWorkloadRequest request, Map<String, String> tags) {
        List<AuctionBid> bids = auction(new AuctionRequest(NUID.nextGlobal(), request.workloadType(),
                request.workloadLifecycle(), tags));
        if (bids.isEmpty()) {
            StringBuilder tagText = new StringBuilder();
            new java.util.TreeMap<>(tags).forEach((k, v) -> tagText.append(tagText.isEmpty() ? "" : ", ")
                    .append(k).append('=').append(v));
            throw new CliException("no node in namespace " + namespace + " bid for a " + request.workloadType()
                    + " workload" + (tags.isEmpty() ? "" : " with tags " + tagText));
        }
        return deploy(bids.get(RANDOM.nextInt(bids.size())).bidderId(), request);
    }

    /** Every workload in the namespace, from every node that answers. */
    public List<WorkloadSummary> workloads() {
        JavaType listType = WireJson.MAPPER.getTypeFactory().constructCollectionType(List.class, WorkloadSummary.class);
        List<WorkloadSummary> all = new ArrayList<>();
        for (byte[] reply : gatherRaw(NexSubjects.control(namespace, NexSubjects.WPING), new byte[0])) {
            try {
                List<WorkloadSummary> some = WireJson.MAPPER.readValue(reply, listType);
                all.addAll(some);
            } catch (IOException e) {
                throw new CliException("invalid WPING reply: " + e.getMessage(), e);
            }
        }
        return all;
    }

    public LameduckResponse lameduck(String nodeId, String delay) {
        return request(NexSubjects.control(namespace, NexSubjects.LAMEDUCK, nodeId), new LameduckRequest(delay),
                LameduckResponse.class, "node " + nodeId);
    }

    private <T> T request(String subject, Object body, Class<T> type, String target) {
        return request(subject, body, type, target, timeout);
    }

    private <T> T request(String subject, Object body, Class<T> type, String target, Duration timeout) {
        Message reply;
        try {
            reply = connection.request(subject, WireJson.encode(body), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
        if (reply == null || reply.isStatusMessage()) {
            throw new CliException("no reply from " + target + " in namespace " + namespace + " within "
                    + timeout.toMillis() + " ms");
        }
        checkError(reply);
        return decode(reply.getData(), type);
    }

    private <T> List<T> gather(String subject, Object body, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (byte[] reply : gatherRaw(subject, WireJson.encode(body))) {
            out.add(decode(reply, type));
        }
        return out;
    }

    private List<byte[]> gatherRaw(String subject, byte[] body) {
        List<byte[]> replies = new ArrayList<>();
        try {
            ScatterGather.stream(connection, subject, body, 0, timeout, GATHER_IDLE, r -> {
                checkError(r.headers());
                replies.add(r.data());
                return replies.size() < GATHER_MAX;
            });
        } catch (ScatterGather.NoResponders e) {
            // no node listens in this namespace: no answers
        }
        return replies;
    }

    private static void checkError(Message m) {
        checkError(m.getHeaders());
    }

    private static void checkError(Headers h) {
        if (h != null && h.getFirst(ServiceMessage.NATS_SERVICE_ERROR) != null) {
            throw new CliException(h.getFirst(ServiceMessage.NATS_SERVICE_ERROR));
        }
    }

    private static <T> T decode(byte[] data, Class<T> type) {
        try {
            return WireJson.decode(data, type);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), e);
        }
    }
}
