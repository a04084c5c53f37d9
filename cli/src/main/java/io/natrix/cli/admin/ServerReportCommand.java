package io.natrix.cli.admin;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code natrix server report KIND}: reports across every server over the system account, as natscli's
 * {@code server report}: {@code connections} (the busiest connections and how many each server holds, from connz),
 * {@code accounts} (connections and traffic per account, from connz) and {@code jetstream} (streams, consumers,
 * messages, storage and API use per server, from jsz), {@code health} (each server's healthz), and {@code cpu} and
 * {@code mem} (bar graphs from statsz). Each takes the server filter flags and {@code --json}.
 */
@Command(name = "report", aliases = "rep", description = "Report on various server metrics",
        subcommands = {ConnectionsReport.class, AccountsReport.class, JetStreamReport.class, HealthReport.class,
                UsageReport.Cpu.class, UsageReport.Memory.class})
public final class ServerReportCommand extends ClientCommand {

    @Option(names = {"-R", "--reverse"}, scope = ScopeType.INHERIT, description = "Reverse sort connections")
    boolean reverse;

    @Override
    public Integer call() {
        throw new CliException("a report is required: connections, accounts, jetstream, health, cpu or mem");
    }
}
