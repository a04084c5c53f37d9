package io.natrix.cli;

import io.natrix.cli.admin.ServerCheckCommand;
import io.natrix.cli.admin.ServerInfoCommand;
import io.natrix.cli.admin.ServerListCommand;
import io.natrix.cli.admin.ServerPingCommand;
import io.natrix.cli.admin.ServerReportCommand;
import io.natrix.cli.admin.ServerRequestCommand;
import io.natrix.cli.auth.AuthCommand;
import io.natrix.cli.bench.BenchCommand;
import io.natrix.cli.consumer.ConsumerCommand;
import io.natrix.cli.context.ContextCommand;
import io.natrix.cli.errors.ErrorsCommand;
import io.natrix.cli.events.EventsCommand;
import io.natrix.cli.kv.KvCommand;
import io.natrix.cli.messaging.PubCommand;
import io.natrix.cli.messaging.ReplyCommand;
import io.natrix.cli.messaging.ReqCommand;
import io.natrix.cli.messaging.SubCommand;
import io.natrix.cli.micro.ServiceCommand;
import io.natrix.cli.object.ObjectCommand;
import io.natrix.cli.stream.StreamCommand;
import io.natrix.cli.support.CommandLineErrors;
import io.natrix.cli.support.ExecutionErrors;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The client commands as one set: what the {@code natrix} root command (in the app module, or a test's root)
 * adds to itself, and the parser settings they all share.
 *
 * <p>Every command here is a picocli command that reaches its connection settings, environment and streams
 * through the root's {@link Globals} (see {@link ClientCommand}); none touches {@code System.out},
 * {@code System.in} or {@code System.exit}, so tests run whole command lines in-process.
 */
public final class Cli {

    /** Exit status for command-line mistakes (unknown flag or command, missing argument), as Go's flag uses. */
    public static final int EXIT_USAGE = 2;

    /** Exit status for a command that ran and failed (server unreachable, API error, bad input file). */
    public static final int EXIT_FAILURE = 1;

    private Cli() {
    }

    /**
     * The top-level client commands, in the order the help lists them. Each is a fresh instance: picocli keeps
     * option values in the command objects, so one command line gets one set.
     */
    public static List<Object> commands() {
        return List.of(
                new ContextCommand(),
                new PubCommand(),
                new SubCommand(),
                new ReqCommand(),
                new ReplyCommand(),
                new StreamCommand(),
                new ConsumerCommand(),
                new KvCommand(),
                new ObjectCommand(),
                new ServiceCommand(),
                new EventsCommand(),
                new ErrorsCommand(),
                new AuthCommand(),
                new BenchCommand());
    }

    /**
     * The admin commands under {@code natrix server} ({@code ls}, {@code info}, {@code ping}, ...). A bare word
     * after {@code server} selects one of these; flags alone start a server.
     */
    public static List<Object> serverCommands() {
        return List.of(
                new ServerListCommand(),
                new ServerInfoCommand(),
                new ServerPingCommand(),
                new ServerRequestCommand(),
                new ServerCheckCommand(),
                new ServerReportCommand());
    }

    /**
     * Sets up a root command line for Go-style flags as the NATS tools take them (no clustered short options, a
     * repeated flag's last value wins, no {@code @file} expansion), with one-line errors and exit statuses, and
     * adds the client commands to it.
     */
    public static CommandLine configure(CommandLine root) {
        return configure(root, null);
    }

    /**
     * As {@link #configure(CommandLine)}, adding only the client command that {@code args} names when it names one
     * (all of them for help, no command or an unknown word). picocli reads every annotation of a command tree when
     * it is added, and the whole tree costs hundreds of milliseconds at each start of {@code natrix}.
     */
    public static CommandLine configure(CommandLine root, String[] args) {
        String word = commandWord(root, args);
        List<Object> chosen = commands();
        if (word == null && args != null && (List.of(args).contains("-v") || List.of(args).contains("--version"))) {
            chosen = List.of(); // the version needs no command
        }
        if (word != null && root.getSubcommands().containsKey(word)) {
            chosen = List.of(); // a command of the root's own (server, nex)
        }
        for (Object command : chosen) {
            if (word != null && names(command).contains(word)) {
                chosen = List.of(command);
                break;
            }
        }
        for (Object command : chosen) {
            root.addSubcommand(command);
        }
        root.setPosixClusteredShortOptionsAllowed(false);
        root.setOverwrittenOptionsAllowed(true);
        root.setExpandAtFiles(false);
        root.setParameterExceptionHandler(new CommandLineErrors());
        root.setExecutionExceptionHandler(new ExecutionErrors());
        tidyUsage(root, true);
        return root;
    }

    /**
     * The first word of a command line that is not a root option or its value (the command's name), or null. A
     * root option takes the next word as its value unless it is a flag or written {@code --name=value}.
     */
    public static String commandWord(CommandLine root, String[] args) {
        if (args == null) {
            return null;
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-") || arg.equals("-")) {
                return arg;
            }
            OptionSpec option = root.getCommandSpec().findOption(arg);
            if (option != null && option.arity().max() > 0 && !arg.contains("=")) {
                i++;
            }
        }
        return null;
    }

    /** Whether a client command has this name or alias. */
    public static boolean isCommand(String word) {
        return commands().stream().anyMatch(c -> names(c).contains(word));
    }

    private static List<String> names(Object command) {
        picocli.CommandLine.Command c = command.getClass().getAnnotation(picocli.CommandLine.Command.class);
        List<String> names = new java.util.ArrayList<>(List.of(c.aliases()));
        names.add(c.name());
        return names;
    }

    /**
     * Every command inherits the global connection flags; listing them all in each command's help would bury its
     * own arguments. So synopses read {@code natrix pub [OPTIONS] SUBJECT [BODY]}, and a subcommand's help lists
     * its own flags and points to {@code natrix --help} for the global ones.
     */
    private static void tidyUsage(CommandLine command, boolean root) {
        command.getCommandSpec().usageMessage().abbreviateSynopsis(true);
        if (!root) {
            command.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, Cli::ownOptions);
            UsageMessageSpec usage = command.getCommandSpec().usageMessage();
            List<String> footer = new java.util.ArrayList<>(List.of(usage.footer()));
            footer.add("");
            footer.add("Global flags (-s, --creds, --context, --timeout, ...): see 'natrix --help'.");
            usage.footer(footer.toArray(String[]::new));
        }
        for (CommandLine sub : command.getSubcommands().values()) {
            tidyUsage(sub, false);
        }
    }

    private static String ownOptions(Help help) {
        List<OptionSpec> own = help.commandSpec().options().stream()
                .filter(o -> !o.inherited() && !o.hidden())
                .toList();
        if (own.isEmpty()) {
            return "";
        }
        return help.optionListExcludingGroups(own, help.createDefaultLayout(),
                Help.createShortOptionArityAndNameComparator(), help.parameterLabelRenderer());
    }

    /**
     * The name this program reports itself by in messages: {@code natrix}, or what the script that started it
     * set in {@code NATRIX_EXE_NAME} ({@code bin/nats-server} sets {@code nats-server}).
     */
    public static String programName() {
        String name = System.getenv("NATRIX_EXE_NAME");
        return name == null || name.isBlank() ? "natrix" : name;
    }
}
