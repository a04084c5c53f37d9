package io.natrix.nex.cli;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.support.GoDuration;
import io.natrix.nex.node.NexNode;
import io.natrix.nex.node.NodeConfig;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code natrix nex node up}: runs a node in the foreground until it is put in lameduck mode (then it exits 0) or
 * the process is stopped. Settings come from {@code --config FILE} (JSON, keys as {@link NodeConfig} lists them)
 * with flags on top.
 */
@Command(name = "up", description = "Run a Nex node in the foreground")
final class NodeUpCommand extends ClientCommand {

    @Option(names = "--config", paramLabel = "FILE", description = "Node configuration (JSON)")
    Path config;

    @Option(names = "--nexus", paramLabel = "NAME", description = "The nexus (cluster of nodes) to join")
    String nexus;

    @Option(names = "--node-name", paramLabel = "NAME", description = "A readable name for the node")
    String nodeName;

    @Option(names = "--tags", paramLabel = "K=V", description = "A tag auctions can ask for (repeatable)")
    List<String> tags = new ArrayList<>();

    @Option(names = "--workload-types", paramLabel = "TYPES", split = ",",
            description = "Workload types to accept (native, javascript, jvm, wasm; default all)")
    List<String> workloadTypes;

    @Option(names = "--deny-trigger-subject", paramLabel = "SUBJECT",
            description = "A subject functions may not be triggered by (repeatable)")
    List<String> denyTriggerSubjects = new ArrayList<>();

    @Option(names = "--host-services-url", paramLabel = "URL",
            description = "Server for host services and triggers (default: the node's)")
    String hostServicesUrl;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where artifacts are kept (default: a temp dir)")
    Path dataDir;

    @Option(names = "--heartbeat", paramLabel = "DURATION", description = "Heartbeat interval (default 10s)")
    String heartbeat;

    @Option(names = "--restart-limit", paramLabel = "N", description = "Restarts of a failing service (default 3)")
    Integer restartLimit;

    @Option(names = "--function-timeout", paramLabel = "DURATION",
            description = "Time limit of one function call (default 5s)")
    String functionTimeout;

    @Option(names = "--function-memory-mb", paramLabel = "MB",
            description = "What one JavaScript call may allocate, in MiB (default 256; 0: no budget)")
    Integer functionMemoryMb;

    @Option(names = "--stop-grace", paramLabel = "DURATION",
            description = "Time between SIGTERM and SIGKILL when stopping a native workload (default 5s)")
    String stopGrace;

    @Option(names = "--node-seed", paramLabel = "SEED", description = "The node's nkey seed (SN...) for a stable id")
    String nodeSeed;

    @Option(names = "--issuer-account", paramLabel = "ACCOUNT",
            description = "Account (A...) whose users the node mints for native and jvm workloads")
    String issuerAccount;

    @Option(names = "--issuer-seed", paramLabel = "SEED",
            description = "Account signing key seed (SA...) that signs those users")
    String issuerSeed;

    @Option(names = "--state", paramLabel = "none|kv",
            description = "kv: record workloads in KV and start them again after a restart (needs --node-seed)")
    String state;

    @Override
    public Integer call() throws Exception {
        NodeConfig settings = settings();
        try (Connection nc = globals().connect(b -> b.maxReconnects(-1).connectionName("nex node " + settings.nodeName()));
             Connection hs = settings.hostServicesUrl() == null ? null : hostServices(settings.hostServicesUrl())) {
            NexNode node = NexNode.start(settings, nc, hs == null ? nc : hs);
            Thread hook = new Thread(node::close, "nex-node-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            out().println("Nex node " + node.id() + " (" + settings.nodeName() + ") is up: nexus " + settings.nexus()
                    + ", namespace " + settings.namespace() + ", workload types "
                    + String.join(", ", settings.workloadTypes()));
            out().flush();
            try {
                node.terminated().get();
            } catch (InterruptedException e) {
                node.close();
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new CliException("node failed: " + e.getCause().getMessage(), e);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // Already shutting down.
                }
            }
            out().println("Nex node " + node.id() + " stopped");
        }
        return 0;
    }

    private NodeConfig settings() {
        NodeConfig.Builder b = NodeConfig.builder();
        try {
            if (config != null) {
                if (!Files.isReadable(config)) {
                    throw new CliException("cannot read node config " + config);
                }
                b.file(config);
            }
            String ns = explicitNamespace();
            if (ns != null) {
                b.namespace = ns;
            }
            if (nexus != null) {
                b.nexus = nexus;
            }
            if (nodeName != null) {
                b.nodeName = nodeName;
            }
            b.tags.putAll(KeyValues.parse(tags, "tag"));
            if (workloadTypes != null) {
                b.workloadTypes = workloadTypes.stream().map(String::strip)
                        .map(io.natrix.nex.api.WorkloadTypes::canonical).toList();
            }
            b.denyTriggerSubjects.addAll(denyTriggerSubjects);
            if (hostServicesUrl != null) {
                b.hostServicesUrl = hostServicesUrl;
            }
            if (dataDir != null) {
                b.dataDir = dataDir;
            }
            b.heartbeatInterval = duration(heartbeat, "--heartbeat", b.heartbeatInterval);
            b.functionTimeout = duration(functionTimeout, "--function-timeout", b.functionTimeout);
            b.stopGrace = duration(stopGrace, "--stop-grace", b.stopGrace);
            if (restartLimit != null) {
                b.restartLimit = restartLimit;
            }
            if (functionMemoryMb != null) {
                b.functionMemoryMb = functionMemoryMb;
            }
            if (nodeSeed != null) {
                b.nodeSeed = nodeSeed;
            }
            if (state != null) {
                b.state = state;
            }
            if (issuerAccount != null) {
                b.issuerAccount = issuerAccount;
            }
            if (issuerSeed != null) {
                b.issuerSeed = issuerSeed;
            }
            return b.build();
        } catch (IOException e) {
            throw new CliException("could not read node config " + config + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid node settings: " + e.getMessage(), e);
        }
    }

    private String explicitNamespace() {
        for (CommandSpec s = spec; s != null; s = s.parent()) {
            if (s.userObject() instanceof NexCommand nex && nex.namespace != null) {
                return nex.namespace;
            }
        }
        String env = globals().env().get("NEX_NAMESPACE");
        return env == null || env.isEmpty() ? null : env;
    }

    private static Duration duration(String text, String flag, Duration otherwise) {
        if (text == null) {
            return otherwise;
        }
        return GoDuration.flag(text, flag);
    }

    private Connection hostServices(String url) {
        try {
            return Nats.connect(new Options.Builder().servers(url.split(",")).maxReconnects(-1)
                    .connectionName("nex host services").build());
        } catch (IOException e) {
            throw new CliException("could not connect to host services at " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while connecting to " + url, e);
        }
    }
}
