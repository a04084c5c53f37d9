package io.natrix.cli.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Human;
import io.natrix.cli.output.Json;
import io.natrix.cli.output.Columns;
import io.natrix.cli.stream.JsApi;
import io.natrix.cli.stream.Prompter;
import io.nats.client.Connection;
import java.time.Instant;
import java.time.ZoneId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code consumer pause} and {@code consumer resume}: the consumer pause API of nats-server 2.11
 * ({@code CONSUMER.PAUSE.<stream>.<consumer>} with a {@code pause_until} time; an empty request resumes). Both ask
 * first, as natscli does, unless {@code --force}.
 */
final class ConsumerPauseCommands {

    private ConsumerPauseCommands() {
    }

    /** {@code consumer pause STREAM CONSUMER [UNTIL]} (or {@code --until}): a time or a duration from now. */
    @Command(name = "pause", description = "Pause a consumer until a later time")
    static final class Pause extends ClientCommand {
        @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name")
        String stream;

        @Parameters(index = "1", paramLabel = "CONSUMER", description = "Consumer name")
        String consumer;

        @Parameters(index = "2", arity = "0..1", paramLabel = "UNTIL",
                description = "Pause until a specific time (eg 2026-01-02 15:04:05, UTC) or for a duration (eg 1h)")
        String untilArgument;

        @Option(names = "--until", paramLabel = "TIME", description = "The same as the UNTIL argument")
        String untilFlag;

        @Option(names = {"-f", "--force"}, description = "Force pause without prompting")
        boolean force;

        @Override
        public Integer call() throws Exception {
            if (untilArgument != null && untilFlag != null) {
                throw new CliException("give the pause time once, as UNTIL or --until");
            }
            Prompter prompter = new Prompter(globals(), out(), false);
            String until = untilArgument != null ? untilArgument : untilFlag;
            if (until == null) {
                until = prompter.ask("Pause until (time or duration)", "1h", "--until");
            }
            Instant when = PauseTimes.parse(until);
            try (Connection nc = connect()) {
                JsApi api = new JsApi(nc, globals());
                api.consumerInfo(stream, consumer);
                if (!prompter.confirm("pause Consumer " + stream + " > " + consumer + " until " + local(when), force)) {
                    return 0;
                }
                ObjectNode answer = api.request("CONSUMER.PAUSE." + stream + "." + consumer,
                        Json.MAPPER.createObjectNode().put("pause_until", when.toString()));
                if (!answer.path("paused").asBoolean()) {
                    throw new CliException("consumer failed to pause, perhaps a time in the past was given");
                }
                out().printf("Paused %s > %s until %s (%s)%n", stream, consumer,
                        Columns.time(answer.path("pause_until").asText()), ConsumerView.remaining(answer));
                out().flush();
                return 0;
            }
        }
    }

    /** {@code consumer resume STREAM CONSUMER}: ends a pause early. */
    @Command(name = "resume", description = "Resume a paused consumer")
    static final class Resume extends ClientCommand {
        @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name")
        String stream;

        @Parameters(index = "1", paramLabel = "CONSUMER", description = "Consumer name")
        String consumer;

        @Option(names = {"-f", "--force"}, description = "Force resume without prompting")
        boolean force;

        @Override
        public Integer call() throws Exception {
            try (Connection nc = connect()) {
                JsApi api = new JsApi(nc, globals());
                JsonNode info = api.consumerInfo(stream, consumer);
                if (!info.path("paused").asBoolean()) {
                    throw new CliException("consumer is not paused");
                }
                if (!new Prompter(globals(), out(), false).confirm("resume Consumer " + stream + " > " + consumer,
                        force)) {
                    return 0;
                }
                api.request("CONSUMER.PAUSE." + stream + "." + consumer, Json.MAPPER.createObjectNode());
                Instant ts = Columns.instant(info.path("ts").asText(""));
                Instant until = (ts == null ? Instant.now() : ts).plusNanos(info.path("pause_remaining").asLong());
                out().printf("Consumer %s > %s was resumed while previously paused until %s%n", stream, consumer,
                        local(until));
                out().flush();
                return 0;
            }
        }
    }

    private static String local(Instant t) {
        return Human.time(t.atZone(ZoneId.systemDefault()));
    }
}
