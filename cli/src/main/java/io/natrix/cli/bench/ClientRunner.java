package io.natrix.cli.bench;

import io.natrix.cli.CliException;
import io.natrix.cli.support.ExecutionErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a benchmark's clients together, the way natscli starts its goroutines: one platform thread per client; every
 * client {@linkplain ClientJob#prepare() prepares}; once all are ready they are released at the same moment and
 * their samples are collected in client order. The first failure stops the run: the other clients' threads are
 * interrupted (so a subscriber waiting for messages that will never come gives up) and the failure is thrown as one
 * line. Its waits have no deadline of their own because each is for jobs that cannot wait for ever (see
 * {@link ClientJob}), except stopping the clients, which is given {@value #STOP_WAIT_SECONDS} seconds. Used by the
 * command's thread only; each job is used by its own thread only.
 */
final class ClientRunner {

    private static final long STOP_WAIT_SECONDS = 10;

    private ClientRunner() {
    }

    /**
     * Runs {@code jobs} and returns their samples in the same order; {@code progress} starts drawing when they are
     * released and stops when they are done.
     *
     * @throws CliException         when a client fails (its message, prefixed with what it was doing)
     * @throws InterruptedException when the command's thread is interrupted (the clients are stopped first)
     */
    static List<Sample> run(List<? extends ClientJob> jobs, Progress progress) throws InterruptedException {
        int n = jobs.size();
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n, Thread.ofPlatform().name("bench-client-", 1).factory());
        CompletionService<Sample> done = new ExecutorCompletionService<>(pool);
        List<Future<Sample>> futures = new ArrayList<>(n);
        AtomicReference<Exception> prepareFailure = new AtomicReference<>();
        try {
            for (ClientJob job : jobs) {
                futures.add(done.submit(() -> {
                    try {
                        job.prepare();
                    } catch (Exception e) {
                        prepareFailure.compareAndSet(null, e);
                        throw e;
                    } finally {
                        ready.countDown();
                    }
                    go.await();
                    return job.run();
                }));
            }
            ready.await();
            if (prepareFailure.get() != null) {
                throw oneLine(prepareFailure.get());
            }
            go.countDown();
            progress.start();
            for (int i = 0; i < n; i++) {
                failure(done.take());
            }
            List<Sample> samples = new ArrayList<>(n);
            for (Future<Sample> f : futures) {
                samples.add(f.resultNow());
            }
            return samples;
        } finally {
            pool.shutdownNow();
            progress.close();
            if (!pool.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new CliException("benchmark clients did not stop within " + STOP_WAIT_SECONDS + "s");
            }
        }
    }

    /** Throws the failure of a finished client, if it failed. */
    private static void failure(Future<Sample> f) throws InterruptedException {
        try {
            f.get();
        } catch (ExecutionException e) {
            throw oneLine(e.getCause());
        }
    }

    private static CliException oneLine(Throwable cause) {
        return cause instanceof CliException cli ? cli : new CliException(ExecutionErrors.describe(cause), cause);
    }
}
