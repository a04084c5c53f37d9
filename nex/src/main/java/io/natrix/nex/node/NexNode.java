package io.natrix.nex.node;

import io.natrix.nex.api.AuctionBid;
import io.natrix.nex.api.AuctionRequest;
import io.natrix.nex.api.CloneWorkloadResponse;
import io.natrix.nex.api.LameduckResponse;
import io.natrix.nex.api.Names;
import io.natrix.nex.api.NexEvent;
import io.natrix.nex.api.NodeInfo;
import io.natrix.nex.api.NodePing;
import io.natrix.nex.api.PingRequest;
import io.natrix.nex.api.StartWorkloadRequest;
import io.natrix.nex.api.StartWorkloadResponse;
import io.natrix.nex.api.StopWorkloadResponse;
import io.natrix.nex.api.WorkloadSummary;
import io.natrix.nex.api.WorkloadTypes;
import io.natrix.nex.artifact.Platform;
import io.natrix.nex.js.JsFunction;
import io.natrix.nex.workload.FunctionException;
import io.natrix.nex.workload.FunctionWorkload;
import io.natrix.nex.workload.NativeWorkload;
import io.natrix.nex.workload.Workload;
import io.natrix.nex.workload.WorkloadException;
import io.natrix.nex.workload.WorkloadHost;
import io.natrix.nex.api.WireJson;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.NKey;
import io.nats.client.NUID;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Nex node: it answers the control API of its namespace and {@code system} ({@link ControlService}), bids in
 * auctions for the workload types it accepts, checks deploy requests ({@link DeployChecks}), has them fetched and
 * built ({@link WorkloadFactory}: {@link NativeWorkload}, {@link FunctionWorkload}), keeps the running ones, and
 * publishes events, heartbeats and workload logs ({@link Feed}); with {@code --state kv} it records them
 * ({@link NodeState}). Its identity is a server nkey ({@code N...}); a {@code node_seed} keeps it across restarts.
 *
 * <p>Lameduck is one-way: the node stops bidding and deploying, and after the delay stops its workloads and
 * itself ({@link #terminated()} completes). The node does not own the connections it is given.
 *
 * <p>Thread-safety: workloads live in a concurrent map; deploy, undeploy and the lifecycle run on the control
 * service's threads and the workloads' own; the node state is guarded by this object's lock.
 */
public final class NexNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NexNode.class);

    /** The administrators' namespace: its control requests see and may act on every namespace. */
    public static final String SYSTEM_NAMESPACE = "system";

    /** The version nodes report. */
    public static final String VERSION = "0.1.0";

    private final NodeConfig config;
    private final Connection control;
    private final String id;
    private final Map<String, String> tags;
    private final Instant startTime = Instant.now();
    private final Feed feed;
    private final DeployChecks checks;
    private final Map<String, Workload> workloads = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final ControlService service;
    private final NodeState records;
    private final WorkloadFactory factory;
    private String state = "running";

    private NexNode(NodeConfig config, Connection control, Connection hostServices, String id, NodeState records) {
        this.config = config;
        this.control = control;
        this.id = id;
        Map<String, String> t = new LinkedHashMap<>(config.tags());
        t.put("nex.os", Platform.os());
        t.put("nex.arch", Platform.arch());
        t.put("nex.cpucount", Integer.toString(Runtime.getRuntime().availableProcessors()));
        t.put("nex.unsafe", "true"); // workloads run unsandboxed: say so
        t.put("node_name", config.nodeName());
        this.tags = Map.copyOf(t);
        this.feed = new Feed(control, id);
        this.checks = new DeployChecks(config, id);
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("nex-node-timer").unstarted(r));
        this.service = new ControlService(this, control);
        this.records = records;
        this.factory = new WorkloadFactory(config, hostServices, config.issuerAccount() == null ? null
                : WorkloadCredentials.of(config.issuerAccount(), config.issuerSeed()), host);
    }

    /**
     * Starts a node: its control service on {@code control}, host services and triggers on
     * {@code hostServices} (may be the same connection).
     */
    public static NexNode start(NodeConfig config, Connection control, Connection hostServices) {
        String id = identity(config.nodeSeed());
        NodeState records = null;
        if (config.stateKv()) {
            try {
                records = NodeState.open(control, id);
            } catch (IOException | JetStreamApiException e) {
                throw new IllegalStateException("could not open the node's state bucket nex-" + id + ": "
                        + e.getMessage(), e);
            }
        }
        NexNode node = new NexNode(config, control, hostServices, id, records);
        if (config.workloadTypes().contains(WorkloadTypes.JAVASCRIPT)) {
            Thread.ofPlatform().daemon().name("nex-js-prewarm").start(NexNode::prewarmJavaScript);
        }
        node.service.start();
        node.event(config.namespace(), NexEvent.NODE_STARTED, null, null, Map.of("version", VERSION,
                "nexus", config.nexus(), "node_name", config.nodeName()));
        if (records != null) {
            node.restore();
        }
        node.autostart();
        long every = config.heartbeatInterval().toMillis();
        node.timers.scheduleAtFixedRate(node::heartbeat, every, every, TimeUnit.MILLISECONDS);
        return node;
    }

    private static void prewarmJavaScript() {
        try {
            JsFunction.prewarm();
        } catch (FunctionException | RuntimeException e) {
            LOG.warn("JavaScript engine failed to start: {}", e.getMessage());
        }
    }

    private static String identity(String seed) {
        try {
            NKey key = seed == null || seed.isBlank() ? NKey.createServer(null) : NKey.fromSeed(seed.toCharArray());
            if (key.getType() != NKey.Type.SERVER) {
                throw new IllegalArgumentException("node_seed must be a server nkey seed (SN...)");
            }
            return new String(key.getPublicKey());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("invalid node_seed: " + e.getMessage(), e);
        }
    }

    /** The node's public nkey. */
    public String id() {
        return id;
    }

    public NodeConfig config() {
        return config;
    }

    /** The node's tags: the configured ones plus {@code nex.os}, {@code nex.arch}, ... */
    public Map<String, String> tags() {
        return tags;
    }

    /** Completes when the node has stopped (after lameduck, or {@link #close}). */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    public synchronized String state() {
        return state;
    }

    /** The workloads running now. */
    public List<Workload> workloads() {
        return workloads.values().stream().sorted(Comparator.comparing(Workload::name)).toList();
    }

    // ---- control API (called by ControlService) ----

    Optional<NodePing> ping(PingRequest request) {
        if (!matches(request.filter())) {
            return Optional.empty();
        }
        return Optional.of(new NodePing(id, config.nodeName(), config.nexus(), VERSION, startTime.toString(), state(),
                tags, workloads.size()));
    }

    NodeInfo info(String controlNamespace) {
        return new NodeInfo(id, config.nodeName(), config.nexus(), VERSION, startTime.toString(),
                Duration.between(startTime, Instant.now()).toSeconds(), state(), tags, config.workloadTypes(),
                summaries(null, controlNamespace));
    }

    Optional<AuctionBid> bid(AuctionRequest request) {
        String type = WorkloadTypes.canonical(request.agentType());
        boolean eligible = "running".equals(state())
                && type != null && config.workloadTypes().contains(type)
                && (request.lifecycle() == null || WorkloadTypes.lifecycles(type).contains(request.lifecycle()))
                && matches(request.tags())
                && workloads.size() < config.limits().maxWorkloads();
        if (!eligible) {
            return Optional.empty();
        }
        return Optional.of(new AuctionBid(id, id, config.nodeName(), config.nexus(), tags,
                WorkloadTypes.lifecycles(type), workloads.size()));
    }

    private boolean matches(Map<String, String> wanted) {
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            if (!e.getValue().equals(tags.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** Checks, fetches and starts a workload; every refusal is a {@link WorkloadException} with a clear text. */
    StartWorkloadResponse deploy(StartWorkloadRequest given, String namespace) throws WorkloadException {
        return deploy(given, namespace, true);
    }

    /**
     * Deploys; {@code record} says whether {@code --state kv} records it (autostart workloads are not recorded:
     * the configuration starts them again anyway).
     */
    private StartWorkloadResponse deploy(StartWorkloadRequest given, String namespace, boolean record)
            throws WorkloadException {
        if (!"running".equals(state())) {
            throw new WorkloadException("node " + id + " is in lameduck mode and takes no new workloads");
        }
        if (workloads.size() >= config.limits().maxWorkloads()) {
            throw new WorkloadException("node " + id + " already runs " + config.limits().maxWorkloads() + " workloads");
        }
        boolean namespaceGiven = given.namespace() != null && !given.namespace().isEmpty();
        String target = namespace;
        if (SYSTEM_NAMESPACE.equals(namespace)) {
            target = namespaceGiven ? given.namespace() : config.namespace();
            try {
                Names.require(target, "namespace");
            } catch (IllegalArgumentException e) {
                throw new WorkloadException(e.getMessage());
            }
        } else if (namespaceGiven && !given.namespace().equals(namespace)) {
            throw new WorkloadException("workload namespace \"" + given.namespace() + "\" does not match the "
                    + "control namespace \"" + namespace + "\"");
        }
        StartWorkloadRequest request = checks.check(given.withNamespace(target));
        String wid = NUID.nextGlobal();
        if (record) {
            remember(wid, request); // before it starts: a job may be over before launch returns
        }
        try {
            return launch(wid, request);
        } catch (WorkloadException | RuntimeException e) {
            forget(wid);
            throw e;
        }
    }

    /** Fetches the artifact and starts the workload under {@code wid}. */
    private StartWorkloadResponse launch(String wid, StartWorkloadRequest request) throws WorkloadException {
        String namespace = request.namespace();
        long bytesInUse;
        try {
            bytesInUse = artifactBytes();
        } catch (IOException e) {
            throw new WorkloadException("could not measure the node's artifacts: " + e.getMessage(), e);
        }
        Workload workload = factory.create(wid, request, bytesInUse);
        Path dir = factory.directory(wid);
        synchronized (this) {
            // Checked again with the put: the node may have closed, or filled up, while the artifact was fetched.
            if (!"running".equals(state) || workloads.size() >= config.limits().maxWorkloads()) {
                WorkloadFactory.deleteTree(dir);
                throw new WorkloadException("running".equals(state)
                        ? "node " + id + " already runs " + config.limits().maxWorkloads() + " workloads"
                        : "node " + id + " is stopping and takes no new workloads");
            }
            workloads.put(wid, workload);
        }
        try {
            workload.start();
        } catch (WorkloadException | RuntimeException e) {
            workloads.remove(wid);
            stopQuietly(workload); // a function may have loaded its code or subscribed before it failed
            WorkloadFactory.deleteTree(dir);
            throw e;
        }
        if ("stopped".equals(state())) {
            // close() ran while it started and may have missed it: a node that is gone runs nothing.
            stopQuietly(workload);
            throw new WorkloadException("node " + id + " stopped while the workload started");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("workload_type", request.workloadType());
        data.put("workload_lifecycle", request.workloadLifecycle());
        event(namespace, NexEvent.WORKLOAD_STARTED, wid, request.name(), data);
        return new StartWorkloadResponse(wid, request.name(), id);
    }


    /** The bytes of the artifacts of the workloads running now (their directories hold one each). */
    private long artifactBytes() throws IOException {
        long sum = 0;
        for (String wid : workloads.keySet()) {
            Path dir = config.dataDir().resolve("workloads").resolve(wid);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        sum += Files.size(f);
                    }
                }
            }
        }
        return sum;
    }

    /** Deploys the configuration's autostart workloads; one that fails is reported as an event and skipped. */
    private void autostart() {
        for (StartWorkloadRequest request : config.autostart()) {
            String ns = request.namespace() == null || request.namespace().isEmpty() ? config.namespace()
                    : request.namespace();
            try {
                deploy(request, ns, false);
            } catch (WorkloadException | RuntimeException e) {
                LOG.warn("autostart of workload {} failed: {}", request.name(), e.getMessage());
                event(config.namespace(), NexEvent.WORKLOAD_STOPPED, null, request.name(),
                        Map.of("reason", "failed", "error", "autostart failed: " + e.getMessage()));
            }
        }
    }



    /** Starts the workloads a previous run of this node recorded ({@code --state kv}), under their old ids. */
    private void restore() {
        Map<String, byte[]> recorded;
        try {
            recorded = records.recorded();
        } catch (IOException | JetStreamApiException | InterruptedException e) {
            LOG.warn("could not read the node's recorded workloads: {}", e.getMessage());
            return;
        }
        for (Map.Entry<String, byte[]> e : recorded.entrySet()) {
            String wid = e.getKey();
            try {
                StartWorkloadRequest request = checks.check(WireJson.decode(e.getValue(), StartWorkloadRequest.class));
                launch(wid, request);
            } catch (WorkloadException | IllegalArgumentException ex) {
                event(config.namespace(), NexEvent.WORKLOAD_STOPPED, wid, null,
                        Map.of("reason", "failed", "error", "could not restart after a node restart: " + ex.getMessage()));
                forget(wid);
            }
        }
    }

    private void remember(String wid, StartWorkloadRequest request) {
        if (records != null) {
            try {
                records.record(wid, request);
            } catch (IOException | JetStreamApiException e) {
                LOG.warn("could not record workload {}: {}", wid, e.getMessage());
            }
        }
    }

    private void forget(String wid) {
        if (records != null) {
            try {
                records.forget(wid);
            } catch (IOException | JetStreamApiException e) {
                LOG.warn("could not forget workload {}: {}", wid, e.getMessage());
            }
        }
    }





    /** Stops a workload of this node; empty when this node does not run it (another node may). */
    Optional<StopWorkloadResponse> undeploy(String wid, String namespace) {
        Workload w = workloads.get(wid);
        if (w == null) {
            return Optional.empty();
        }
        if (!visible(w, namespace)) {
            return Optional.of(new StopWorkloadResponse(wid, false, "workload " + wid + " is not in namespace "
                    + namespace, w.spec().workloadType()));
        }
        w.stop();
        workloads.remove(wid);
        forget(wid);
        return Optional.of(new StopWorkloadResponse(wid, true, "workload " + wid + " stopped",
                w.spec().workloadType()));
    }

    /**
     * The definition of a workload of this node, to deploy again elsewhere; empty when this node does not run it.
     * A caller in another namespace is refused.
     */
    Optional<CloneWorkloadResponse> cloneOf(String wid, String namespace) throws WorkloadException {
        Workload w = workloads.get(wid);
        if (w == null) {
            return Optional.empty();
        }
        if (!visible(w, namespace)) {
            throw new WorkloadException("workload " + wid + " is not in namespace " + namespace);
        }
        return Optional.of(new CloneWorkloadResponse(w.spec()));
    }

    /** The workloads of this node visible in {@code namespace} (all of them for {@code system}), or one by id or name. */
    List<WorkloadSummary> summaries(String wid, String namespace) {
        List<WorkloadSummary> out = new ArrayList<>();
        for (Workload w : workloads()) {
            if (visible(w, namespace) && (wid == null || wid.equals(w.id()) || wid.equals(w.name()))) {
                out.add(w.summary());
            }
        }
        return out;
    }

    /** Whether a control request on {@code namespace} may see and act on {@code w}. */
    private static boolean visible(Workload w, String namespace) {
        return SYSTEM_NAMESPACE.equals(namespace) || w.namespace().equals(namespace);
    }

    /** Enters lameduck: no bids or deploys from now; after {@code delay} the workloads stop and so does the node. */
    LameduckResponse lameduck(Duration delay) {
        synchronized (this) {
            if (!"running".equals(state)) {
                return new LameduckResponse(true, "node " + id + " is already in lameduck mode");
            }
            state = "lameduck";
        }
        event(config.namespace(), NexEvent.LAMEDUCK_SET, null, null, Map.of("delay_ms", delay.toMillis()));
        timers.schedule(this::close, delay.toMillis(), TimeUnit.MILLISECONDS);
        return new LameduckResponse(true, "node " + id + " is in lameduck mode; it stops in " + delay.toMillis()
                + " ms");
    }

    private void heartbeat() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("state", state());
        data.put("workload_count", workloads.size());
        data.put("uptime_seconds", Duration.between(startTime, Instant.now()).toSeconds());
        event(config.namespace(), NexEvent.HEARTBEAT, null, null, data);
    }

    private void event(String namespace, String type, String wid, String name, Map<String, Object> data) {
        feed.event(namespace, type, wid, name, data);
    }

    /** Stops a workload, logging (not throwing) a failure to. */
    private static void stopQuietly(Workload w) {
        try {
            w.stop();
        } catch (RuntimeException e) {
            LOG.warn("Stopping workload {} failed: {}", w.id(), e.toString());
        }
    }

    /** Stops every workload, the control service and the timers; publishes {@code NODESTOPPED}. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if ("stopped".equals(state)) {
                return;
            }
            state = "stopped";
        }
        service.stop();
        for (Workload w : List.copyOf(workloads.values())) {
            stopQuietly(w); // keep stopping the others; the node is going away
        }
        workloads.clear();
        event(config.namespace(), NexEvent.NODE_STOPPED, null, null, Map.of());
        try {
            control.flush(Duration.ofSeconds(2));
        } catch (Exception e) {
            // The events are best effort once the node is stopping.
        }
        timers.shutdownNow();
        if (config.temporaryDataDir()) {
            WorkloadFactory.deleteTree(config.dataDir()); // made for this node by NodeConfig: nothing outlives it
        }
        terminated.complete(null);
    }


    /** What workloads see of this node. */
    private final WorkloadHost host = new WorkloadHost() {
        @Override
        public String nodeId() {
            return id;
        }

        @Override
        public void log(Workload workload, String stream, String line) {
            feed.log(workload.namespace(), workload.id(), stream, line);
        }

        @Override
        public void event(Workload workload, String type, Map<String, Object> data) {
            feed.event(workload.namespace(), type, workload.id(), workload.name(), data);
        }

        @Override
        public void ended(Workload workload) {
            workloads.remove(workload.id(), workload);
            if (!"stopped".equals(state())) {
                forget(workload.id()); // a node shutting down keeps its records for the next start
            }
            WorkloadFactory.deleteTree(factory.directory(workload.id()));
        }
    };
}
