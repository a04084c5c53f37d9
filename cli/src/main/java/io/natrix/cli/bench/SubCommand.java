package io.natrix.cli.bench;

import io.natrix.cli.output.Human;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench sub SUBJECT}: natscli's Core NATS subscriber benchmark. Every client subscribes on its own
 * connection and waits for all {@code --msgs} messages (each subscriber receives every message); run the publishers
 * with {@code bench pub} elsewhere, or use {@code bench pubsub} for both in one run. A client fails the run when no
 * message arrives for {@code --idle-timeout}. The summary reports {@code Sub stats}.
 */
@Command(name = "sub", description = "Subscribe to Core NATS messages")
final class SubCommand extends BenchBase {

    static final String LABEL = "Core NATS subscriber";

    @Parameters(index = "0", paramLabel = "SUBJECT", description = "Subject to use for the benchmark")
    String subject;

    @Mixin
    ClientsFlag clientsFlag;

    @Mixin
    IdleFlag idleFlag;

    @Option(names = "--multisubject",
            description = "Multi-subject mode: subscribe to SUBJECT.* as multi-subject publishers publish")
    boolean multiSubject;

    @Override
    public Integer call() throws Exception {
        long msgs = messages();
        int size = messageSize();
        int clients = clients(clientsFlag.clients, "--clients");
        Subjects subjects = new Subjects(subject, multiSubject, 0, false);
        IdleTimeout idle = idleFlag.timeout(Pacing.NONE);

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("subject", subjects.subscribeSubject());
        settings.put("multi-subject", multiSubject);
        settings.put("msgs", msgs);
        settings.put("msg-size", size(size));
        settings.put("clients", clients);
        settings.put("idle-timeout", idle.limit());
        banner(LABEL, settings);

        try (ClientConnections connections = new ClientConnections(); Progress progress = progress()) {
            List<ClientJob> jobs = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                var nc = connections.add(connectClient("natrix bench sub " + (i + 1)));
                log("[" + (i + 1) + "] Starting " + LABEL + ", expecting " + Human.count(msgs) + " messages");
                jobs.add(new CoreSubscriber(nc, subjects.subscribeSubject(), msgs, size, idle, progress.bar(msgs)));
            }
            List<Sample> samples = ClientRunner.run(jobs, progress);
            report(List.of(), samples);
        }
        return 0;
    }
}
