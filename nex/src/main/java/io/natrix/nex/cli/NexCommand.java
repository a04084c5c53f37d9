package io.natrix.nex.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code natrix nex}: the Nex execution engine's commands. {@code node up} runs a node; the others drive nodes
 * through the control API ({@link NexClient}). {@code --namespace} (env {@code NEX_NAMESPACE}, default
 * {@code default}) picks the subject scope, as Nex's CLI does.
 */
@Command(name = "nex",
        description = "Nex: run workloads (native and jar services and jobs, JavaScript and WebAssembly functions) on nodes reachable over NATS",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {NodeCommand.class, RunCommand.class, DevrunCommand.class, WorkloadCommand.class, LogsCommand.class,
                EventsCommand.class})
public final class NexCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--namespace", paramLabel = "NS", scope = ScopeType.INHERIT,
            description = "Namespace of the nodes and workloads (env NEX_NAMESPACE, default \"default\")")
    String namespace;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
