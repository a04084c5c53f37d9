package io.natrix.cli.admin;

import io.natrix.cli.support.ScatterGather;
import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Json;
import io.natrix.cli.support.GoDuration;
import io.nats.client.Connection;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code natrix server ping [EXPECT]}: sends {@code $SYS.REQ.SERVER.PING} and prints each server as it answers with
 * its round trip ({@code NAME rtt=1.2ms}), then natscli's "ping statistics" (replies, max, min, average in
 * milliseconds). Waits for the timeout, or until EXPECT servers (or the cluster size the first answer reports)
 * have answered. Needs a system account user.
 */
@Command(name = "ping", description = "Ping all servers")
public final class ServerPingCommand extends ClientCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "EXPECT", description = "How many servers to expect")
    int expect;

    @Option(names = "--id", description = "Include the Server ID in the output")
    boolean showId;

    @Override
    public Integer call() {
        PrintWriter out = out();
        List<Double> times = new ArrayList<>();
        int[] expected = {expect};
        try (Connection nc = connect()) {
            ScatterGather.stream(nc, "$SYS.REQ.SERVER.PING", "", expect, globals().timeout(), null, reply -> {
                JsonNode statsz = Json.parse(reply.data(), "the answer to $SYS.REQ.SERVER.PING");
                JsonNode server = statsz.path("server");
                int active = statsz.path("statsz").path("active_servers").asInt();
                if (expected[0] == 0 && active > 0 && times.isEmpty()) {
                    expected[0] = active;
                }
                times.add((double) reply.elapsed().toMillis());
                String rtt = GoDuration.format(reply.elapsed());
                if (showId) {
                    out.printf(Locale.ROOT, "%s %-60s rtt=%s%n", server.path("id").asText(),
                            server.path("name").asText(), rtt);
                } else {
                    out.printf(Locale.ROOT, "%-60s rtt=%s%n", server.path("name").asText(), rtt);
                }
                out.flush();
                // The first answer may tell how many servers the cluster has: stop once all of them answered.
                return expected[0] == 0 || times.size() < expected[0];
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
        out.println();
        out.println("---- ping statistics ----");
        if (times.isEmpty()) {
            out.println("no responses received");
        } else {
            double max = times.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            double min = times.stream().mapToDouble(Double::doubleValue).min().orElse(0);
            double avg = times.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            out.printf(Locale.ROOT, "%d replies max: %.2f min: %.2f avg: %.2f%n", times.size(), max, min, avg);
        }
        if (expected[0] != 0 && expected[0] != times.size()) {
            out.printf(Locale.ROOT, "%nMissing %d server(s)%n", expected[0] - times.size());
        }
        out.flush();
        return 0;
    }
}
