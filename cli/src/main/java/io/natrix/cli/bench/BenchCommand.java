package io.natrix.cli.bench;

import io.natrix.cli.ClientCommand;
import picocli.CommandLine.Command;

/**
 * {@code natrix bench}: natscli's benchmark utility, in its modern shape ({@code bench pub}, {@code bench sub},
 * {@code bench service request|serve}, {@code bench js pub sync|async}, {@code bench js ordered|consume|fetch},
 * {@code bench js get sync}, {@code bench kv put|get}) plus {@code bench pubsub}, publishers and subscribers in one
 * run as natscli's original {@code bench} ran them. Every client has its own jnats connection and thread; see {@link BenchBase} for what the
 * commands share and {@link Results} for the summary and CSV they print.
 */
@Command(name = "bench", description = "Benchmark utility",
        subcommands = {PubCommand.class, SubCommand.class, PubSubCommand.class, ServiceCommand.class,
                JsCommand.class, KvCommand.class})
public final class BenchCommand extends ClientCommand {

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 0;
    }
}
