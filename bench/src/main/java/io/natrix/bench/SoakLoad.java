package io.natrix.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The soak's whole mixed load against one server: the parts chosen with {@code --parts}, started in a fixed order
 * (the services before the clients that use them) and stopped in the reverse order. Used by one thread.
 */
final class SoakLoad {
    private final List<SoakPart> parts = new ArrayList<>();
    private final List<SoakPart> running = new ArrayList<>();

    SoakLoad(SoakConfig config, ServerProcess server, SoakStats stats) {
        String url = server.url();
        if (config.runs("reqrep")) {
            parts.add(new SoakRequestReply(config, url, stats));
        }
        if (config.runs("fanout")) {
            parts.add(new SoakFanOut(config, url, stats));
        }
        if (config.runs("js")) {
            parts.add(new SoakJetStream(config, url, stats));
        }
        if (config.runs("kv")) {
            parts.add(new SoakKeyValue(config, url, stats));
        }
        if (config.runs("churn")) {
            parts.add(new SoakChurn(config, url, server.port(), stats));
        }
    }

    /** Starts every part; if one cannot start, the ones already running are stopped and the failure is thrown. */
    void start() throws Exception {
        for (SoakPart part : parts) {
            // Added first, so that a part that fails half way is still stopped and closes what it opened.
            running.add(part);
            try {
                part.start();
            } catch (Exception e) {
                stop();
                throw new IllegalStateException("the " + part.name() + " part could not start: " + e, e);
            }
        }
    }

    /** Stops the running parts, last started first. */
    void stop() {
        for (SoakPart part : running.reversed()) {
            part.stop();
        }
        running.clear();
    }
}
