package io.natrix.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.CliException;
import io.natrix.cli.output.Json;
import io.natrix.cli.support.GoDuration;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code server check message --stream S --subject SUBJ}: the last message a stream holds on a subject (fetched with
 * {@code $JS.API.STREAM.MSG.GET}), checked for age and content, as natscli's message check. With
 * {@code --body-timestamp} the body (a Unix time in seconds) is the message's time.
 */
@Command(name = "message", description = "Checks properties of a message stored in a stream")
final class MessageCheck extends HealthCheck {

    @Option(names = "--stream", required = true, description = "The streams to check")
    String stream;

    @Option(names = "--subject", defaultValue = ">", description = "The subject to fetch a message from")
    String subject;

    @Option(names = "--age-warn", paramLabel = "DURATION",
            description = "Warning threshold for message age as a duration")
    String ageWarn;

    @Option(names = "--age-critical", paramLabel = "DURATION",
            description = "Critical threshold for message age as a duration")
    String ageCritical;

    @Option(names = "--content", defaultValue = ".", paramLabel = "REGEX",
            description = "Regular expression to check the content against")
    String content;

    @Option(names = "--body-timestamp",
            description = "Use message body as a unix timestamp instead of message metadata")
    boolean bodyTimestamp;

    private Pattern contentPattern;

    @Override
    CheckResult newResult() {
        return new CheckResult("Stream Message", "message");
    }

    @Override
    void validate() {
        ServerCheckCommand.seconds("--age-warn", ageWarn);
        ServerCheckCommand.seconds("--age-critical", ageCritical);
        try {
            contentPattern = Pattern.compile(content);
        } catch (PatternSyntaxException e) {
            throw new CliException("invalid --content \"" + content + "\": " + e.getDescription());
        }
    }

    @Override
    void check(Connection nc, CheckResult check) throws InterruptedException {
        if (subject.isEmpty() || subject.contains("*") || subject.contains(">") || subject.contains(" ")) {
            check.critical("Check failed: invalid subject \"" + subject + "\"");
            return;
        }
        String api = globals().jetStreamApiPrefix() + "STREAM.MSG.GET." + stream;
        String body = Json.MAPPER.createObjectNode().put("last_by_subj", subject).toString();
        Message reply = nc.request(api, body.getBytes(StandardCharsets.UTF_8), globals().timeout());
        if (reply == null || reply.isStatusMessage()) {
            check.critical("msg load failed: " + (reply == null ? "timeout" : "JetStream not enabled"));
            return;
        }
        JsonNode answer = Json.parse(reply.getData(), "the answer to " + api);
        JsonNode error = answer.get("error");
        if (error != null && !error.isNull()) {
            if (error.path("err_code").asInt() == 10037) {
                check.critical("no message found");
            } else {
                check.critical("msg load failed: " + error.path("description").asText() + " ("
                        + error.path("err_code").asInt() + ")");
            }
            return;
        }
        JsonNode msg = answer.path("message");
        byte[] data = msg.hasNonNull("data") ? Base64.getDecoder().decode(msg.path("data").asText()) : new byte[0];
        Instant time;
        if (bodyTimestamp) {
            try {
                time = Instant.ofEpochSecond(Long.parseLong(new String(data, StandardCharsets.UTF_8).strip()));
            } catch (NumberFormatException e) {
                check.critical("invalid timestamp body: " + e.getMessage());
                return;
            }
        } else {
            ZonedDateTime t = Fmt.time(msg.path("time").asText());
            time = t == null ? Instant.now() : t.toInstant();
        }
        Duration age = Duration.ofMillis(Math.round(Duration.between(time, Instant.now()).toNanos() / 1_000_000.0));
        double warn = ServerCheckCommand.seconds("--age-warn", ageWarn);
        double crit = ServerCheckCommand.seconds("--age-critical", ageCritical);
        check.perf("age", age.toMillis() / 1000.0, warn, crit, "s", "The age of the message");
        check.perf("size", data.length, 0, 0, "B", "The size of the message");
        if (crit > 0 && age.toNanos() / 1e9 > crit) {
            check.critical(GoDuration.format(age) + " old");
        } else if (warn > 0 && age.toNanos() / 1e9 > warn) {
            check.warn(GoDuration.format(age) + " old");
        }
        if (!contentPattern.matcher(new String(data, StandardCharsets.UTF_8)).find()) {
            check.critical("does not match regex: " + contentPattern.pattern());
        }
        if (check.status().equals("OK")) {
            check.ok("Valid message on " + stream + " > " + subject);
        }
    }
}
