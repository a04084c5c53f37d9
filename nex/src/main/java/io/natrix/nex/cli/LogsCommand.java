package io.natrix.nex.cli;

import io.natrix.cli.CliException;
import io.natrix.nex.api.NexSubjects;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code natrix nex logs}: follows workload output on {@code $NEX.FEED.<ns>.logs.<wid>.stdout|stderr}, one line
 * per message, printed as {@code [<workload id>/<stream>] line}. Runs until stopped, or until {@code --count}
 * lines were printed.
 */
@Command(name = "logs", description = "Follow the output of workloads")
final class LogsCommand extends NexClientCommand {

    @Option(names = {"--workload", "--workload-id"}, paramLabel = "ID", description = "Only this workload's output")
    String workloadId;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N lines")
    int count;

    @Override
    public Integer call() throws InterruptedException {
        try (Connection nc = connect()) {
            Subscription sub = nc.subscribe(NexSubjects.logs(namespace(), workloadId));
            nc.flush(globals().timeout());
            int printed = 0;
            while (count <= 0 || printed < count) {
                Message m = sub.nextMessage(Duration.ofSeconds(1));
                if (m == null) {
                    continue;
                }
                String[] tokens = m.getSubject().split("\\.");
                String stream = tokens[tokens.length - 1];
                String wid = tokens[tokens.length - 2];
                out().println("[" + wid + "/" + stream + "] " + new String(m.getData(), StandardCharsets.UTF_8));
                out().flush();
                printed++;
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new CliException("could not subscribe: " + e.getMessage(), e);
        }
        return 0;
    }
}
