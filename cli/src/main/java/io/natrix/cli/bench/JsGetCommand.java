package io.natrix.cli.bench;

import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Human;
import io.nats.client.Connection;
import io.nats.client.JetStreamOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code bench js get sync}: natscli's synchronous JetStream getter benchmark. Every client reads the first
 * {@code --msgs} messages of the stream by sequence; the summary reports {@code Sub stats} and the latency of each
 * get. (natscli's {@code js get batch}, batched direct gets, is not offered: jnats has no batch get.)
 */
@Command(name = "get", description = "Retrieve messages from JetStream using gets",
        subcommands = JsGetCommand.Sync.class)
final class JsGetCommand extends ClientCommand {

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 0;
    }

    /** {@code bench js get sync}. */
    @Command(name = "sync", description = "Use synchronous JetStream get")
    static final class Sync extends BenchBase {

        static final String LABEL = "JetStream synchronous getter";

        @Mixin
        ClientsFlag clientsFlag;

        @Mixin
        JsFlags js;

        @Override
        public Integer call() throws Exception {
            long msgs = messages();
            int size = messageSize();
            int clients = clients(clientsFlag.clients, "--clients");
            Pacing pacing = Pacing.parse(js.sleep);

            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("stream", js.stream);
            settings.put("sleep", pacing.sleep());
            settings.put("msgs", msgs);
            settings.put("msg-size", size(size));
            settings.put("clients", clients);
            banner(LABEL, settings);

            JetStreamOptions options = globals().jetStreamOptions();
            try (ClientConnections connections = new ClientConnections(); Progress progress = progress()) {
                List<ClientJob> jobs = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    Connection nc = connections.add(connectClient("natrix bench js get " + (i + 1)));
                    log("[" + (i + 1) + "] Starting " + LABEL + ", expecting " + Human.count(msgs) + " messages");
                    jobs.add(new JsGetter(nc, options, js.stream, msgs, size, pacing, progress.bar(msgs)));
                }
                report(List.of(), ClientRunner.run(jobs, progress));
            }
            return 0;
        }
    }
}
