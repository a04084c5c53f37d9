package io.natrix.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * What the driver reads from Linux's /proc: resident set sizes ({@code /proc/<pid>/status}, {@code VmRSS}), thread
 * counts ({@code Threads}) and open descriptors ({@code /proc/<pid>/fd}), the CPU time a server used
 * ({@code /proc/<pid>/stat}, utime + stime over all its threads), and how busy each CPU was ({@code /proc/stat}), so a
 * run can report the server's CPU cost per message and how much other work shared the server's CPU, and a soak can
 * follow what a server holds over time. Stateless and thread-safe.
 */
final class ProcFs {
    /** Kernel clock ticks per second for the /proc CPU counters (USER_HZ), 100 on every mainstream Linux build. */
    private static final long TICKS_PER_SECOND = clockTicks();

    private ProcFs() {
    }

    /** The resident set of one process in bytes, or empty if it has exited or /proc is not readable. */
    static OptionalLong rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024L);
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /**
     * The resident set of a process plus all its descendants. For nats-server and for a launcher that execs its JVM
     * this is one process; summing keeps the figure honest if a launcher ever stays in between.
     */
    static long rssOfTreeBytes(ProcessHandle root) {
        long total = rssBytes(root.pid()).orElse(0L);
        for (ProcessHandle child : root.descendants().toList()) {
            total += rssBytes(child.pid()).orElse(0L);
        }
        return total;
    }

    /** Open file descriptors of a process and its descendants (entries of {@code /proc/<pid>/fd}). */
    static long openFdsOfTree(ProcessHandle root) {
        long total = openFds(root.pid());
        for (ProcessHandle child : root.descendants().toList()) {
            total += openFds(child.pid());
        }
        return total;
    }

    private static long openFds(long pid) {
        try (var entries = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return entries.count();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Threads of a process and its descendants ({@code Threads} of {@code /proc/<pid>/status}). */
    static long threadsOfTree(ProcessHandle root) {
        long total = threads(root.pid());
        for (ProcessHandle child : root.descendants().toList()) {
            total += threads(child.pid());
        }
        return total;
    }

    private static long threads(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Long.parseLong(line.substring("Threads:".length()).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** The CPUs this process may run on, as the kernel lists them ({@code Cpus_allowed_list}), or "?" if unknown. */
    static String allowedCpus() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return line.substring("Cpus_allowed_list:".length()).trim();
                }
            }
        } catch (IOException e) {
            return "?";
        }
        return "?";
    }

    /** CPU time (user + system, all threads) used so far by a process and its descendants, in nanoseconds. */
    static long cpuNanosOfTree(ProcessHandle root) {
        long ticks = cpuTicks(root.pid());
        for (ProcessHandle child : root.descendants().toList()) {
            ticks += cpuTicks(child.pid());
        }
        return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    }

    /** CPU time (user + system, all threads) used so far by one process, in nanoseconds. */
    static long cpuNanos(long pid) {
        return cpuTicks(pid) * 1_000_000_000L / TICKS_PER_SECOND;
    }

    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // The command name (field 2) may contain spaces and parentheses, so count fields after the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Non-idle time of one CPU since boot, in nanoseconds (user, nice, system, irq, softirq, steal from
     * {@code /proc/stat}), or -1 if unknown.
     */
    static long busyNanosOfCpu(int cpu) {
        try {
            String prefix = "cpu" + cpu + " ";
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith(prefix)) {
                    String[] f = line.substring(prefix.length()).trim().split("\\s+");
                    long busy = Long.parseLong(f[0]) + Long.parseLong(f[1]) + Long.parseLong(f[2])
                            + Long.parseLong(f[5]) + Long.parseLong(f[6]) + Long.parseLong(f[7]);
                    return busy * 1_000_000_000L / TICKS_PER_SECOND;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static long clockTicks() {
        try {
            Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            process.waitFor();
            long ticks = Long.parseLong(text);
            return ticks > 0 ? ticks : 100;
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
