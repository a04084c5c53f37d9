package io.natrix.server;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ports file nats-server writes when {@code ports_file_dir} is set, so tools that start a server on random
 * ports can find them: {@code <dir>/nats-server_<pid>.ports} holding
 * <pre>{"nats":["nats://127.0.0.1:4222"],"monitoring":["http://127.0.0.1:8222"]}</pre>
 * Written atomically (temporary file, then rename) and removed at shutdown.
 */
final class PortsFile {
    private static final Logger LOG = LoggerFactory.getLogger(PortsFile.class);
    private final Path path;

    private PortsFile(Path path) {
        this.path = path;
    }

    static PortsFile write(Path dir, List<String> clientUrls, List<String> monitorUrls) throws IOException {
        Path file = dir.resolve("nats-server_" + ProcessHandle.current().pid() + ".ports");
        StringBuilder sb = new StringBuilder("{");
        list(sb, "nats", clientUrls);
        if (!monitorUrls.isEmpty()) {
            sb.append(',');
            list(sb, "monitoring", monitorUrls);
        }
        sb.append('}');
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".ports", ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new PortsFile(file);
    }

    private static void list(StringBuilder sb, String name, List<String> urls) {
        sb.append('"').append(name).append("\":[");
        for (int i = 0; i < urls.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            ServerInfo.string(sb, urls.get(i));
        }
        sb.append(']');
    }

    void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("could not remove ports file {}: {}", path, e.getMessage());
        }
    }

    /** URLs for every IPv4 address of the machine's up interfaces (a server listening on 0.0.0.0). */
    static List<String> interfaceUrls(String scheme, int port) {
        List<String> urls = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        urls.add(scheme + "://" + address.getHostAddress() + ":" + port);
                    }
                }
            }
        } catch (SocketException e) {
            LOG.debug("could not list interfaces: {}", e.getMessage());
        }
        if (urls.isEmpty()) {
            urls.add(scheme + "://127.0.0.1:" + port);
        }
        return urls;
    }
}
