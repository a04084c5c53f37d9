package io.natrix.app.server;

import io.natrix.app.IoErrors;
import io.natrix.app.log.Logging;
import io.natrix.app.log.Logging.LogSettings;
import io.natrix.server.NatsServer;
import io.natrix.server.config.ConfigException;
import io.natrix.server.config.ServerOptions;
import io.natrix.server.transport.EarlyListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MarkerFactory;

/**
 * Runs one server process from start to exit: sets up logging, starts {@link NatsServer} (which writes the
 * ports file itself), writes the pid file, answers signals ({@link ServerSignals}), waits for the server to stop,
 * removes the pid file, and returns the exit status (0 after a graceful stop).
 *
 * <p>The server binds its port inside {@link NatsServer#start()} before anything else here that can wait, so
 * clients can connect as early as possible.
 *
 * <p>Thread-safety: {@link #run()} runs on the main thread; the signal methods run on the JVM's signal threads
 * and are synchronized with each other, so a reload never overlaps a stop.
 */
final class ServerRunner implements ServerSignals.Handler {

    /**
     * The logger, in a holder class: a static logger field here would start SLF4J (a service-loader scan of the
     * class path and logback's set-up, tens of milliseconds) when this class is initialised, that is before
     * {@link #run()} has opened the listener.
     */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(ServerRunner.class);
    }

    private final ServerFlags flags;
    private final PrintWriter err;
    private final String prefix;
    private final PidFile pidFile = new PidFile();
    /** The configuration file's and the flags' warnings, logged once the log is set up. */
    private final List<String> startWarnings;
    private ServerOptions options;
    private NatsServer server;
    /** Guarded by this: whether start() has returned, and whether a stop signal came before it did. */
    private boolean started;
    private boolean stopRequested;

    ServerRunner(ServerFlags flags, ServerFlags.Resolved resolved, PrintWriter err, String prefix) {
        this.flags = flags;
        this.options = resolved.options();
        this.startWarnings = new ArrayList<>(resolved.fileWarnings());
        this.startWarnings.addAll(flags.warnings());
        this.err = err;
        this.prefix = prefix;
    }

    static LogSettings logSettings(ServerOptions options) {
        return new LogSettings(options.logFile(), options.logTime(), options.debug(), options.trace(),
                options.logFileSizeLimit(), options.logFileMaxNum());
    }

    int run() {
        // Listen before anything else loads (logging, Netty): from here on the kernel accepts connections.
        EarlyListener early = null;
        IOException listenError = null;
        try {
            early = EarlyListener.open(options.host(), options.port());
        } catch (IOException e) {
            listenError = e;
        }
        try {
            Logging.configure(logSettings(options));
        } catch (IOException e) {
            err.println(prefix + "could not open log file " + options.logFile() + ": " + IoErrors.describe(e));
            return 1;
        }
        for (String warning : startWarnings) {
            Log.LOG.warn(warning);
        }
        if (listenError != null) {
            Log.LOG.error(MarkerFactory.getMarker(Logging.FATAL), "Error listening on port: {}:{}, {}", options.host(),
                    options.port(), describe(listenError));
            return 1;
        }
        server = new NatsServer(options, early);
        server.reloader(this::reload); // $SYS.REQ.SERVER.<id>.RELOAD reads the file and the flags as SIGHUP does
        // Signals first: a harness may stop the server as soon as it accepts, before start() has returned.
        ServerSignals.install(this);
        Runtime.getRuntime().addShutdownHook(new Thread(pidFile::remove, "natrix-remove-pid-file"));
        try {
            if (options.pidFile() != null) {
                pidFile.write(options.pidFile(), ProcessHandle.current().pid());
            }
        } catch (IOException e) {
            Log.LOG.error(MarkerFactory.getMarker(Logging.FATAL), "Could not write pid file {}: {}", options.pidFile(),
                    describe(e));
            return 1;
        }
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            Log.LOG.error(MarkerFactory.getMarker(Logging.FATAL), "Could not start the server: {}", describe(e));
            try {
                server.shutdown();
            } catch (RuntimeException ignored) {
                // The start failed part-way; the process exits next, which releases whatever is left.
            }
            pidFile.remove();
            return 1;
        }
        synchronized (this) {
            started = true;
            if (stopRequested) {
                server.shutdown();
            }
        }
        if (flags.aotTraining) {
            String problem = AotTraining.exercise(server.port(), server.httpPort(), options.jetstream());
            if (problem != null) {
                Log.LOG.warn("Training run incomplete: {}", problem);
            }
            server.shutdown();
            if (options.jetstream()) {
                trainRecovery();
            }
        }
        try {
            server.awaitShutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdown();
        }
        pidFile.remove();
        return 0;
    }

    /** Starts the server once more on the training store, so that restoring its stream is trained as well. */
    private void trainRecovery() {
        try {
            server.awaitShutdown();
            NatsServer again = new NatsServer(options);
            again.start();
            again.shutdown();
            again.awaitShutdown();
        } catch (IOException | RuntimeException e) {
            Log.LOG.warn("Training run incomplete: the restart on the training store failed: {}", describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(Throwable e) {
        return IoErrors.describe(e);
    }

    @Override
    public synchronized void stop() {
        stopRequested = true;
        if (started) {
            server.shutdown();
        }
    }

    /** SIGUSR2. A server that is still starting has no clients to move away, so it simply stops. */
    @Override
    public synchronized void lameDuck() {
        if (!started) {
            stop();
            return;
        }
        server.enterLameDuckMode();
    }

    @Override
    public synchronized void reopenLog() {
        try {
            if (Logging.reopen()) {
                Log.LOG.info("File log re-opened");
            } else {
                Log.LOG.info("File log re-open ignored, not a file logger");
            }
        } catch (IOException e) {
            Log.LOG.error("Could not re-open the log file: {}", describe(e));
        }
    }

    /** SIGHUP: read the configuration file again, put the same flags over it, and hand it to the server. */
    @Override
    public synchronized void reload() {
        if (!started) {
            Log.LOG.warn("Ignoring the reload signal: the server is still starting");
            return;
        }
        if (flags.configFile == null) {
            Log.LOG.error("Failed to reload server configuration: no configuration file was given with -c");
            return;
        }
        ServerFlags.Resolved resolved;
        try {
            resolved = flags.resolve();
        } catch (ConfigException | IllegalArgumentException e) {
            Log.LOG.error("Failed to reload server configuration: {}", e.getMessage());
            for (Throwable more : e.getSuppressed()) {
                Log.LOG.error("Failed to reload server configuration: {}", more.getMessage());
            }
            return;
        }
        ServerOptions next = resolved.options();
        for (String warning : resolved.fileWarnings()) {
            Log.LOG.warn(warning);
        }
        try {
            server.reload(next);
        } catch (RuntimeException e) {
            Log.LOG.error("Failed to reload server configuration: {}", describe(e));
            return;
        }
        options = next;
        try {
            Logging.configure(logSettings(next));
        } catch (IOException e) {
            Log.LOG.error("Could not open log file {} after the reload; logging stays where it was: {}",
                    next.logFile(), describe(e));
        }
    }
}
