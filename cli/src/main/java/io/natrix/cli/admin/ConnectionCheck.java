package io.natrix.cli.admin;

import io.natrix.cli.Globals;
import io.natrix.cli.support.GoDuration;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code server check connection}: connect time, round trip time, and a publish-and-receive round trip on an inbox,
 * each against warning and critical thresholds, as natscli's connection check.
 */
@Command(name = "connection", aliases = "conn", description = "Checks basic server connection")
final class ConnectionCheck extends HealthCheck {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Option(names = "--connect-warn", defaultValue = "500ms",
            description = "Warning threshold to allow for establishing connections (default 500ms)")
    String connectWarn;

    @Option(names = "--connect-critical", defaultValue = "1s",
            description = "Critical threshold to allow for establishing connections (default 1s)")
    String connectCritical;

    @Option(names = "--rtt-warn", defaultValue = "500ms",
            description = "Warning threshold to allow for server RTT (default 500ms)")
    String rttWarn;

    @Option(names = "--rtt-critical", defaultValue = "1s",
            description = "Critical threshold to allow for server RTT (default 1s)")
    String rttCritical;

    @Option(names = "--req-warn", defaultValue = "500ms",
            description = "Warning threshold to allow for full round trip test (default 500ms)")
    String reqWarn;

    @Option(names = "--req-critical", defaultValue = "1s",
            description = "Critical threshold to allow for full round trip test (default 1s)")
    String reqCritical;

    private long connectNanos;

    @Override
    CheckResult newResult() {
        return new CheckResult("Connection", "connections");
    }

    @Override
    void validate() {
        ServerCheckCommand.seconds("--connect-warn", connectWarn);
        ServerCheckCommand.seconds("--connect-critical", connectCritical);
        ServerCheckCommand.seconds("--rtt-warn", rttWarn);
        ServerCheckCommand.seconds("--rtt-critical", rttCritical);
        ServerCheckCommand.seconds("--req-warn", reqWarn);
        ServerCheckCommand.seconds("--req-critical", reqCritical);
    }

    @Override
    public Integer call() throws Exception {
        connectNanos = System.nanoTime();
        return super.call();
    }

    @Override
    void check(Connection nc, CheckResult check) throws Exception {
        Duration connectTime = Duration.ofNanos(System.nanoTime() - connectNanos);
        double cw = ServerCheckCommand.seconds("--connect-warn", connectWarn);
        double cc = ServerCheckCommand.seconds("--connect-critical", connectCritical);
        check.perf("connect_time", connectTime.toNanos() / 1e9, cw, cc, "s", "Time taken to connect to NATS");
        String url = nc.getConnectedUrl();
        if (cc != 0 && connectTime.toNanos() / 1e9 >= cc) {
            check.critical("connected to " + url + ", connect time exceeded " + CheckResult.seconds(cc));
        } else if (cw != 0 && connectTime.toNanos() / 1e9 >= cw) {
            check.warn("connected to " + url + ", connect time exceeded " + CheckResult.seconds(cw));
        } else {
            check.ok("connected to " + url + " in " + GoDuration.format(connectTime));
        }

        Duration rtt;
        try {
            rtt = nc.RTT();
        } catch (IOException e) {
            check.critical("rtt failed: " + Globals.rootMessage(e));
            return;
        }
        double rw = ServerCheckCommand.seconds("--rtt-warn", rttWarn);
        double rc = ServerCheckCommand.seconds("--rtt-critical", rttCritical);
        check.perf("rtt", rtt.toNanos() / 1e9, rw, rc, "s", "The round-trip-time of the connection");
        if (rc != 0 && rtt.toNanos() / 1e9 >= rc) {
            check.critical("rtt time exceeded " + CheckResult.seconds(rc));
        } else if (rw != 0 && rtt.toNanos() / 1e9 >= rw) {
            check.warn("rtt time exceeded " + CheckResult.seconds(rw));
        } else {
            check.ok("rtt time " + GoDuration.format(rtt));
        }

        byte[] payload = randomPayload();
        String inbox = nc.createInbox();
        Subscription sub = nc.subscribe(inbox);
        sub.unsubscribe(1);
        long start = System.nanoTime();
        nc.publish(inbox, payload);
        Message received = sub.nextMessage(globals().timeout());
        if (received == null) {
            check.critical("did not receive from " + inbox + ": timeout");
            return;
        }
        double took = (System.nanoTime() - start) / 1e9;
        double qw = ServerCheckCommand.seconds("--req-warn", reqWarn);
        double qc = ServerCheckCommand.seconds("--req-critical", reqCritical);
        check.perf("request_time", took, qw, qc, "s", "Time taken for a full Request-Reply operation");
        if (!java.util.Arrays.equals(received.getData(), payload)) {
            check.critical("did not receive expected message");
        }
        if (qc != 0 && took >= qc) {
            check.critical(String.format(Locale.ROOT, "round trip request took %f", took));
        } else if (qw != 0 && took >= qw) {
            check.warn(String.format(Locale.ROOT, "round trip request took %f", took));
        } else {
            check.ok(String.format(Locale.ROOT, "round trip took %fs", took));
        }
    }

    private static byte[] randomPayload() {
        char[] alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();
        StringBuilder sb = new StringBuilder(100);
        for (int i = 0; i < 100; i++) {
            sb.append(alphabet[RANDOM.nextInt(alphabet.length)]);
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
