package io.natrix.app;

import io.natrix.app.server.ServerCommand;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * The top-level {@code natrix} command in picocli: {@code --help}, {@code --version}, and the subcommands. The
 * client commands ({@code pub}, {@code sub}, ...) and {@code nex} join {@code subcommands} here as they are
 * written. {@code server} is listed for the help text, but {@link Natrix#run} hands its command lines to
 * {@link ServerCommand} before picocli is involved.
 */
@Command(name = "natrix",
        versionProvider = NatrixCommand.VersionText.class,
        subcommands = {NatrixCommand.Server.class},
        synopsisSubcommandLabel = "COMMAND",
        description = {"Natrix: the NATS platform. The server now; client commands and the execution engine later."},
        footer = {"", "Run 'natrix COMMAND --help' for the flags of a command."})
public final class NatrixCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "Print Natrix's version and exit.")
    boolean versionRequested;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean helpRequested;

    /**
     * The parser for Natrix's command lines, set up for Go-style flags as the NATS tools take them: no clustered
     * short options, a repeated flag's last value wins, and no {@code @file} expansion.
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new NatrixCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setPosixClusteredShortOptionsAllowed(false);
        commandLine.setOverwrittenOptionsAllowed(true);
        commandLine.setExpandAtFiles(false);
        commandLine.setParameterExceptionHandler(new CommandLineErrors());
        return commandLine;
    }

    /** Without a command, show what the commands are. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** {@code natrix server}, as the help lists it; its flags are parsed by {@link ServerCommand}. */
    @Command(name = "server", description = ServerCommand.DESCRIPTION)
    static final class Server implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            return ServerCommand.run(args, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
    }

    /** What {@code natrix --version} prints. */
    static final class VersionText implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"natrix: " + Natrix.versionText()};
        }
    }
}
