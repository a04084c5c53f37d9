package io.natrix.cli.admin;

import io.natrix.cli.CliException;
import io.natrix.cli.Globals;
import io.natrix.cli.support.GoDuration;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code server check request --subject S}: sends one request and checks that an answer comes in time, matches a
 * regular expression and carries the expected headers, as natscli's request check. Headers are given as
 * {@code KEY=VALUE} (or {@code KEY:VALUE}), repeatable.
 */
@Command(name = "request", aliases = "req", description = "Checks a request-reply service")
final class RequestCheck extends HealthCheck {

    @Option(names = "--subject", required = true, description = "The subject to send the request to")
    String subject;

    @Option(names = "--payload", defaultValue = "", description = "Payload to send in the request")
    String payload;

    @Option(names = "--headers", paramLabel = "KEY=VALUE", description = "Headers to publish in the request")
    Map<String, String> headers = new LinkedHashMap<>();

    @Option(names = "--match-payload", paramLabel = "REGEX",
            description = "Regular expression the response should match")
    String matchPayload;

    @Option(names = "--match-headers", paramLabel = "KEY=VALUE", description = "Headers the response should have")
    Map<String, String> matchHeaders = new LinkedHashMap<>();

    @Option(names = "--response-critical", description = "Critical threshold for response time")
    String responseCritical;

    @Option(names = "--response-warn", description = "Warning threshold for response time")
    String responseWarn;

    private Pattern match;

    @Override
    CheckResult newResult() {
        return new CheckResult(subject, "request");
    }

    @Override
    void validate() {
        ServerCheckCommand.seconds("--response-critical", responseCritical);
        ServerCheckCommand.seconds("--response-warn", responseWarn);
        if (matchPayload != null) {
            try {
                match = Pattern.compile(matchPayload);
            } catch (PatternSyntaxException e) {
                throw new CliException("invalid --match-payload \"" + matchPayload + "\": " + e.getDescription());
            }
        }
    }

    @Override
    void check(Connection nc, CheckResult check) throws InterruptedException {
        double warn = ServerCheckCommand.seconds("--response-warn", responseWarn);
        double crit = ServerCheckCommand.seconds("--response-critical", responseCritical);
        Headers h = new Headers();
        headers.forEach(h::add);
        Message request = NatsMessage.builder().subject(subject).headers(h)
                .data(payload.getBytes(StandardCharsets.UTF_8)).build();
        long start = System.nanoTime();
        Message response = null;
        String failure = null;
        try {
            response = nc.request(request).get(globals().timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            failure = "timeout";
        } catch (ExecutionException e) {
            failure = Globals.rootMessage(e.getCause());
        } catch (CancellationException e) {
            failure = "no responders available for request"; // jnats cancels a request nobody can answer
        }
        Duration took = Duration.ofMillis(Math.round((System.nanoTime() - start) / 1_000_000.0));
        check.perf("time", took.toMillis() / 1000.0, warn, crit, "s", "How long the request took");
        if (failure == null && response != null && response.isStatusMessage()) {
            failure = response.getStatus().getCode() == 503 ? "no responders available for request"
                    : response.getStatus().getMessage();
        }
        if (failure != null || response == null) {
            check.critical("could not send request: " + (failure == null ? "no response" : failure));
            return;
        }
        if (match != null && !match.matcher(new String(response.getData(), StandardCharsets.UTF_8)).find()) {
            check.critical("response does not match regexp");
        }
        for (Map.Entry<String, String> e : matchHeaders.entrySet()) {
            String value = response.getHeaders() == null ? "" : response.getHeaders().getFirst(e.getKey());
            value = value == null ? "" : value;
            if (!value.equals(e.getValue())) {
                check.critical("invalid header \"" + e.getKey() + "\" = \"" + value + "\"");
            }
        }
        double seconds = took.toMillis() / 1000.0;
        if (crit > 0 && seconds > crit) {
            check.critical("response took " + GoDuration.format(took));
        } else if (warn > 0 && seconds > warn) {
            check.warn("response took " + GoDuration.format(took));
        }
        if (check.status().equals("OK")) {
            check.ok("Valid response");
        }
    }
}
