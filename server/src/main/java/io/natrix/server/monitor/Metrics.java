package io.natrix.server.monitor;

import io.natrix.server.NatsServer;
import io.natrix.server.account.Account;
import io.natrix.server.client.ServerStats;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * /metrics: the Prometheus text exposition format (version 0.0.4), every family with {@code # HELP} and
 * {@code # TYPE}.
 *
 * <p>Names, and why: server figures are {@code gnatsd_varz_*} and per-account figures {@code gnatsd_accstatz_*}
 * (label {@code account}), the names prometheus-nats-exporter gives the same /varz and /accstatz fields, so the
 * NATS Grafana dashboards built on the exporter read Natrix without an exporter in between (which is also why
 * their counters keep the exporter's names without a {@code _total} suffix). JVM and process figures use the names
 * of the Prometheus Java client ({@code jvm_memory_used_bytes}, {@code jvm_gc_collection_seconds},
 * {@code jvm_threads_current}, {@code process_cpu_seconds_total}...), so JVM dashboards work too. Every sample
 * carries {@code server_id}. JetStream's families ({@code gnatsd_varz_jetstream_*}, {@code jetstream_*}) are
 * written by {@link JetStreamMetrics}.
 *
 * <p>Stateless apart from the server it reads; safe on any thread.
 */
final class Metrics {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final NatsServer server;
    private final Monitoring monitoring;
    private final Accountz accountz;

    Metrics(NatsServer server, Monitoring monitoring, Accountz accountz) {
        this.server = server;
        this.monitoring = monitoring;
        this.accountz = accountz;
    }

    String scrape() {
        Writer w = new Writer(server.serverId());
        serverFamilies(w);
        accountFamilies(w);
        JetStreamMetrics.write(w, server);
        jvmFamilies(w);
        return w.sb.toString();
    }

    private void serverFamilies(Writer w) {
        ServerStats.Traffic t = monitoring.totals();
        Instant now = Instant.now();
        w.family("gnatsd_varz_info", "gauge", "Server identity; the value is always 1.");
        w.sample("gnatsd_varz_info", "version=\"" + escape(io.natrix.server.Version.NATS_SERVER)
                + "\",natrix_version=\"" + escape(io.natrix.server.Version.NATRIX) + "\",server_name=\""
                + escape(server.serverName()) + "\"", 1);
        w.gauge("gnatsd_varz_start", "Server start time, in seconds since the Unix epoch.",
                server.startTime().getEpochSecond());
        w.gauge("gnatsd_varz_uptime", "Seconds since the server started.",
                Duration.between(server.startTime(), now).toMillis() / 1000.0);
        w.gauge("gnatsd_varz_mem", "Resident memory of the server process, in bytes.", Monitoring.rss());
        w.gauge("gnatsd_varz_cpu", "CPU use of the server process, in percent of one core.",
                Monitoring.cpuPercent());
        w.gauge("gnatsd_varz_cores", "Processors available to the server.",
                Runtime.getRuntime().availableProcessors());
        w.gauge("gnatsd_varz_connections", "Client connections open now.", server.connections().size());
        w.counter("gnatsd_varz_total_connections", "Client connections accepted since start.",
                server.stats().totalConnections.get());
        w.gauge("gnatsd_varz_subscriptions", "Subscriptions held now, over all accounts.",
                monitoring.subscriptions());
        w.counter("gnatsd_varz_in_msgs", "Messages received from clients.", t.inMsgs());
        w.counter("gnatsd_varz_out_msgs", "Messages delivered to clients.", t.outMsgs());
        w.counter("gnatsd_varz_in_bytes", "Bytes (headers and payload) received from clients.", t.inBytes());
        w.counter("gnatsd_varz_out_bytes", "Bytes (headers and payload) delivered to clients.", t.outBytes());
        w.counter("gnatsd_varz_slow_consumers", "Clients closed as slow consumers.",
                server.stats().slowConsumers.get());
        w.gauge("gnatsd_varz_routes", "Route connections (clustering is not available yet).", 0);
        w.gauge("gnatsd_varz_remotes", "Remote servers in the cluster.", 0);
        w.gauge("gnatsd_varz_leafnodes", "Leaf node connections.", 0);
        w.gauge("gnatsd_varz_max_connections", "Configured max_connections.", server.options().maxConnections());
        w.gauge("gnatsd_varz_max_payload", "Configured max_payload, in bytes.", server.options().maxPayload());
        w.gauge("gnatsd_varz_max_pending", "Configured max_pending, in bytes.", server.options().maxPending());
    }

    private void accountFamilies(Writer w) {
        Map<String, Account> accounts = new TreeMap<>();
        server.accounts().all().forEach(a -> accounts.put(a.name(), a));
        Map<String, long[]> live = accountz.liveTraffic();
        String[][] families = {
                {"gnatsd_accstatz_current_connections", "gauge", "Client connections of the account open now."},
                {"gnatsd_accstatz_subscriptions", "gauge", "Subscriptions of the account now."},
                {"gnatsd_accstatz_received_messages", "counter", "Messages the account's clients published."},
                {"gnatsd_accstatz_received_bytes", "counter", "Bytes the account's clients published."},
                {"gnatsd_accstatz_sent_messages", "counter",
                    "Messages delivered to clients from the account's subscriptions."},
                {"gnatsd_accstatz_sent_bytes", "counter",
                    "Bytes delivered to clients from the account's subscriptions."},
                {"gnatsd_accstatz_slow_consumers", "counter", "The account's clients closed as slow consumers."}};
        for (int f = 0; f < families.length; f++) {
            w.family(families[f][0], families[f][1], families[f][2]);
            for (Account a : accounts.values()) {
                long[] l = live.getOrDefault(a.name(), new long[2]);
                ClosedConnections.AccountTotals c = server.closedConnections().totals(a.name());
                long value = switch (f) {
                    case 0 -> a.connectionCount();
                    case 1 -> a.index().count();
                    case 2 -> l[0] + c.inMsgs.sum();
                    case 3 -> l[1] + c.inBytes.sum();
                    case 4 -> a.sentMsgs();
                    case 5 -> a.sentBytes();
                    default -> c.slowConsumers.sum();
                };
                w.sample(families[f][0], "account=\"" + escape(a.name()) + "\"", value);
            }
        }
    }

    private static void jvmFamilies(Writer w) {
        var memory = ManagementFactory.getMemoryMXBean();
        MemoryUsage heap = memory.getHeapMemoryUsage();
        MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
        w.family("jvm_memory_used_bytes", "gauge", "Used bytes of a JVM memory area.");
        w.sample("jvm_memory_used_bytes", "area=\"heap\"", heap.getUsed());
        w.sample("jvm_memory_used_bytes", "area=\"nonheap\"", nonHeap.getUsed());
        w.family("jvm_memory_committed_bytes", "gauge", "Committed bytes of a JVM memory area.");
        w.sample("jvm_memory_committed_bytes", "area=\"heap\"", heap.getCommitted());
        w.sample("jvm_memory_committed_bytes", "area=\"nonheap\"", nonHeap.getCommitted());
        w.family("jvm_memory_max_bytes", "gauge", "Max bytes of a JVM memory area (-1 when unbounded).");
        w.sample("jvm_memory_max_bytes", "area=\"heap\"", heap.getMax());
        w.sample("jvm_memory_max_bytes", "area=\"nonheap\"", nonHeap.getMax());
        w.family("jvm_memory_pool_used_bytes", "gauge", "Used bytes of a JVM memory pool.");
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            w.sample("jvm_memory_pool_used_bytes", "pool=\"" + escape(pool.getName()) + "\"",
                    pool.getUsage().getUsed());
        }
        w.family("jvm_buffer_pool_used_bytes", "gauge", "Used bytes of a JVM buffer pool (direct, mapped).");
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            w.sample("jvm_buffer_pool_used_bytes", "pool=\"" + escape(pool.getName()) + "\"",
                    pool.getMemoryUsed());
        }
        w.family("jvm_gc_collection_seconds", "summary", "Time spent in a JVM garbage collector.");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            String label = "gc=\"" + escape(gc.getName()) + "\"";
            w.sample("jvm_gc_collection_seconds_count", label, Math.max(0, gc.getCollectionCount()));
            w.sample("jvm_gc_collection_seconds_sum", label, Math.max(0, gc.getCollectionTime()) / 1000.0);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        w.gauge("jvm_threads_current", "Live JVM threads.", threads.getThreadCount());
        w.gauge("jvm_threads_daemon", "Live JVM daemon threads.", threads.getDaemonThreadCount());
        w.gauge("jvm_threads_peak", "Most live JVM threads at once since start.", threads.getPeakThreadCount());
        w.counter("jvm_threads_started_total", "JVM threads started since start.",
                threads.getTotalStartedThreadCount());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            w.counter("process_cpu_seconds_total", "CPU time of the process, in seconds.",
                    os.getProcessCpuTime() / 1e9);
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u) {
            w.gauge("process_open_fds", "Open file descriptors.", u.getOpenFileDescriptorCount());
            w.gauge("process_max_fds", "Most file descriptors the process may open.", u.getMaxFileDescriptorCount());
        }
        w.gauge("process_resident_memory_bytes", "Resident memory of the process, in bytes.", Monitoring.rss());
        w.gauge("process_start_time_seconds", "Process start time, in seconds since the Unix epoch.",
                ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0);
    }

    /** A label value with backslash, quote and newline escaped, as the exposition format requires. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Appends families and samples; every sample gets the server_id label. Not thread-safe; one per scrape. */
    static final class Writer {
        final StringBuilder sb = new StringBuilder(8 * 1024);
        final String serverLabel;

        Writer(String serverId) {
            this.serverLabel = "server_id=\"" + escape(serverId) + "\"";
        }

        void family(String name, String type, String help) {
            sb.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                    .append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
        }

        void gauge(String name, String help, double value) {
            family(name, "gauge", help);
            sample(name, "", value);
        }

        void counter(String name, String help, double value) {
            family(name, "counter", help);
            sample(name, "", value);
        }

        void sample(String name, String labels, double value) {
            sb.append(name).append('{').append(serverLabel);
            if (!labels.isEmpty()) {
                sb.append(',').append(labels);
            }
            sb.append("} ").append(number(value)).append('\n');
        }

        private static String number(double value) {
            if (value == Math.rint(value) && Math.abs(value) < 1e15) {
                return Long.toString((long) value);
            }
            return String.format(Locale.ROOT, "%s", value);
        }
    }
}
