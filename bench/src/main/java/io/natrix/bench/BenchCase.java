package io.natrix.bench;

import java.util.List;

/**
 * One row group of the table: a named measurement that runs against one server at a time. The driver runs each case
 * once per round on each server, alternating which server goes first.
 *
 * <p>Cases that need a server in a known fresh state (memory, start-up) start their own through the launcher; the
 * messaging cases run against a long-lived, warmed-up server that the driver keeps for them.
 */
interface BenchCase {

    /** The scenario column, e.g. "jnats fan-out ×4, 128 B". */
    String title();

    /** The figures this case reports, in table order. */
    List<Metric> metrics();

    /** True if the case runs against the driver's long-lived server rather than starting its own. */
    boolean usesSharedServer();

    /**
     * True if the case needs JetStream: then its long-lived server is a separate one, started with JetStream and a
     * fresh temporary store directory, and a case that starts its own server starts it that way.
     */
    default boolean needsJetStream() {
        return false;
    }

    /** Runs once. Operating failures (loss, timeouts, errors) come back as a failed {@link Sample}, not thrown. */
    Sample run(Context context) throws Exception;

    /**
     * What a run gets: the server kind, the long-lived server of that kind (null for cases that start their own),
     * the launcher and the settings.
     */
    record Context(ServerKind kind, ServerProcess shared, ServerLauncher launcher, BenchConfig config) {
    }

    /** A case the driver also runs, unrecorded, to warm a long-lived server up before anything is measured. */
    interface WarmUp {
        /** Runs once for {@code millis} against {@code server}; the rate decides when the warm-up is stable. */
        Sample warmUp(ServerProcess server, BenchConfig config, long millis) throws Exception;
    }
}
