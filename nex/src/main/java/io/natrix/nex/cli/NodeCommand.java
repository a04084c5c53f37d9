package io.natrix.nex.cli;

import io.natrix.cli.CliException;
import io.natrix.cli.output.Human;
import io.natrix.cli.output.Table;
import io.natrix.cli.support.GoDuration;
import io.natrix.nex.api.WireJson;
import io.natrix.nex.api.LameduckResponse;
import io.natrix.nex.api.NodeInfo;
import io.natrix.nex.api.NodePing;
import io.nats.client.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code natrix nex node}: run a node ({@code up}), list nodes, show one, put one in lameduck mode. */
@Command(name = "node", description = "Run and inspect Nex nodes", synopsisSubcommandLabel = "COMMAND",
        subcommands = {NodeUpCommand.class, NodeCommand.Ls.class, NodeCommand.Info.class, NodeCommand.Lameduck.class})
public final class NodeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** {@code node ls}: pings every node in the namespace and tabulates the answers. */
    @Command(name = "ls", aliases = "list", description = "List the nodes that answer in this namespace")
    static final class Ls extends NexClientCommand {
        @Option(names = "--filter", paramLabel = "K=V", description = "Only nodes with this tag (repeatable)")
        List<String> filter = new ArrayList<>();

        @Option(names = "--json", description = "Print the nodes' answers as JSON")
        boolean json;

        @Override
        public Integer call() {
            Map<String, String> wanted = KeyValues.parse(filter, "filter");
            try (Connection nc = connect()) {
                List<NodePing> nodes = new ArrayList<>(client(nc).ping(wanted));
                nodes.sort(Comparator.comparing(NodePing::nodeName).thenComparing(NodePing::nodeId));
                if (json) {
                    out().println(WireJson.pretty(nodes));
                    return 0;
                }
                if (nodes.isEmpty()) {
                    out().println("No nodes found in namespace " + namespace());
                    return 0;
                }
                Table table = Table.titled("Nex Nodes", "ID", "Name", "Nexus", "Version", "Uptime", "State",
                        "Workloads");
                for (NodePing n : nodes) {
                    table.row(n.nodeId(), n.nodeName(), n.nexus(), n.version(), uptime(n.startTime()), n.state(),
                            n.workloadCount());
                }
                table.print(out());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
    }

    /** {@code node info ID}: one node's details and its workloads. */
    @Command(name = "info", description = "Show a node's details and workloads")
    static final class Info extends NexClientCommand {
        @Parameters(paramLabel = "NODE_ID", description = "The node's id (its public nkey)")
        String nodeId;

        @Option(names = "--json", description = "Print the node's answer as JSON")
        boolean json;

        @Override
        public Integer call() throws InterruptedException {
            try (Connection nc = connect()) {
                NodeInfo info = client(nc).info(nodeId);
                if (json) {
                    out().println(WireJson.pretty(info));
                    return 0;
                }
                out().println("Information for node " + info.nodeId());
                out().println();
                out().println("           Name: " + info.nodeName());
                out().println("          Nexus: " + info.nexus());
                out().println("        Version: " + info.version());
                out().println("         Uptime: " + Human.duration(Duration.ofSeconds(info.uptimeSeconds())));
                out().println("          State: " + info.state());
                out().println(" Workload types: " + String.join(", ", info.workloadTypes()));
                out().println("           Tags: " + tags(info.tags()));
                out().println();
                if (info.workloads().isEmpty()) {
                    out().println("No workloads");
                } else {
                    WorkloadCommand.table(info.workloads()).print(out());
                }
            }
            return 0;
        }
    }

    /** {@code node lameduck}: the node stops taking work, stops its workloads after the delay, and exits. */
    @Command(name = "lameduck", aliases = "down",
            description = "Put a node in lameduck mode: no new work; after the delay its workloads stop and it exits")
    static final class Lameduck extends NexClientCommand {
        @Parameters(paramLabel = "NODE_ID", arity = "0..1", description = "The node's id")
        String nodeId;

        @Option(names = "--node-id", paramLabel = "NODE_ID", description = "The node's id")
        String nodeIdFlag;

        @Option(names = "--delay", paramLabel = "DURATION", defaultValue = "1m",
                description = "How long the node keeps running its workloads (default ${DEFAULT-VALUE})")
        String delay;

        @Override
        public Integer call() throws InterruptedException {
            String id = nodeIdFlag != null ? nodeIdFlag : nodeId;
            if (id == null || id.isEmpty()) {
                throw new CliException("a node id is required (NODE_ID or --node-id)");
            }
            try {
                GoDuration.parse(delay);
            } catch (IllegalArgumentException e) {
                throw new CliException("invalid delay \"" + delay + "\": " + e.getMessage());
            }
            try (Connection nc = connect()) {
                LameduckResponse r = client(nc).lameduck(id, delay);
                if (!r.success()) {
                    throw new CliException(r.message());
                }
                out().println(r.message());
            }
            return 0;
        }
    }

    static String uptime(String startTime) {
        try {
            return Human.duration(Duration.between(Instant.parse(startTime), Instant.now()));
        } catch (DateTimeParseException | NullPointerException e) {
            return "";
        }
    }

    static String tags(Map<String, String> tags) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(tags).forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(", ", parts);
    }
}
