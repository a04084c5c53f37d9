package io.natrix.cli.bench;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Human;
import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import io.nats.service.Service;
import io.nats.service.ServiceEndpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench service}: natscli's request/reply benchmark in two halves. {@code serve} starts {@code --clients}
 * instances of a NATS micro service ({@value #SERVICE_NAME} {@value #SERVICE_VERSION}, replying {@code ok}, in the
 * service's queue group so the instances share the load) and serves until stopped; {@code request} sends requests
 * to it and reports their rate and round-trip latencies.
 */
@Command(name = "service", description = "Micro-service mode",
        subcommands = {ServiceCommand.Request.class, ServiceCommand.Serve.class})
final class ServiceCommand extends ClientCommand {

    static final String SERVICE_NAME = "nats-bench-service";
    static final String SERVICE_VERSION = "1.0.0";

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 0;
    }

    /** {@code bench service request SUBJECT}: the requesters. */
    @Command(name = "request", description = "Send a request and wait for a reply")
    static final class Request extends BenchBase {

        static final String LABEL = "Core NATS service requester";

        @Parameters(index = "0", paramLabel = "SUBJECT", description = "Subject to use for the benchmark")
        String subject;

        @Mixin
        ClientsFlag clientsFlag;

        @Mixin
        ThroughputFlags throughput;

        @Option(names = "--sleep", paramLabel = "DURATION", defaultValue = "0s",
                description = "Sleep for the specified interval between requests")
        String sleep;

        @Mixin
        PayloadFlags message;

        @Override
        public Integer call() throws Exception {
            long msgs = throughput.messages(messages());
            int size = messageSize();
            int clients = (int) Math.min(clients(clientsFlag.clients, "--clients"), msgs);
            Pacing pacing = Pacing.parse(sleep);
            byte[] payload = message.payload(size);
            Headers headers = message.headers();
            Subjects subjects = new Subjects(subject, false, 0, false);

            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("subject", subject);
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
                    Connection nc = connections.add(connectClient("natrix bench request " + (i + 1)));
                    log("[" + (i + 1) + "] Starting " + LABEL + ", requesting " + Human.count(counts[i])
                            + " messages");
                    jobs.add(new Requester(nc, i, subjects, headers, payload, counts[i], offset(counts, i), pacing,
                            throughput.perClient(clients), globals().timeout(), progress.bar(counts[i])));
                }
                report(ClientRunner.run(jobs, progress), List.of());
            }
            return 0;
        }
    }

    /**
     * {@code bench service serve SUBJECT}: the service instances; they serve until the command is stopped (natscli's
     * serve never ends by itself either), so it takes no message count, size, progress or CSV flags. It does end, with
     * one line, when one of its connections closes (the server went away or dropped it): jnats does not reconnect
     * them, so serving on would wait for ever with nothing to serve.
     */
    @Command(name = "serve", description = "Service requests")
    static final class Serve extends ClientCommand {

        static final String LABEL = "Core NATS service server";

        @Parameters(index = "0", paramLabel = "SUBJECT", description = "Subject to use for the benchmark")
        String subject;

        @Mixin
        ClientsFlag clientsFlag;

        @Option(names = "--sleep", paramLabel = "DURATION", defaultValue = "0s",
                description = "Sleep for the specified interval before replying to the request")
        String sleep;

        @Override
        public Integer call() throws Exception {
            int clients = BenchBase.clients(clientsFlag.clients, "--clients");
            Pacing pacing = Pacing.parse(sleep);
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("subject", subject);
            settings.put("sleep", pacing.sleep());
            settings.put("clients", clients);
            BenchBase.banner(err(), LABEL, settings);

            ClientHealth health = new ClientHealth();
            List<Service> services = new ArrayList<>();
            try (ClientConnections connections = new ClientConnections()) {
                try {
                    for (int i = 0; i < clients; i++) {
                        Connection nc = connections.add(
                                BenchBase.connectClient(globals(), "natrix bench serve " + (i + 1), health));
                        BenchBase.log(err(), "[" + (i + 1) + "] Starting " + LABEL + ", hit control-c to stop");
                        Service service = service(nc, pacing);
                        service.startService();
                        services.add(service);
                        nc.flush(globals().timeout());
                    }
                    Connection lost = health.awaitClosed();
                    String reason = lost.getLastError();
                    throw new CliException("the connection closed while serving"
                            + (reason == null ? "" : ": " + reason));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    services.forEach(Serve::stop);
                }
            }
            return 0;
        }

        /** Stops {@code service}; one whose connection closed has nothing left to stop (jnats then refuses). */
        private static void stop(Service service) {
            try {
                service.stop(false);
            } catch (IllegalStateException closed) {
                // The connection is closed, and its dispatchers with it: the failure that closed it is reported.
            }
        }

        /** A service instance on {@code nc} that answers {@code ok} after the pause. */
        private Service service(Connection nc, Pacing pacing) {
            return Service.builder()
                    .connection(nc)
                    .name(SERVICE_NAME)
                    .version(SERVICE_VERSION)
                    .addServiceEndpoint(ServiceEndpoint.builder()
                            .endpointName("default")
                            .endpointSubject(subject)
                            .handler(request -> {
                                try {
                                    pacing.pause();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                    return;
                                }
                                request.respond(nc, "ok");
                            })
                            .build())
                    .build();
        }
    }
}
