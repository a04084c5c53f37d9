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
 * {@code bench pubsub SUBJECT --pub N --sub M}: publishers and subscribers in one run, as natscli's original
 * {@code nats bench SUBJECT --pub N --sub M} ran them (modern natscli needs {@code bench sub} and {@code bench pub}
 * in two terminals). The subscribers subscribe first; then the {@code --msgs} messages are shared among the
 * publishers and every subscriber receives all of them; a subscriber that has had no message for
 * {@code --idle-timeout} fails the run (and stops the publishers). The summary has natscli's
 * {@code NATS Pub/Sub stats} line, then {@code Pub stats} and {@code Sub stats}.
 */
@Command(name = "pubsub", description = "Publish and subscribe to Core NATS messages in one run")
final class PubSubCommand extends BenchBase {

    static final String LABEL = "Core NATS publisher and subscriber";

    @Parameters(index = "0", paramLabel = "SUBJECT", description = "Subject to use for the benchmark")
    String subject;

    @Option(names = "--pub", paramLabel = "N", defaultValue = "1",
            description = "Number of concurrent publishers (default: ${DEFAULT-VALUE})")
    int pubs;

    @Option(names = "--sub", paramLabel = "N", defaultValue = "1",
            description = "Number of concurrent subscribers (default: ${DEFAULT-VALUE})")
    int subs;

    @Mixin
    PublishFlags publish;

    @Mixin
    ThroughputFlags throughput;

    @Mixin
    IdleFlag idleFlag;

    @Option(names = "--sleep", paramLabel = "DURATION", defaultValue = "0s",
            description = "Sleep for the specified interval between publications")
    String sleep;

    @Override
    public Integer call() throws Exception {
        long msgs = throughput.messages(messages());
        int size = messageSize();
        int publishers = (int) Math.min(clients(pubs, "--pub"), msgs);
        int subscribers = clients(subs, "--sub");
        Pacing pacing = Pacing.parse(sleep);
        Subjects subjects = publish.subjects(subject);
        byte[] payload = publish.payload(size);
        Headers headers = publish.headers();
        IdleTimeout idle = idleFlag.timeout(Pacing.NONE);

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("subject", subjects.subscribeSubject());
        settings.put("multi-subject", publish.multiSubject);
        settings.put("multi-subject-max", publish.multiSubjectMax);
        settings.put("sleep", pacing.sleep());
        settings.put("msgs", msgs);
        settings.put("msg-size", size(payload.length));
        settings.put("pubs", publishers);
        settings.put("subs", subscribers);
        settings.put("idle-timeout", idle.limit());
        BenchBase.throughput(settings, throughput);
        banner(LABEL, settings);

        long[] counts = perClient(msgs, publishers);
        try (ClientConnections connections = new ClientConnections(); Progress progress = progress()) {
            List<ClientJob> jobs = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                var nc = connections.add(connectClient("natrix bench sub " + (i + 1)));
                log("[S" + (i + 1) + "] Starting " + SubCommand.LABEL + ", expecting " + Human.count(msgs)
                        + " messages");
                jobs.add(new CoreSubscriber(nc, subjects.subscribeSubject(), msgs, payload.length, idle,
                        progress.bar(msgs)));
            }
            for (int i = 0; i < publishers; i++) {
                var nc = connections.add(connectClient("natrix bench pub " + (i + 1)));
                log("[P" + (i + 1) + "] Starting " + PubCommand.LABEL + ", publishing " + Human.count(counts[i])
                        + " messages");
                jobs.add(new CorePublisher(nc, i, subjects, headers, payload, counts[i], offset(counts, i), pacing,
                        throughput.perClient(publishers), globals().timeout(), progress.bar(counts[i])));
            }
            List<Sample> samples = ClientRunner.run(jobs, progress);
            report(samples.subList(subscribers, samples.size()), samples.subList(0, subscribers));
        }
        return 0;
    }
}
