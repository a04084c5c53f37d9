package io.natrix.nex.workload;

import io.natrix.nex.api.NexEvent;
import io.natrix.nex.api.StartWorkloadRequest;
import io.natrix.nex.api.WorkloadTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A native executable run as a child process (Nex's {@code native} type, unsandboxed like v0's
 * {@code no_sandbox}): argv from the request, an environment of the request's variables plus {@code PATH} and
 * the NATS variables the node adds ({@code NATS_URL}, {@code NEX_WORKLOAD_NATS_URL}, ...), the workload's
 * directory as working directory, stdout and stderr line by line to the log feed.
 *
 * <p>A {@code jvm} workload is a jar run the same way as {@code java -jar JAR argv...}, with the node's own Java.
 *
 * <p>Lifecycles: a {@code job} runs once and its exit is reported ({@code WORKLOADSTOPPED} with
 * {@code reason} finished or failed and the {@code exit_code}); a {@code service} that exits on its own is started
 * again up to its restart limit ({@code WORKLOADRESTARTED} each time), then reported failed. {@link #stop} sends
 * SIGTERM to the process and every descendant it had, waits for the grace period, then kills what is left: a
 * script's children do not outlive it.
 *
 * <p>Thread-safety: the process and counters change under this object's lock; exits are handled on the JDK's
 * process-reaper callbacks, output on one pump thread per stream.
 */
public final class NativeWorkload extends Workload {

    private static final Logger LOG = LoggerFactory.getLogger(NativeWorkload.class);

    /** How the artifact is started. */
    public enum Launch {
        /** The artifact is the program (ELF, Mach-O or a {@code #!} script). */
        EXECUTABLE,
        /** The artifact is a jar, run by the node's Java as {@code java -jar}. */
        JAR
    }

    private final Launch launch;
    private final Path executable;
    private final Path workDir;
    private final Map<String, String> environment;
    private final int restartLimit;
    private final Duration stopGrace;
    private Process process;
    private List<Thread> pumps = List.of();
    private int restarts;
    private boolean stopping;

    /**
     * @param extraEnv   variables the node gives every native workload (its NATS URLs); the request's win over
     *                   none of them
     */
    public NativeWorkload(String id, StartWorkloadRequest spec, WorkloadHost host, Launch launch, Path executable,
                          Path workDir, Map<String, String> extraEnv, int restartLimit, Duration stopGrace) {
        super(id, spec, host);
        this.launch = launch;
        this.executable = executable;
        this.workDir = workDir;
        Map<String, String> env = new LinkedHashMap<>();
        String path = System.getenv("PATH");
        env.put("PATH", path == null ? "/usr/local/bin:/usr/bin:/bin" : path);
        env.putAll(spec.env());
        env.putAll(extraEnv);
        env.put("NEX_WORKLOAD_ID", id);
        env.put("NEX_NAMESPACE", spec.namespace());
        this.environment = Map.copyOf(env);
        this.restartLimit = restartLimit;
        this.stopGrace = stopGrace;
    }

    @Override
    public void start() throws WorkloadException {
        checkFormat();
        if (launch == Launch.EXECUTABLE && !executable.toFile().setExecutable(true, true)) {
            throw new WorkloadException("artifact " + spec().uri() + " could not be made executable");
        }
        try {
            launch();
        } catch (IOException e) {
            state(WorkloadState.ERROR);
            throw new WorkloadException("could not start " + spec().uri() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a file the kernel cannot execute itself: without this, the JDK would hand it to /bin/sh as a script.
     * Accepted: ELF and Mach-O binaries and {@code #!} scripts; for a jar, a zip header.
     */
    private void checkFormat() throws WorkloadException {
        byte[] head = new byte[4];
        int n;
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(executable)) {
            n = in.readNBytes(head, 0, 4);
        } catch (IOException e) {
            throw new WorkloadException("could not read " + spec().uri() + ": " + e.getMessage(), e);
        }
        int magic = n < 4 ? 0 : ((head[0] & 0xff) << 24) | ((head[1] & 0xff) << 16) | ((head[2] & 0xff) << 8) | (head[3] & 0xff);
        if (launch == Launch.JAR) {
            if (magic != 0x504b0304) {
                throw new WorkloadException("artifact " + spec().uri() + " is not a jar (no zip header)");
            }
            return;
        }
        boolean elf = magic == 0x7f454c46;
        boolean machO = magic == 0xfeedface || magic == 0xfeedfacf || magic == 0xcefaedfe || magic == 0xcffaedfe
                || magic == 0xcafebabe;
        boolean script = n >= 2 && head[0] == '#' && head[1] == '!';
        if (!elf && !machO && !script) {
            throw new WorkloadException("artifact " + spec().uri() + " is not an executable (no ELF or Mach-O header, "
                    + "no #! line)");
        }
    }

    /**
     * util-linux's {@code setsid}, which runs a program in a session and process group of its own (it calls
     * setsid(2) and execs, so the pid stays the program's): what the workload leaves behind when it ends (children
     * it started and did not wait for, re-parented and no longer its descendants) is found again by that group.
     * Null where there is none; then only the descendants of a running workload are stopped.
     */
    private static final Path SETSID = java.util.stream.Stream.of("/usr/bin/setsid", "/bin/setsid").map(Path::of)
            .filter(java.nio.file.Files::isExecutable).findFirst().orElse(null);
    private static final Path KILL = java.util.stream.Stream.of("/usr/bin/kill", "/bin/kill").map(Path::of)
            .filter(java.nio.file.Files::isExecutable).findFirst().orElse(null);

    private synchronized void launch() throws IOException {
        List<String> command = new ArrayList<>();
        if (SETSID != null && KILL != null) {
            command.add(SETSID.toString());
        }
        if (launch == Launch.JAR) {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-jar");
        }
        command.add(executable.toString());
        command.addAll(spec().argv());
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process started = builder.start();
        started.getOutputStream().close();
        process = started;
        pumps = List.of(pump(started, "stdout"), pump(started, "stderr"));
        state(WorkloadState.RUNNING);
        started.onExit().thenRun(() -> exited(started));
    }

    private Thread pump(Process p, String stream) {
        LineSink sink = new LineSink(line -> host.log(this, stream, line));
        return Thread.ofPlatform().daemon().name("nex-" + id() + "-" + stream).start(() -> {
            try {
                sink.pump("stdout".equals(stream) ? p.getInputStream() : p.getErrorStream());
            } catch (IOException e) {
                // The stream closes when the process dies; whatever was read has been sent.
            }
        });
    }

    private void exited(Process p) {
        List<Thread> drained;
        synchronized (this) {
            if (p != process) {
                return;
            }
            drained = pumps;
        }
        killGroup(p.pid()); // whatever it left running dies with it (and stops holding its output open)
        for (Thread t : drained) {
            try {
                t.join(1000); // the last lines reach the feed before the event that says it ended
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int code = p.exitValue();
        String type;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("exit_code", code);
        boolean over;
        synchronized (this) {
            boolean job = WorkloadTypes.JOB.equals(spec().workloadLifecycle());
            if (stopping) {
                state(WorkloadState.STOPPED);
                data.put("reason", "stopped");
                type = NexEvent.WORKLOAD_STOPPED;
                over = true;
            } else if (job) {
                state(code == 0 ? WorkloadState.STOPPED : WorkloadState.ERROR);
                data.put("reason", code == 0 ? "finished" : "failed");
                if (code != 0) {
                    data.put("error", "job exited with code " + code);
                }
                type = NexEvent.WORKLOAD_STOPPED;
                over = true;
            } else if (restarts < restartLimit) {
                restarts++;
                data.put("restarts", restarts);
                type = NexEvent.WORKLOAD_RESTARTED;
                over = false;
                try {
                    launch();
                } catch (IOException | UncheckedIOException e) {
                    state(WorkloadState.ERROR);
                    data.put("reason", "failed");
                    data.put("error", "could not restart: " + e.getMessage());
                    type = NexEvent.WORKLOAD_STOPPED;
                    over = true;
                }
            } else {
                state(WorkloadState.ERROR);
                data.put("reason", "failed");
                data.put("restarts", restarts);
                data.put("error", "service exited with code " + code + " after " + restarts + " restarts");
                type = NexEvent.WORKLOAD_STOPPED;
                over = true;
            }
        }
        event(type, data);
        if (over) {
            host.ended(this);
        }
    }

    /** SIGKILL to what is left of the workload's process group (its pid); nothing when there is none. */
    private static void killGroup(long pgid) {
        if (SETSID == null || KILL == null) {
            return;
        }
        try {
            Process kill = new ProcessBuilder(KILL.toString(), "-KILL", "--", "-" + pgid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.warn("Could not kill the process group {}: {}", pgid, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        Process p;
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
            p = process;
            state(WorkloadState.STOPPING);
        }
        if (p == null) {
            return;
        }
        // Take the tree before signalling: children of a dead parent are re-parented and no longer found.
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(p.toHandle());
        p.toHandle().descendants().forEach(tree::add);
        for (ProcessHandle h : tree) {
            h.destroy();
        }
        long deadline = System.nanoTime() + stopGrace.toNanos();
        for (ProcessHandle h : tree) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                h.descendants().forEach(ProcessHandle::destroyForcibly);
                h.destroyForcibly();
            } catch (ExecutionException e) {
                h.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                h.destroyForcibly();
            }
        }
        try {
            p.onExit().get(stopGrace.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Killed above; the exit callback reports it when the kernel lets go.
        }
    }

    @Override
    public synchronized int restarts() {
        return restarts;
    }
}
