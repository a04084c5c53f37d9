package io.natrix.nex.cli;

import io.natrix.cli.CliException;
import io.natrix.nex.api.NexEvent;
import io.natrix.nex.api.NexSubjects;
import io.natrix.nex.api.WireJson;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code natrix nex events}: follows node and workload events on {@code $NEX.FEED.<ns>.events.<TYPE>}, one line
 * each ({@code TYPE node=... workload=name/id key=value...}), or the raw JSON with {@code --json}. Runs until
 * stopped, or until {@code --count} events were printed.
 */
@Command(name = "events", description = "Follow node and workload events")
final class EventsCommand extends NexClientCommand {

    @Option(names = "--type", paramLabel = "TYPE", description = "Only events of this type (e.g. WORKLOADSTOPPED)")
    String type;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N events")
    int count;

    @Option(names = "--json", description = "Print each event as its JSON")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        String subject = type == null ? NexSubjects.events(namespace()) : NexSubjects.event(namespace(), type);
        try (Connection nc = connect()) {
            Subscription sub = nc.subscribe(subject);
            nc.flush(globals().timeout());
            int printed = 0;
            while (count <= 0 || printed < count) {
                Message m = sub.nextMessage(Duration.ofSeconds(1));
                if (m == null) {
                    continue;
                }
                if (json) {
                    out().println(new String(m.getData(), StandardCharsets.UTF_8));
                } else {
                    out().println(line(m));
                }
                out().flush();
                printed++;
            }
        } catch (TimeoutException e) {
            throw new CliException("could not subscribe: " + e.getMessage(), e);
        }
        return 0;
    }

    private static String line(Message m) {
        try {
            NexEvent e = WireJson.decode(m.getData(), NexEvent.class);
            StringBuilder sb = new StringBuilder();
            sb.append(e.time()).append(' ').append(e.type()).append(" node=").append(e.nodeId());
            if (e.workloadId() != null) {
                sb.append(" workload=").append(e.workloadName()).append('/').append(e.workloadId());
            }
            e.data().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
            return sb.toString();
        } catch (IllegalArgumentException ex) {
            return m.getSubject() + " " + new String(m.getData(), StandardCharsets.UTF_8);
        }
    }
}
