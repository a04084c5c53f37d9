package io.natrix.cli.bench;

import io.natrix.cli.output.Human;
import io.nats.client.impl.Headers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench pub SUBJECT}: natscli's Core NATS publisher benchmark. The messages are shared among the clients
 * (more clients than messages are cut down to one message each), each publishing on its own connection; the
 * summary reports {@code Pub stats}.
 */
@Command(name = "pub", description = "Publish Core NATS messages")
final class PubCommand extends BenchBase {

    static final String LABEL = "Core NATS publisher";

    @Parameters(index = "0", paramLabel = "SUBJECT", description = "Subject to use for the benchmark")
    String subject;

    @Mixin
    ClientsFlag clientsFlag;

    @Mixin
    PublishFlags publish;

    @Mixin
    ThroughputFlags throughput;

    @Option(names = "--sleep", paramLabel = "DURATION", defaultValue = "0s",
            description = "Sleep for the specified interval between publications")
    String sleep;

    @Override
    public Integer call() throws Exception {
        long msgs = throughput.messages(messages());
        int size = messageSize();
        int clients = (int) Math.min(clients(clientsFlag.clients, "--clients"), msgs);
        Pacing pacing = Pacing.parse(sleep);
        Subjects subjects = publish.subjects(subject);
        byte[] payload = publish.payload(size);
        Headers headers = publish.headers();

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("subject", subjects.subscribeSubject());
        settings.put("multi-subject", publish.multiSubject);
        settings.put("multi-subject-max", publish.multiSubjectMax);
        settings.put("multi-subject-randomize", publish.multiSubjectRandom);
        settings.put("sleep", pacing.sleep());
        settings.put("msgs", msgs);
        settings.put("msg-size", size(payload.length));
        settings.put("clients", clients);
        BenchBase.throughput(settings, throughput);
        banner(LABEL, settings);

        long[] counts = perClient(msgs, clients);
        try (ClientConnections connections = new ClientConnections(); Progress progress = progress()) {
            List<ClientJob> jobs = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                var nc = connections.add(connectClient("natrix bench pub " + (i + 1)));
                log("[" + (i + 1) + "] Starting " + LABEL + ", publishing " + Human.count(counts[i])
                        + " messages");
                jobs.add(new CorePublisher(nc, i, subjects, headers, payload, counts[i], offset(counts, i), pacing,
                        throughput.perClient(clients), globals().timeout(), progress.bar(counts[i])));
            }
            List<Sample> samples = ClientRunner.run(jobs, progress);
            report(samples, List.of());
        }
        return 0;
    }
}
