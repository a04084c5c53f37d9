package io.natrix.nex.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.support.GoDuration;
import io.natrix.nex.api.Names;
import io.natrix.nex.api.StartWorkloadRequest;
import io.natrix.nex.api.WireJson;
import io.natrix.nex.api.WorkloadTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's settings, validated once. The JSON file ({@code node up --config FILE}) uses these keys, and the
 * flags of {@code node up} the same names with dashes; a flag wins over the file:
 *
 * <pre>
 * key                     default           meaning
 * nexus                   "nexus"           the cluster of nodes this one belongs to
 * node_name               host name         a readable name (the id is the node's nkey)
 * namespace               "default"         the namespace whose control subjects the node answers
 * tags                    {}                labels auctions match (plus nex.os, nex.arch, nex.cpucount, node_name)
 * workload_types          all              the types the node accepts: native, javascript, jvm, wasm
 * deny_trigger_subjects   []                subjects functions may not listen on (beyond $SYS, $JS, $NEX)
 * host_services.nats_url  the node's server where host services (KV, objects, messaging) and triggers live
 * host_services.services.http.enabled  true  whether functions may make HTTP requests through the node
 * data_dir                a temp directory  where artifacts are kept per workload
 * heartbeat_interval      "10s"             how often HEARTBEAT events go out
 * restart_limit           3                 restarts of a failing service before it is given up
 * function_timeout        "5s"              the time limit of one function call
 * function_memory_mb      256               what one JavaScript call may allocate (0: no budget)
 * stop_grace              "5s"              SIGTERM to SIGKILL for native workloads
 * node_seed               a new key         the node's nkey seed (SN...), for a stable id
 * node_limits             {}                max_workloads (default 256), max_workload_bytes, max_total_bytes (artifact
 *                                           sizes; 0 = no limit beyond the node's 512 MiB per artifact)
 * autostart.workloads     []                deploy requests (ADEPLOY's JSON; v0's type/location/environment too)
 *                                           the node starts by itself; one that fails is reported, not fatal
 * workload_credentials    none              {account: "A...", signing_seed: "SA..."}: mint NATS credentials for
 *                                           native and jvm workloads (NEX_WORKLOAD_NATS_NKEY, _B64_JWT, NATS_CREDS)
 * state                   "none"            "kv": record workloads in KV nex-&lt;node id&gt; and start them again
 *                                           after a restart (needs node_seed, so the id stays the same)
 * </pre>
 */
public record NodeConfig(String nexus, String nodeName, String namespace, Map<String, String> tags,
                         List<String> workloadTypes, List<String> denyTriggerSubjects, String hostServicesUrl, boolean httpHostService,
                         Path dataDir, Duration heartbeatInterval, int restartLimit, Duration functionTimeout,
                         Duration stopGrace, String nodeSeed, boolean stateKv, Limits limits,
                         List<StartWorkloadRequest> autostart, String issuerAccount, String issuerSeed,
                         int functionMemoryMb, boolean temporaryDataDir) {

    public NodeConfig {
        Names.require(nexus, "nexus");
        Names.require(namespace, "namespace");
        tags = Map.copyOf(tags);
        workloadTypes = List.copyOf(workloadTypes);
        for (String type : workloadTypes) {
            if (!WorkloadTypes.ALL.contains(type)) {
                throw new IllegalArgumentException("unknown workload type \"" + type + "\": known are "
                        + String.join(", ", WorkloadTypes.ALL));
            }
        }
        denyTriggerSubjects = List.copyOf(denyTriggerSubjects);
        autostart = List.copyOf(autostart);
        if ((issuerAccount == null) != (issuerSeed == null)) {
            throw new IllegalArgumentException("workload_credentials needs both account and signing_seed");
        }
        if (issuerAccount != null) {
            WorkloadCredentials.of(issuerAccount, issuerSeed); // checked here, once
        }
        if (functionMemoryMb < 0) {
            throw new IllegalArgumentException("function_memory_mb must not be negative");
        }
        if (restartLimit < 0) {
            throw new IllegalArgumentException("restart_limit must not be negative");
        }
        requirePositive(heartbeatInterval, "heartbeat_interval");
        requirePositive(functionTimeout, "function_timeout");
        requirePositive(stopGrace, "stop_grace");
        if (stateKv && (nodeSeed == null || nodeSeed.isBlank())) {
            throw new IllegalArgumentException("state kv needs node_seed: without it the node gets a new id at each "
                    + "start and cannot find its workloads");
        }
    }

    /** How much a node takes on: workloads at once, bytes of one artifact, bytes of all artifacts (0 = no limit). */
    public record Limits(int maxWorkloads, long maxWorkloadBytes, long maxTotalBytes) {

        /** The default: 256 workloads, no byte limits beyond the artifact fetcher's own. */
        public static final Limits DEFAULT = new Limits(256, 0, 0);

        public Limits {
            if (maxWorkloads <= 0 || maxWorkloadBytes < 0 || maxTotalBytes < 0) {
                throw new IllegalArgumentException("node_limits: max_workloads must be positive and byte limits not "
                        + "negative");
            }
        }
    }

    /** The allocation budget of one JavaScript call in bytes (0: none). */
    public long functionMemoryBytes() {
        return functionMemoryMb * 1024L * 1024L;
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings being gathered from a file and flags; {@link #build} checks them. */
    public static final class Builder {
        public String nexus = "nexus";
        public String nodeName;
        public String namespace = "default";
        public Map<String, String> tags = new LinkedHashMap<>();
        public List<String> workloadTypes = new ArrayList<>(WorkloadTypes.ALL);
        public List<String> denyTriggerSubjects = new ArrayList<>();
        public String hostServicesUrl;
        public boolean httpHostService = true;
        public Path dataDir;
        public Duration heartbeatInterval = Duration.ofSeconds(10);
        public int restartLimit = 3;
        public Duration functionTimeout = Duration.ofSeconds(5);
        public Duration stopGrace = Duration.ofSeconds(5);
        public String nodeSeed;
        public String state = "none";
        public Limits limits = Limits.DEFAULT;
        public List<StartWorkloadRequest> autostart = new ArrayList<>();
        public String issuerAccount;
        public String issuerSeed;
        public int functionMemoryMb = 256;

        /** Reads a JSON config file over the current values; unknown keys are errors (they are typos). */
        public Builder file(Path file) throws IOException {
            JsonNode root = WireJson.MAPPER.readTree(Files.readAllBytes(file));
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("node config " + file + " must be a JSON object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                switch (e.getKey()) {
                    case "nexus" -> nexus = v.asText();
                    case "node_name" -> nodeName = v.asText();
                    case "namespace" -> namespace = v.asText();
                    case "tags" -> {
                        tags = new LinkedHashMap<>();
                        v.fields().forEachRemaining(t -> tags.put(t.getKey(), t.getValue().asText()));
                    }
                    case "workload_types" -> workloadTypes = strings(v, e.getKey());
                    case "deny_trigger_subjects" -> denyTriggerSubjects = strings(v, e.getKey());
                    case "host_services" -> {
                        hostServicesUrl = v.path("nats_url").isMissingNode() ? null : v.path("nats_url").asText();
                        httpHostService = v.path("services").path("http").path("enabled").asBoolean(true);
                    }
                    case "data_dir" -> dataDir = Path.of(v.asText());
                    case "heartbeat_interval" -> heartbeatInterval = duration(v, e.getKey());
                    case "restart_limit" -> restartLimit = v.asInt();
                    case "function_timeout" -> functionTimeout = duration(v, e.getKey());
                    case "function_memory_mb" -> functionMemoryMb = v.asInt();
                    case "stop_grace" -> stopGrace = duration(v, e.getKey());
                    case "node_seed" -> nodeSeed = v.asText();
                    case "state" -> state = v.asText();
                    case "node_limits" -> limits = new Limits(v.path("max_workloads").asInt(Limits.DEFAULT.maxWorkloads()),
                            v.path("max_workload_bytes").asLong(0), v.path("max_total_bytes").asLong(0));
                    case "workload_credentials" -> {
                        issuerAccount = v.path("account").isMissingNode() ? null : v.path("account").asText();
                        issuerSeed = v.path("signing_seed").isMissingNode() ? null : v.path("signing_seed").asText();
                    }
                    case "autostart" -> {
                        autostart = new ArrayList<>();
                        for (JsonNode w : v.path("workloads")) {
                            autostart.add(WireJson.MAPPER.treeToValue(w, StartWorkloadRequest.class));
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown key \"" + e.getKey() + "\" in " + file);
                }
            }
            return this;
        }

        private static List<String> strings(JsonNode v, String key) {
            if (!v.isArray()) {
                throw new IllegalArgumentException(key + " must be a list of strings");
            }
            List<String> out = new ArrayList<>();
            v.forEach(x -> out.add(x.asText()));
            return out;
        }

        private static Duration duration(JsonNode v, String key) {
            try {
                return v.isNumber() ? Duration.ofSeconds(v.asLong()) : GoDuration.parse(v.asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
            }
        }

        public NodeConfig build() throws IOException {
            String name = nodeName;
            if (name == null || name.isBlank()) {
                name = java.net.InetAddress.getLocalHost().getHostName();
            }
            if (!"none".equals(state) && !"kv".equals(state)) {
                throw new IllegalArgumentException("state must be none or kv, not \"" + state + "\"");
            }
            boolean temporary = dataDir == null;
            Path dir = temporary ? Files.createTempDirectory("natrix-nex-") : dataDir;
            try {
                return new NodeConfig(nexus, name, namespace, tags, workloadTypes, denyTriggerSubjects,
                        hostServicesUrl, httpHostService, dir, heartbeatInterval, restartLimit, functionTimeout,
                        stopGrace, nodeSeed, "kv".equals(state), limits, autostart, issuerAccount, issuerSeed,
                        functionMemoryMb, temporary);
            } catch (RuntimeException e) {
                if (temporary) {
                    WorkloadFactory.deleteTree(dir);
                }
                throw e;
            }
        }
    }
}
