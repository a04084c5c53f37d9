package io.natrix.cli.messaging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * Runs one external command as natscli's {@code exec.Command(...).CombinedOutput()} does, without a shell: the
 * given input on its standard input, its standard output and error together as the result. Used by
 * {@code reply --command} and {@code --translate}. A command that has not finished after {@link #TIME_LIMIT} is
 * killed with its children and the run fails (natscli would wait for ever). Stateless; any thread.
 */
final class ProcessRun {

    /** How long one run may take. */
    static final java.time.Duration TIME_LIMIT = java.time.Duration.ofMinutes(1);

    /** The most output one run may make: far above any server's max_payload. */
    static final int OUTPUT_BYTES_MAX = 64 * 1024 * 1024;

    /** What the command printed and how it ended: exit status, or -1 with {@code failure} when it could not run. */
    record Result(byte[] output, int status, String failure) {
        boolean ok() {
            return failure == null && status == 0;
        }

        /** Why it failed, in one line (Go's wording: {@code exit status 3}), or null. */
        String why() {
            return failure != null ? failure : status != 0 ? "exit status " + status : null;
        }
    }

    private ProcessRun() {
    }

    /** Runs {@code words} with {@code environment} added to this process's own and {@code input} on stdin. */
    static Result run(List<String> words, Map<String, String> environment, byte[] input)
            throws InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(words).redirectErrorStream(true);
        // The process's own environment (PATH, HOME) under the command line's, as natscli passes os.Environ().
        pb.environment().putAll(environment);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            return new Result(new byte[0], -1, e.getMessage());
        }
        Thread feeder = Thread.ofVirtual().start(() -> feed(process.getOutputStream(), input));
        java.util.concurrent.FutureTask<byte[]> reading = new java.util.concurrent.FutureTask<>(() -> {
            try (InputStream in = process.getInputStream()) {
                return readCapped(in);
            }
        });
        Thread.ofVirtual().start(reading);
        byte[] output;
        try {
            output = reading.get(TIME_LIMIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            kill(process);
            feeder.join();
            return new Result(new byte[0], -1, "command did not finish within " + TIME_LIMIT.toSeconds() + "s");
        } catch (java.util.concurrent.ExecutionException e) {
            kill(process);
            feeder.join();
            return new Result(new byte[0], -1, e.getCause().getMessage());
        }
        boolean ended = process.waitFor(TIME_LIMIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        if (!ended) {
            kill(process);
        }
        feeder.join();
        return ended ? new Result(output, process.exitValue(), null)
                : new Result(new byte[0], -1, "command did not finish within " + TIME_LIMIT.toSeconds() + "s");
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Writes the input to the command's standard input; a command that does not read it is no failure. */
    private static void feed(OutputStream stdin, byte[] input) {
        try (stdin) {
            stdin.write(input);
        } catch (IOException ignored) {
            // The command closed its input without reading it all, which it may.
        }
    }

    private static byte[] readCapped(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (out.size() + n > OUTPUT_BYTES_MAX) {
                throw new IOException("output exceeds " + OUTPUT_BYTES_MAX + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
