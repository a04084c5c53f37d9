package io.natrix.cli.micro;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.admin.Columns;
import io.natrix.cli.output.Human;
import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import io.nats.client.support.JsonValue;
import io.nats.service.Group;
import io.nats.service.Service;
import io.nats.service.ServiceBuilder;
import io.nats.service.ServiceEndpoint;
import io.nats.service.ServiceMessage;
import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code natrix service serve NAME}: runs natscli's demo service until interrupted: a NATS micro service NAME
 * (version 1.0.0) with one endpoint, {@code NAME.echo}, that answers each request with its payload and headers
 * telling who answered ({@code ConnectedUrl}, {@code Handler} (the process id), {@code Subject},
 * {@code Timestamp}), the request's own headers and any given with {@code -H K:V}. Its statistics carry the payload
 * bytes echoed. Each request is logged as it is handled.
 *
 * <p>Threads: requests are handled on the service's dispatcher thread, which writes the log line; the command's
 * thread waits for an interrupt or for the connection to close.
 */
@Command(name = "serve", description = "Runs a demo Service")
final class ServiceServeCommand extends ClientCommand {

    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Parameters(index = "0", paramLabel = "NAME", description = "A name for the service to run on")
    String name;

    @Option(names = {"-H", "--header"}, paramLabel = "K:V",
            description = "Headers to add to responses using K:V format")
    List<String> headers = new ArrayList<>();

    private final Map<String, String> responseHeaders = new LinkedHashMap<>();

    @Override
    public Integer call() {
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new CliException("invalid header \"" + header + "\": use KEY:VALUE");
            }
            responseHeaders.put(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
        }
        PrintWriter out = out();
        AtomicLong payloadBytes = new AtomicLong();
        long pid = ProcessHandle.current().pid();
        try (Connection nc = connect()) {
            ServiceEndpoint echo = ServiceEndpoint.builder()
                    .group(new Group(name))
                    .endpointName("echo")
                    .handler(request -> {
                        payloadBytes.addAndGet(request.getData() == null ? 0 : request.getData().length);
                        handle(nc, out, request, pid);
                    })
                    .statsDataSupplier(() -> new JsonValue(
                            Map.of("total_payload", new JsonValue(payloadBytes.get()))))
                    .build();
            Service service = new ServiceBuilder().connection(nc).name(name).version("1.0.0")
                    .description("NATS CLI Demo Service (" + name + ")")
                    .metadata(Map.of("_nats.client.created.library", "natrix",
                            "_nats.client.created.version", versionOf()))
                    .addServiceEndpoint(echo)
                    .build();
            service.startService();
            Columns cols = new Columns("NATS CLI Service " + name + " handler " + pid + " waiting for requests on "
                    + nc.getConnectedUrl());
            cols.title("Listening Subjects");
            cols.row(name + ".echo", "Echo Service");
            if (!responseHeaders.isEmpty()) {
                cols.title("Custom Response Headers");
                responseHeaders.forEach(cols::row);
            }
            cols.title("Requests Log");
            synchronized (out) {
                cols.print(out);
            }
            waitUntilStopped(nc);
            service.stop();
        } catch (InterruptedException e) {
            // Interrupted while closing: the service is already being torn down.
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Waits for an interrupt (the user stopping the command) or for the connection to close. */
    private static void waitUntilStopped(Connection nc) {
        CountDownLatch never = new CountDownLatch(1);
        try {
            while (nc.getStatus() != Connection.Status.CLOSED) {
                never.await(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopping is the normal end of a demo service
        }
    }

    private void handle(Connection nc, PrintWriter out, ServiceMessage request, long pid) {
        synchronized (out) {
            out.println(LOG_TIME.format(LocalTime.now()) + " Handling request on subject " + request.getSubject());
            out.flush();
        }
        Headers h = new Headers();
        h.add("ConnectedUrl", nc.getConnectedUrl());
        h.add("Handler", Long.toString(pid));
        h.add("Subject", request.getSubject());
        h.add("Timestamp", Human.time(ZonedDateTime.now()));
        responseHeaders.forEach(h::add);
        Headers incoming = request.getHeaders();
        if (incoming != null) {
            for (String key : incoming.keySet()) {
                h.add(key, incoming.get(key));
            }
        }
        request.respond(nc, request.getData() == null ? new byte[0] : request.getData(), h);
    }

    private static String versionOf() {
        String v = ServiceServeCommand.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}
