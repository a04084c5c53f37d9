package io.natrix.nex.cli;

import io.natrix.cli.CliException;
import io.natrix.cli.output.Table;
import io.natrix.nex.api.WireJson;
import io.natrix.nex.api.StartWorkloadRequest;
import io.natrix.nex.api.WorkloadTypes;
import io.natrix.nex.artifact.ArtifactException;
import io.natrix.nex.artifact.BinaryPlatform;
import io.natrix.nex.artifact.OciRegistry;
import io.natrix.nex.api.StartWorkloadResponse;
import io.natrix.nex.api.StopWorkloadResponse;
import io.natrix.nex.api.WorkloadSummary;
import io.nats.client.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code natrix nex workload} (alias {@code wl}): list, describe, stop and clone workloads; make bundles. */
@Command(name = "workload", aliases = {"workloads", "wl"}, description = "List, inspect, stop and clone workloads",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {WorkloadCommand.Ls.class, WorkloadCommand.Info.class, WorkloadCommand.Stop.class,
                WorkloadCommand.Clone.class, WorkloadCommand.Bundle.class})
public final class WorkloadCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    static Table table(List<WorkloadSummary> workloads) {
        Table table = Table.titled("Workloads", "ID", "Name", "Type", "Lifecycle", "State", "Node", "Restarts",
                "Triggers", "Uptime");
        for (WorkloadSummary w : workloads) {
            table.row(w.id(), w.name(), w.workloadType(), w.workloadLifecycle(), w.workloadState(), w.nodeId(),
                    w.restarts(), w.triggerSubjects() == null ? "" : String.join(", ", w.triggerSubjects()),
                    NodeCommand.uptime(w.startTime()));
        }
        return table;
    }

    /** {@code workload ls}: every node's workloads in the namespace. */
    @Command(name = "ls", aliases = "list", description = "List the workloads of every node in this namespace")
    static final class Ls extends NexClientCommand {
        @Option(names = "--json", description = "Print the workloads as JSON")
        boolean json;

        @Override
        public Integer call() throws InterruptedException {
            try (Connection nc = connect()) {
                List<WorkloadSummary> all = new ArrayList<>(client(nc).workloads());
                all.sort(Comparator.comparing(WorkloadSummary::name).thenComparing(WorkloadSummary::id));
                if (json) {
                    out().println(WireJson.pretty(all));
                } else if (all.isEmpty()) {
                    out().println("No workloads in namespace " + namespace());
                } else {
                    table(all).print(out());
                }
            }
            return 0;
        }
    }

    /** {@code workload info ID|NAME}: one workload as its node describes it. */
    @Command(name = "info", description = "Show one workload (by id or name)")
    static final class Info extends NexClientCommand {
        @Parameters(paramLabel = "WORKLOAD", description = "The workload's id or name")
        String workload;

        @Option(names = "--json", description = "Print the workload as JSON")
        boolean json;

        @Override
        public Integer call() throws InterruptedException {
            try (Connection nc = connect()) {
                List<WorkloadSummary> found = client(nc).workloads().stream()
                        .filter(w -> workload.equals(w.id()) || workload.equals(w.name())).toList();
                if (found.isEmpty()) {
                    throw new CliException("no workload " + workload + " in namespace " + namespace());
                }
                if (json) {
                    out().println(WireJson.pretty(found.size() == 1 ? found.get(0) : found));
                } else {
                    table(found).print(out());
                }
            }
            return 0;
        }
    }

    /** {@code workload stop ID}: the node running it stops it. */
    @Command(name = "stop", aliases = "undeploy", description = "Stop a workload")
    static final class Stop extends NexClientCommand {
        @Parameters(paramLabel = "WORKLOAD_ID", description = "The workload's id")
        String workloadId;

        @Override
        public Integer call() throws InterruptedException {
            try (Connection nc = connect()) {
                StopWorkloadResponse r = client(nc).stop(workloadId);
                if (!r.stopped()) {
                    throw new CliException(r.message());
                }
                out().println("Workload " + r.id() + " stopped");
            }
            return 0;
        }
    }

    /**
     * {@code workload clone ID}: deploys the same definition again through an auction (optionally restricted to
     * nodes with {@code --tags}), then stops the original with {@code --stop}.
     */
    @Command(name = "clone", description = "Deploy a copy of a workload on a node picked by auction")
    static final class Clone extends NexClientCommand {
        @Parameters(paramLabel = "WORKLOAD_ID", description = "The workload's id")
        String workloadId;

        @Option(names = {"--tags", "--node-tags"}, paramLabel = "K=V",
                description = "Only nodes with this tag may bid (repeatable)")
        List<String> tags = new ArrayList<>();

        @Option(names = "--stop", description = "Stop the original once the copy runs")
        boolean stop;

        @Override
        public Integer call() throws InterruptedException {
            try (Connection nc = connect()) {
                NexClient client = client(nc);
                StartWorkloadRequest definition = client.definitionOf(workloadId);
                StartWorkloadResponse copy = client.deployByAuction(definition, KeyValues.parse(tags, "tag"));
                out().println("Workload " + copy.name() + " (" + copy.id() + ") cloned from " + workloadId
                        + " to node " + copy.nodeId());
                if (stop) {
                    StopWorkloadResponse r = client.stop(workloadId);
                    if (!r.stopped()) {
                        throw new CliException(r.message());
                    }
                    out().println("Workload " + workloadId + " stopped");
                }
            }
            return 0;
        }
    }

    /**
     * {@code workload bundle} (alias {@code build}): makes a Nex workload bundle, one layer per OS/CPU (read from
     * each program's header, or named as {@code os/arch=FILE}), and pushes it to a registry with {@code --push};
     * without it, prints the manifest it would push. {@code nex run oci://REGISTRY/NAME:TAG} deploys it.
     */
    @Command(name = "bundle", aliases = "build",
            description = "Make a workload bundle (a layer per OS/CPU) and push it to an OCI registry")
    static final class Bundle extends NexClientCommand {
        @Option(names = "--binaries", split = ",", required = true, paramLabel = "[OS/ARCH=]FILE",
                description = "Programs, one per platform (comma separated or repeated)")
        List<String> binaries = new ArrayList<>();

        @Option(names = "--registry", paramLabel = "HOST[:PORT]", description = "Registry to push to")
        String registry;

        @Option(names = "--name", required = true, paramLabel = "REPOSITORY", description = "Repository, e.g. user/counter")
        String name;

        @Option(names = "--tag", defaultValue = "latest", paramLabel = "TAG", description = "Tag (default ${DEFAULT-VALUE})")
        String tag;

        @Option(names = "--type", defaultValue = "native", paramLabel = "TYPE",
                description = "Workload type of the layers (default ${DEFAULT-VALUE})")
        String type;

        @Option(names = "--push", description = "Push to --registry (without it, print the manifest)")
        boolean push;

        @Override
        public Integer call() throws InterruptedException {
            List<OciRegistry.BundleLayer> layers = new ArrayList<>();
            java.util.Set<String> platforms = new java.util.LinkedHashSet<>();
            for (String entry : binaries) {
                String platform = null;
                String file = entry;
                int eq = entry.indexOf('=');
                if (eq > 0 && entry.substring(0, eq).contains("/")) {
                    platform = entry.substring(0, eq);
                    file = entry.substring(eq + 1);
                }
                byte[] content;
                try {
                    content = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(file));
                } catch (java.io.IOException e) {
                    throw new CliException("cannot read " + file + ": " + e.getMessage());
                }
                if (platform == null) {
                    platform = BinaryPlatform.sniff(java.util.Arrays.copyOf(content, Math.min(content.length, 64)))
                            .orElseThrow(() -> new CliException("cannot tell the OS and CPU of " + entry
                                    + ": name them as os/arch=" + entry));
                }
                String[] parts = platform.split("/", -1);
                if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                    throw new CliException("invalid platform \"" + platform + "\": expected os/arch");
                }
                if (!platforms.add(platform)) {
                    throw new CliException("two programs for " + platform);
                }
                layers.add(new OciRegistry.BundleLayer(parts[0], parts[1], WorkloadTypes.canonical(type), content));
            }
            if (!push) {
                out().println(OciRegistry.manifest(layers));
                return 0;
            }
            if (registry == null || registry.isEmpty()) {
                throw new CliException("--push needs --registry");
            }
            String uri = "oci://" + registry + "/" + name + ":" + tag;
            try {
                String digest = OciRegistry.of(uri).push(layers);
                out().println("Pushed " + uri + " (" + String.join(", ", platforms) + "), manifest " + digest);
            } catch (ArtifactException | java.io.IOException | IllegalArgumentException e) {
                throw new CliException(e.getMessage(), e);
            }
            return 0;
        }
    }
}
