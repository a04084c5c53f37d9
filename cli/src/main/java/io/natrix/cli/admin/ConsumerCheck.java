package io.natrix.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.support.GoDuration;
import io.nats.client.Connection;
import java.time.Duration;
import java.time.ZonedDateTime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code server check consumer --stream S --consumer C}: a consumer's outstanding acks, waiting pulls, unprocessed
 * and redelivered messages, and time since the last delivery and ack, as natscli's consumer check.
 */
@Command(name = "consumer", description = "Checks the health of a consumer")
final class ConsumerCheck extends HealthCheck {
    @Option(names = "--stream", required = true, description = "The streams to check")
    String stream;

    @Option(names = "--consumer", required = true, description = "The consumer to check")
    String consumer;

    @Option(names = "--outstanding-ack-critical", defaultValue = "-1",
            description = "Maximum number of outstanding acks to allow")
    long ackOutstandingCritical;

    @Option(names = "--waiting-critical", defaultValue = "-1",
            description = "Maximum number of waiting pulls to allow")
    long waitingCritical;

    @Option(names = "--unprocessed-critical", defaultValue = "-1",
            description = "Maximum number of unprocessed messages to allow")
    long unprocessedCritical;

    @Option(names = "--last-delivery-critical", defaultValue = "0s",
            description = "Time to allow since the last delivery")
    String lastDeliveryCritical;

    @Option(names = "--last-ack-critical", defaultValue = "0s", description = "Time to allow since the last ack")
    String lastAckCritical;

    @Option(names = "--redelivery-critical", defaultValue = "-1",
            description = "Maximum number of redeliveries to allow")
    long redeliveryCritical;

    @Override
    CheckResult newResult() {
        return new CheckResult(stream + "_" + consumer, "consumer");
    }

    @Override
    void validate() {
        ServerCheckCommand.seconds("--last-delivery-critical", lastDeliveryCritical);
        ServerCheckCommand.seconds("--last-ack-critical", lastAckCritical);
    }

    @Override
    void check(Connection nc, CheckResult check) {
        JsonNode ci = api(nc, check, "CONSUMER.INFO." + stream + "." + consumer);
        if (ci == null) {
            return;
        }
        long ackPending = ci.path("num_ack_pending").asLong();
        long waiting = ci.path("num_waiting").asLong();
        long pending = ci.path("num_pending").asLong();
        long redelivered = ci.path("num_redelivered").asLong();
        double deliveryCrit = ServerCheckCommand.seconds("--last-delivery-critical", lastDeliveryCritical);
        double ackCrit = ServerCheckCommand.seconds("--last-ack-critical", lastAckCritical);
        check.perf("ack_pending", ackPending, 0, ackOutstandingCritical, "",
                "The number of messages waiting to be Acknowledged");
        check.perf("pull_waiting", waiting, 0, waitingCritical, "", "The number of waiting Pull requests");
        check.perf("pending", pending, 0, unprocessedCritical, "",
                "The number of messages that have not yet been consumed");
        check.perf("redelivered", redelivered, 0, redeliveryCritical, "",
                "The number of messages currently being redelivered");
        ZonedDateTime lastDelivery = Fmt.time(ci.path("delivered").path("last_active").asText());
        ZonedDateTime lastAck = Fmt.time(ci.path("ack_floor").path("last_active").asText());
        ZonedDateTime now = ZonedDateTime.now();
        if (lastDelivery != null) {
            check.perf("last_delivery", Duration.between(lastDelivery, now).toNanos() / 1e9, 0, deliveryCrit, "s",
                    "Seconds since the last message was delivered");
        }
        if (lastAck != null) {
            check.perf("last_ack", Duration.between(lastAck, now).toNanos() / 1e9, 0, ackCrit, "s",
                    "Seconds since the last message was acknowledged");
        }
        atMost(check, "Ack Pending", ackOutstandingCritical, ackPending);
        atMost(check, "Waiting Pulls", waitingCritical, waiting);
        atMost(check, "Unprocessed Messages", unprocessedCritical, pending);
        atMost(check, "Redelivered", redeliveryCritical, redelivered);
        since(check, "delivery", "No deliveries", deliveryCrit, lastDelivery, now);
        since(check, "ack", "No acks", ackCrit, lastAck, now);
    }

    private static void atMost(CheckResult check, String what, long critical, long value) {
        if (critical <= 0) {
            return;
        }
        if (value >= critical) {
            check.critical(what + ": " + value);
        } else {
            check.ok(what + ": " + value);
        }
    }

    private static void since(CheckResult check, String what, String never, double critical, ZonedDateTime last,
                              ZonedDateTime now) {
        if (critical <= 0) {
            return;
        }
        if (last == null) {
            check.critical(never);
            return;
        }
        Duration ago = Duration.between(last, now);
        if (ago.toNanos() / 1e9 >= critical) {
            check.critical("Last " + what + " " + GoDuration.format(ago) + " ago");
        } else {
            check.ok("Last " + what + " " + last);
        }
    }
}
