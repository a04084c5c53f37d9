package io.natrix.app.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Routes the Unix signals a running server answers to, as nats-server does:
 *
 * <pre>
 * INT, TERM  graceful stop           HUP   reload the configuration file
 * USR1       reopen the log file     USR2  lame duck mode
 * </pre>
 *
 * <p>Signals go through {@code sun.misc.Signal}, the JDK's only way to catch them; each registration is guarded,
 * so a platform or JVM that refuses one (the JVM keeps QUIT for its thread dumps) loses that signal only.
 *
 * <p>HotSpot suspends threads with USR2 too unless {@code _JAVA_SR_SIGNUM} names another signal (Java Flight
 * Recorder suspends threads to sample them), which would send a profiled server into lame duck mode; the
 * {@code natrix} launcher sets {@code _JAVA_SR_SIGNUM} for the server. Run the jar by hand, set it yourself.
 *
 * <p>Thread-safety: the JVM runs each handler on a thread of its own, so a {@link Handler} must be thread-safe.
 */
final class ServerSignals {

    private static final Logger LOG = LoggerFactory.getLogger(ServerSignals.class);

    /** What a server does for each signal. */
    interface Handler {
        void stop();

        void reload();

        void reopenLog();

        void lameDuck();
    }

    private ServerSignals() {
    }

    static void install(Handler handler) {
        handle("INT", handler::stop);
        handle("TERM", handler::stop);
        handle("HUP", handler::reload);
        handle("USR1", handler::reopenLog);
        handle("USR2", handler::lameDuck);
    }

    private static void handle(String name, Runnable action) {
        try {
            Signal.handle(new Signal(name), signal -> {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.error("Handling SIG{} failed", name, e);
                }
            });
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            LOG.debug("SIG{} is not available to the server: {}", name, e.getMessage());
        }
    }
}
