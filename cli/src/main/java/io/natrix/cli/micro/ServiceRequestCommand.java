package io.natrix.cli.micro;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.support.GoDuration;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code natrix service request SERVICE ENDPOINT [PAYLOAD]} (alias {@code req}): finds an instance of a service
 * ({@code $SRV.INFO.SERVICE}), looks up the endpoint's subject, and sends it a request, printing what natscli's
 * {@code request} prints: {@code HH:MM:SS Sending request on "SUBJECT"}, {@code HH:MM:SS Received with rtt ...},
 * the reply's headers, and the body ({@code --raw}: the body only). Without PAYLOAD the payload is standard input
 * when it is not a terminal (or with {@code --force-stdin}).
 */
@Command(name = "request", aliases = "req", description = "Send a request to a service endpoint")
final class ServiceRequestCommand extends ClientCommand {

    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Parameters(index = "0", paramLabel = "SERVICE", description = "Service name")
    String name;

    @Parameters(index = "1", paramLabel = "ENDPOINT", description = "Endpoint name")
    String endpoint;

    @Parameters(index = "2", arity = "0..1", paramLabel = "PAYLOAD", description = "Request payload")
    String payload;

    @Option(names = {"-H", "--header"}, paramLabel = "K:V", description = "Headers in K:V form")
    List<String> headers = new ArrayList<>();

    @Option(names = {"-r", "--raw"}, description = "Show only the reply body")
    boolean raw;

    @Option(names = "--count", defaultValue = "1", description = "Send the request N times (default 1)")
    int count;

    @Option(names = "--force-stdin", description = "Force reading payload from stdin")
    boolean forceStdin;

    @Override
    public Integer call() throws InterruptedException {
        if (count < 1) {
            throw new CliException("--count must be at least 1");
        }
        Headers h = new Headers();
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new CliException("invalid header \"" + header + "\": use KEY:VALUE");
            }
            h.add(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
        }
        byte[] body = body();
        PrintWriter out = out();
        try (Connection nc = connect()) {
            String subject = endpointSubject(nc);
            for (int i = 0; i < count; i++) {
                if (!request(nc, out, subject, h, body)) {
                    break;
                }
            }
        }
        return 0;
    }

    private byte[] body() {
        boolean fromStdin = forceStdin || payload == null && !globals().terminal();
        if (!fromStdin) {
            return payload == null ? new byte[0] : payload.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return globals().stdin().readAllBytes();
        } catch (IOException e) {
            throw new CliException("could not read the payload from standard input: " + e.getMessage(), e);
        }
    }

    private String endpointSubject(Connection nc) {
        List<JsonNode> infos = ServiceCommand.answers(ServiceCommand.discover(nc,
                ServiceCommand.subject("INFO", name, null), 1, globals().timeout()), "info");
        if (infos.isEmpty()) {
            throw new CliException("no instances of service \"" + name + "\" found");
        }
        JsonNode info = infos.get(0);
        List<String> names = new ArrayList<>();
        for (JsonNode e : info.path("endpoints")) {
            if (e.path("name").asText().equals(endpoint)) {
                return e.path("subject").asText();
            }
            names.add(e.path("name").asText());
        }
        if (names.isEmpty()) {
            throw new CliException("service \"" + name + "\" has no endpoints");
        }
        throw new CliException("service \"" + name + "\" has no endpoint \"" + endpoint + "\" (available: "
                + String.join(", ", names) + ")");
    }

    /** One request and its reply; false when nothing answers, which ends the run as natscli ends it. */
    private boolean request(Connection nc, PrintWriter out, String subject, Headers h, byte[] body)
            throws InterruptedException {
        if (!raw) {
            log(out, "Sending request on \"" + subject + "\"");
        }
        String inbox = nc.createInbox();
        Subscription sub = nc.subscribe(inbox);
        try {
            nc.publish(NatsMessage.builder().subject(subject).replyTo(inbox).headers(h).data(body).build());
            long start = System.nanoTime();
            Message m = sub.nextMessage(globals().timeout());
            if (m == null) {
                return true;
            }
            if (m.isStatusMessage() && m.getStatus().getCode() == 503) {
                log(out, "No responders are available");
                return false;
            }
            Duration rtt = Duration.ofNanos(System.nanoTime() - start);
            if (!raw) {
                log(out, "Received with rtt " + GoDuration.format(rtt));
                Headers reply = m.getHeaders();
                if (reply != null && !reply.isEmpty()) {
                    for (String key : reply.keySet()) {
                        for (String value : reply.get(key)) {
                            log(out, key + ": " + value);
                        }
                    }
                    log(out, "");
                }
            }
            out.println(m.getData() == null ? "" : new String(m.getData(), StandardCharsets.UTF_8));
            out.flush();
            return true;
        } finally {
            sub.unsubscribe();
        }
    }

    private static void log(PrintWriter out, String line) {
        out.println(LOG_TIME.format(LocalTime.now()) + " " + line);
        out.flush();
    }
}
