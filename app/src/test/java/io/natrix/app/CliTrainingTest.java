package io.natrix.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The client commands' training run, and building only the command a command line names. */
class CliTrainingTest {

    @Test
    void everyTrainingCommandLineSucceedsAgainstItsOwnServer() {
        StringWriter err = new StringWriter();
        assertThat(CliTraining.run(new PrintWriter(err, true))).isZero();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void theCommandWordSkipsRootOptionsAndTheirValues() {
        CommandLine root = new CommandLine(new NatrixCommand());
        assertThat(Cli.commandWord(root, new String[] {"-s", "nats://x:1", "pub", "a"})).isEqualTo("pub");
        assertThat(Cli.commandWord(root, new String[] {"--server=nats://x:1", "--trace", "kv", "ls"}))
                .isEqualTo("kv");
        assertThat(Cli.commandWord(root, new String[] {"--timeout", "2s", "--context", "c"})).isNull();
        assertThat(Cli.commandWord(root, new String[] {})).isNull();
    }

    @Test
    void onlyTheNamedCommandIsBuiltAndHelpStillListsThemAll() {
        PrintWriter quiet = new PrintWriter(new StringWriter());
        CommandLine pub = NatrixCommand.commandLine(quiet, quiet, new String[] {"pub", "x"});
        assertThat(pub.getSubcommands()).containsKey("pub").doesNotContainKey("stream").doesNotContainKey("nex");
        CommandLine alias = NatrixCommand.commandLine(quiet, quiet, new String[] {"str", "ls"});
        assertThat(alias.getSubcommands()).containsKey("stream").doesNotContainKey("pub");
        CommandLine help = NatrixCommand.commandLine(quiet, quiet, new String[] {"--help"});
        assertThat(help.getSubcommands()).containsKeys("pub", "stream", "kv", "server", "bench", "nex");
        assertThat(NatrixCommand.commandLine(quiet, quiet, new String[] {"nex", "node", "ls"}).getSubcommands())
                .containsKey("nex").doesNotContainKey("pub");
        assertThat(help.getSubcommands().get("server").getSubcommands()).containsKey("ls");
    }
}
