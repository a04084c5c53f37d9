package io.natrix.bench;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread of the soak's load: repeats a step, paced to a rate by a {@link Pacer} or back to back when the step
 * paces itself (a fetch that waits for messages), until {@link #stop} is called. A step that throws is counted as an
 * error of its part and the loop goes on: a soak reports how often something failed rather than ending at the first
 * failure. After a failure an unpaced loop waits a little, so a dead connection cannot make it spin.
 *
 * <p>Thread-safe: {@link #stop} may be called from any thread.
 */
final class SoakLoop {
    /** What one iteration does. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    private static final Duration PAUSE_AFTER_FAILURE = Duration.ofMillis(100);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);

    private final Thread thread;
    private volatile boolean running = true;

    private SoakLoop(String part, String name, double perSecond, Step step, SoakStats stats) {
        this.thread = Thread.ofPlatform().name("soak-" + name).daemon().unstarted(() -> {
            Pacer pacer = perSecond > 0 ? new Pacer(perSecond) : null;
            while (running) {
                if (pacer != null) {
                    pacer.await();
                }
                try {
                    step.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    if (running) {
                        stats.error(part, e);
                        if (pacer == null) {
                            LockSupport.parkNanos(PAUSE_AFTER_FAILURE.toNanos());
                        }
                    }
                }
            }
        });
    }

    /** Starts a loop running {@code step} {@code perSecond} times a second (0: back to back). */
    static SoakLoop start(String part, String name, double perSecond, Step step, SoakStats stats) {
        SoakLoop loop = new SoakLoop(part, name, perSecond, step, stats);
        loop.thread.start();
        return loop;
    }

    /** Asks the loop to end after its current step and waits for it; a loop that does not end is interrupted. */
    void stop() {
        running = false;
        try {
            if (!thread.join(JOIN_TIMEOUT)) {
                thread.interrupt();
                thread.join(JOIN_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
