package io.natrix.app;

import io.natrix.app.server.ServerCommand;
import io.natrix.cli.Cli;
import io.natrix.cli.CliRoot;
import io.natrix.cli.Globals;
import io.natrix.nex.cli.NexCommand;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * The top-level {@code natrix} command in picocli: {@code --help}, {@code --version}, the connection flags every
 * client command inherits ({@link Globals}), and the subcommands: {@code server}, then the client commands of the
 * cli module ({@link Cli#commands()}). {@code natrix server} followed by flags (or nothing) starts a server:
 * {@link Natrix#run} hands those command lines to {@link ServerCommand} before picocli is involved; a bare word
 * after {@code server} selects one of the admin commands ({@link Cli#serverCommands()}), which picocli runs here.
 */
@Command(name = "natrix",
        versionProvider = NatrixCommand.VersionText.class,
        subcommands = {NatrixCommand.Server.class},
        synopsisSubcommandLabel = "COMMAND",
        description = {"Natrix: the NATS platform: the server, and the client commands natscli users know."},
        footer = {"", "Run 'natrix COMMAND --help' for the flags of a command."})
public final class NatrixCommand implements Callable<Integer>, CliRoot {

    @Spec
    CommandSpec spec;

    @Mixin
    Globals globals = new Globals();

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "Print Natrix's version and exit.")
    boolean versionRequested;

    /**
     * The parser for one Natrix command line, set up for Go-style flags as the NATS tools take them: no clustered
     * short options, a repeated flag's last value wins, and no {@code @file} expansion. Only the command that
     * {@code args} names is built (see {@link Cli#configure(CommandLine, String[])}); {@code server}'s admin
     * commands only when it is {@code server}, {@code nex} only when it is {@code nex}.
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, String[] args) {
        CommandLine commandLine = new CommandLine(new NatrixCommand());
        String word = Cli.commandWord(commandLine, args);
        if (word == null || word.equals("server")) {
            CommandLine server = commandLine.getSubcommands().get("server");
            for (Object admin : Cli.serverCommands()) {
                server.addSubcommand(admin);
            }
        }
        if (word == null || word.equals("nex") || (!word.equals("server") && !Cli.isCommand(word))) {
            commandLine.addSubcommand(new NexCommand()); // for help and unknown words too, like the client commands
        }
        Cli.configure(commandLine, args);
        commandLine.setOut(out);
        commandLine.setErr(err);
        ((NatrixCommand) commandLine.getCommand()).globals.traceTo(err);
        return commandLine;
    }

    @Override
    public Globals globals() {
        return globals;
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
            if (!args.isEmpty() && !args.get(0).isEmpty() && !args.get(0).startsWith("-")) {
                spec.commandLine().getErr().println(Natrix.programName() + ": unknown command: " + args.get(0)
                        + " (see 'natrix server --help')");
                return Natrix.EXIT_USAGE;
            }
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
