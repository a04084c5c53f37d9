package io.natrix.nex;

import io.natrix.nex.api.NexEvent;
import io.natrix.nex.api.WireJson;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

/** Records everything on a namespace's Nex feeds ({@code $NEX.FEED.<ns>.>}) for tests to look at. */
public final class FeedRecorder {

    /** One log line: which workload, which stream, the text. */
    public record Line(String workloadId, String stream, String text) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final List<NexEvent> events = new CopyOnWriteArrayList<>();

    public FeedRecorder(Connection nc, String namespace) throws TimeoutException, InterruptedException {
        Dispatcher d = nc.createDispatcher(m -> {
            String[] t = m.getSubject().split("\\.");
            if ("logs".equals(t[3])) {
                lines.add(new Line(t[4], t[5], new String(m.getData(), StandardCharsets.UTF_8)));
            } else if ("events".equals(t[3])) {
                events.add(WireJson.decode(m.getData(), NexEvent.class));
            }
        });
        d.subscribe("$NEX.FEED." + namespace + ".>");
        nc.flush(Duration.ofSeconds(10));
    }

    public List<String> texts(String workloadId, String stream) {
        return lines.stream().filter(l -> l.workloadId().equals(workloadId) && l.stream().equals(stream))
                .map(Line::text).toList();
    }

    public List<NexEvent> events(String type) {
        return events.stream().filter(e -> e.type().equals(type)).toList();
    }

    public List<NexEvent> events(String type, String workloadId) {
        return events.stream().filter(e -> e.type().equals(type) && workloadId.equals(e.workloadId())).toList();
    }
}
