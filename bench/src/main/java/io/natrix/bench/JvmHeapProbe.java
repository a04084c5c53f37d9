package io.natrix.bench;

import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The heap of a server that runs on a JVM (Natrix): the probe attaches to the server's JVM once, starts its local
 * JMX agent (loopback only, no port opened to the network) and keeps one connection to it. Each reading asks the
 * server's {@code MemoryMXBean} for a full collection ({@code gc()}, as {@code jcmd GC.run} does) and then for the
 * heap in use, and for what the JVM uses outside the heap (metaspace, code cache), which explains part of the resident
 * set. The agent adds a few threads and descriptors to the server, once, at the start; they stay constant.
 * Used by one thread.
 */
final class JvmHeapProbe implements HeapProbe {
    private final JMXConnector connector;
    private final MemoryMXBean memory;

    private JvmHeapProbe(JMXConnector connector, MemoryMXBean memory) {
        this.connector = connector;
        this.memory = memory;
    }

    /** Attaches to the JVM among {@code server}'s process tree; empty (with the reason printed) when it cannot. */
    static Optional<HeapProbe> attach(ServerProcess server) {
        Optional<ProcessHandle> jvm = findJvm(server.handle());
        if (jvm.isEmpty()) {
            System.out.println("  (heap: no java process under " + server + "; heap not sampled)");
            return Optional.empty();
        }
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(jvm.get().pid()));
            String address;
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
            JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
            MBeanServerConnection connection = connector.getMBeanServerConnection();
            MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(
                    connection, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
            return Optional.of(new JvmHeapProbe(connector, memory));
        } catch (Exception e) {
            System.out.println("  (heap: could not attach to the JVM " + jvm.get().pid() + ": " + e
                    + "; heap not sampled)");
            return Optional.empty();
        }
    }

    /** The process of the tree whose executable is {@code java} (the launcher script execs it, so usually the root). */
    private static Optional<ProcessHandle> findJvm(ProcessHandle root) {
        return Stream.concat(Stream.of(root), root.descendants())
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst();
    }

    @Override
    public Reading read() {
        try {
            long start = System.nanoTime();
            memory.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            long millis = (System.nanoTime() - start) / 1_000_000;
            return new Reading(used, millis, memory.getNonHeapMemoryUsage().getUsed());
        } catch (RuntimeException e) {
            return Reading.NONE;
        }
    }

    @Override
    public String method() {
        return "JVM heap in use after MemoryMXBean.gc() (a full collection), through the server's local JMX agent";
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException e) {
            // The server may already be gone; there is nothing left to release on our side.
        }
    }
}
