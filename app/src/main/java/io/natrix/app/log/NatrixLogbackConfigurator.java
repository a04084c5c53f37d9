package io.natrix.app.log;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Logback's start-up hook (registered in {@code META-INF/services}): installs Natrix's default log set-up
 * (standard error, nats-server line format, INFO) and tells Logback not to look further, which spares every
 * start the search for, and parsing of, logback XML files. {@link Logging#configure} refines it later.
 *
 * <p>Called once by Logback, on the thread that first touches SLF4J.
 */
public final class NatrixLogbackConfigurator extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        try {
            Logging.configure(context, Logging.LogSettings.DEFAULT);
        } catch (IOException e) {
            // Standard error involves no file to open, so this can not happen.
            throw new UncheckedIOException(e);
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
