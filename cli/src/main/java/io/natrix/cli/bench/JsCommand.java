package io.natrix.cli.bench;

import io.natrix.cli.ClientCommand;
import picocli.CommandLine.Command;

/**
 * {@code bench js}: natscli's JetStream benchmarks: publishing ({@code pub sync}, {@code pub async}) and consuming
 * ({@code ordered}, {@code consume}, {@code fetch}) and reading by sequence ({@code get sync}).
 */
@Command(name = "js", description = "JetStream benchmark commands",
        subcommands = {JsCommand.Pub.class, JsConsumeCommand.Ordered.class, JsConsumeCommand.Consume.class,
                JsConsumeCommand.Fetch.class, JsGetCommand.class})
final class JsCommand extends ClientCommand {

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 0;
    }

    /** {@code bench js pub}: the publishing benchmarks. */
    @Command(name = "pub", description = "Publish JetStream messages",
            subcommands = {JsPubCommand.Sync.class, JsPubCommand.Async.class})
    static final class Pub extends ClientCommand {

        @Override
        public Integer call() {
            spec.commandLine().usage(out());
            return 0;
        }
    }
}
