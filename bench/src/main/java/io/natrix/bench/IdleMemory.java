package io.natrix.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Idle memory: the resident set of a freshly started server, read after the settle time with no client attached. */
final class IdleMemory implements BenchCase {

    @Override
    public String title() {
        return "idle memory";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(Metric.lower("rss", "RSS after start", Metric.Unit.MEGABYTES));
    }

    @Override
    public boolean usesSharedServer() {
        return false;
    }

    @Override
    public Sample run(Context context) throws Exception {
        try (ServerProcess server = context.launcher().start(context.kind())) {
            long rss = server.settledRssBytes(Duration.ofMillis(context.config().settleMillis()));
            return Sample.ok(Map.of("rss", rss / 1e6));
        }
    }
}
