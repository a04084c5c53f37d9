package io.natrix.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Remembers every child process the benchmark starts (servers and Go client runs) so that none outlives the driver:
 * each is ended when its owner closes it, and a shutdown hook ends whatever is left on normal exit or Ctrl-C.
 *
 * <p>Thread-safe: the set is concurrent, and ending a process twice is harmless.
 */
final class ChildProcesses {
    private static final Set<ProcessHandle> LIVE = ConcurrentHashMap.newKeySet();
    private static final Duration GRACE = Duration.ofSeconds(5);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::endAll, "bench-child-cleanup"));
    }

    private ChildProcesses() {
    }

    static void register(Process process) {
        LIVE.add(process.toHandle());
    }

    /**
     * Ends a process and its descendants (a launcher script that does not exec would otherwise leave its JVM
     * behind): SIGTERM first, SIGKILL for whatever has not exited after the grace period.
     */
    static void end(ProcessHandle root) {
        end(root, GRACE);
    }

    /**
     * Like {@link #end(ProcessHandle)} with a chosen grace period; returns true when the whole tree exited on SIGTERM
     * within it, false when something had to be killed.
     */
    static boolean end(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        tree.addFirst(root);
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        boolean clean = true;
        for (ProcessHandle handle : tree) {
            long leftNanos = deadline - System.nanoTime();
            try {
                handle.onExit().get(Math.max(leftNanos, 1), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                handle.destroyForcibly();
                clean = false;
            } catch (InterruptedException e) {
                handle.destroyForcibly();
                clean = false;
                Thread.currentThread().interrupt();
            }
        }
        LIVE.remove(root);
        return clean;
    }

    private static void endAll() {
        for (ProcessHandle handle : List.copyOf(LIVE)) {
            // On Ctrl-C there is no time for grace: the server must not survive the driver.
            handle.descendants().forEach(ProcessHandle::destroyForcibly);
            handle.destroyForcibly();
        }
        LIVE.clear();
    }
}
