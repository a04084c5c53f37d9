package io.natrix.nex.node;

import io.natrix.nex.api.StartWorkloadRequest;
import io.natrix.nex.api.WorkloadTypes;
import io.natrix.nex.artifact.ArtifactException;
import io.natrix.nex.artifact.Artifacts;
import io.natrix.nex.js.HostServices;
import io.natrix.nex.js.JsFunction;
import io.natrix.nex.wasm.WasmFunction;
import io.natrix.nex.workload.FunctionException;
import io.natrix.nex.workload.FunctionRuntime;
import io.natrix.nex.workload.FunctionWorkload;
import io.natrix.nex.workload.NativeWorkload;
import io.natrix.nex.workload.Workload;
import io.natrix.nex.workload.WorkloadException;
import io.natrix.nex.workload.WorkloadHost;
import io.nats.client.Connection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turns a checked deploy request into a workload of the right kind: fetches the artifact into
 * {@code <data_dir>/workloads/<id>/}, enforces the node's byte limits, and wires the runtime — a process with the
 * node's NATS variables and minted credentials ({@link WorkloadCredentials}) for native and jvm workloads, a
 * GraalJS context with host services or a Chicory module for functions. Thread-safe: it holds only immutable
 * settings and thread-safe collaborators.
 */
final class WorkloadFactory {

    private final NodeConfig config;
    private final Connection hostServices;
    private final Artifacts artifacts;
    private final WorkloadCredentials credentials;
    private final WorkloadHost host;

    WorkloadFactory(NodeConfig config, Connection hostServices, WorkloadCredentials credentials, WorkloadHost host) {
        this.config = config;
        this.hostServices = hostServices;
        this.artifacts = new Artifacts(hostServices);
        this.credentials = credentials;
        this.host = host;
    }

    /**
     * Fetches the artifact into the workload's directory, checks the node's byte limits ({@code bytesInUse}: the
     * artifacts of the running workloads) and builds the workload, not yet started. On failure the directory is
     * removed.
     */
    Workload create(String wid, StartWorkloadRequest request, long bytesInUse) throws WorkloadException {
        Path dir = directory(wid);
        String type = request.workloadType();
        boolean function = WorkloadTypes.FUNCTION.equals(request.workloadLifecycle());
        boolean jvm = WorkloadTypes.JVM.equals(type);
        Path artifact = dir.resolve(switch (type) {
            case WorkloadTypes.JAVASCRIPT -> "function.js";
            case WorkloadTypes.WASM -> "function.wasm";
            case WorkloadTypes.JVM -> "workload.jar";
            default -> "workload";
        });
        try {
            artifacts.fetch(request.uri(), request.sha256(), artifact);
            checkSize(artifact, request, bytesInUse);
            return function
                    ? new FunctionWorkload(wid, request, host, hostServices, loader(request, artifact))
                    : new NativeWorkload(wid, request, host,
                            jvm ? NativeWorkload.Launch.JAR : NativeWorkload.Launch.EXECUTABLE, artifact, dir,
                            workloadEnv(wid, request, dir),
                            request.restartLimit() == null ? config.restartLimit() : request.restartLimit(),
                            config.stopGrace());
        } catch (ArtifactException | WorkloadException | RuntimeException e) {
            deleteTree(dir);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw e instanceof WorkloadException we ? we : new WorkloadException(e.getMessage(), e);
        }
    }

    /** Where a workload's artifact (and, for native workloads, its working files) live. */
    Path directory(String wid) {
        return config.dataDir().resolve("workloads").resolve(wid);
    }

    /** Refuses an artifact past the node's byte limits (one artifact, all artifacts together). */
    private void checkSize(Path artifact, StartWorkloadRequest request, long bytesInUse) throws WorkloadException {
        long size;
        long total;
        try {
            size = Files.size(artifact);
            total = size + bytesInUse;
        } catch (IOException e) {
            throw new WorkloadException("could not measure " + request.uri() + ": " + e.getMessage(), e);
        }
        NodeConfig.Limits limits = config.limits();
        if (limits.maxWorkloadBytes() > 0 && size > limits.maxWorkloadBytes()) {
            throw new WorkloadException("artifact " + request.uri() + " is " + size + " bytes, over the node's limit of "
                    + limits.maxWorkloadBytes() + " per workload");
        }
        if (limits.maxTotalBytes() > 0 && total > limits.maxTotalBytes()) {
            throw new WorkloadException("artifact " + request.uri() + " would bring the node's workloads to " + total
                    + " bytes, over its limit of " + limits.maxTotalBytes());
        }
    }

    /** How a function workload's code is loaded, by type. */
    private FunctionRuntime.Loader loader(StartWorkloadRequest request, Path artifact) {
        if (WorkloadTypes.WASM.equals(request.workloadType())) {
            return (out, err) -> WasmFunction.load(read(artifact, request), request.env(), config.functionTimeout(), err);
        }
        HostServices services = new HostServices(hostServices, request.namespace(), request.name(), requestTimeout(),
                config.httpHostService());
        return (out, err) -> JsFunction.load(new String(read(artifact, request), StandardCharsets.UTF_8),
                request.name() + ".js", services, config.functionTimeout(), config.functionMemoryBytes(), out, err);
    }

    private static byte[] read(Path artifact, StartWorkloadRequest request) throws FunctionException {
        try {
            return Files.readAllBytes(artifact);
        } catch (IOException e) {
            throw new FunctionException("could not read " + request.uri() + ": " + e.getMessage(), e);
        }
    }

    private Duration requestTimeout() {
        return config.functionTimeout().dividedBy(2);
    }

    /** The node's variables for a native or jvm workload: NATS URLs, and minted credentials when configured. */
    private Map<String, String> workloadEnv(String wid, StartWorkloadRequest request, Path dir) throws WorkloadException {
        Map<String, String> env = natsEnv();
        if (credentials != null) {
            WorkloadCredentials.Minted minted = credentials.mint(wid, request.namespace(), request.name());
            env.putAll(minted.env());
            Path creds = dir.resolve("workload.creds");
            try {
                Files.writeString(creds, minted.credsFile());
                creds.toFile().setReadable(false, false);
                creds.toFile().setReadable(true, true);
            } catch (IOException e) {
                throw new WorkloadException("could not write the workload's credentials: " + e.getMessage(), e);
            }
            env.put("NATS_CREDS", creds.toString());
        }
        return env;
    }

    private Map<String, String> natsEnv() {
        String url = config.hostServicesUrl() != null ? config.hostServicesUrl() : hostServices.getConnectedUrl();
        Map<String, String> env = new LinkedHashMap<>();
        if (url != null) {
            env.put("NATS_URL", url);
            env.put("NEX_WORKLOAD_NATS_URL", url);
            env.put("NEX_WORKLOAD_NATS_SERVERS", url);
        }
        return env;
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        // A clean-up: it never throws (it runs where another failure is being reported), it says what it left.
        java.util.List<Path> left = new java.util.ArrayList<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    left.add(p);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            left.add(dir);
        }
        if (!left.isEmpty()) {
            org.slf4j.LoggerFactory.getLogger(WorkloadFactory.class).warn("Could not delete {} (and {} more)",
                    left.get(0), left.size() - 1);
        }
    }
}
