package io.natrix.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Benchmark command lines that a test runs on other threads while it plays the other side (publishes to a
 * {@code bench sub}, requests from a {@code bench service serve}). Registered on a test instance field, it checks
 * after each test that every such run has ended once interrupted, so a run that cannot be stopped fails the test
 * that started it instead of leaking into the next.
 */
final class BackgroundRuns implements AfterEachCallback {

    private static final long STOP_WAIT_SECONDS = 10;

    private final ExecutorService pool = Executors.newCachedThreadPool();

    /** Starts {@code args} on {@code cli} on another thread. */
    Future<Result> run(CliHarness cli, String... args) {
        return pool.submit(() -> cli.run(args));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)).as("background benches ended").isTrue();
    }
}
