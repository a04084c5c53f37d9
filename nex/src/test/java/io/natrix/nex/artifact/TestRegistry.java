package io.natrix.nex.artifact;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tiny OCI registry on loopback for tests (no test reaches the internet): it serves and accepts (monolithic
 * uploads) manifests and blobs of the Registry HTTP API v2 and, when asked, demands a bearer token from its own
 * token endpoint as real registries do. Bundles are Nex workload bundles: one layer per OS/CPU, annotated {@code os} and {@code arch}.
 */
public final class TestRegistry implements AutoCloseable {

    /** One layer of a bundle. */
    public record Layer(String os, String arch, byte[] content) {
    }

    private static final String TOKEN = "test-token";

    private final HttpServer server;
    private final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final boolean requireToken;

    public TestRegistry(boolean requireToken) throws IOException {
        this.requireToken = requireToken;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v2/", this::serve);
        server.createContext("/token", this::token);
        server.start();
    }

    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Publishes a bundle as {@code repo:tag}. */
    public void push(String repo, String tag, List<Layer> layers) {
        List<String> entries = new ArrayList<>();
        for (Layer l : layers) {
            String digest = "sha256:" + sha256(l.content());
            blobs.put(digest, l.content());
            entries.add("{\"mediaType\":\"application/nex.native\",\"digest\":\"" + digest + "\",\"size\":"
                    + l.content().length + ",\"annotations\":{\"os\":\"" + l.os() + "\",\"arch\":\"" + l.arch() + "\"}}");
        }
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"artifactType\":\"application/nex-workload\",\"layers\":[" + String.join(",", entries) + "]}";
        manifests.put(repo + ":" + tag, manifest.getBytes(StandardCharsets.UTF_8));
    }

    /** Replaces a blob's bytes without changing its digest (a corrupt registry). */
    public void corrupt(byte[] original, byte[] replacement) {
        blobs.put("sha256:" + sha256(original), replacement);
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            if (requireToken && !("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + host()
                        + "/token\",service=\"test-registry\",scope=\"repository:pull\"");
                ex.sendResponseHeaders(401, -1);
                return;
            }
            String path = ex.getRequestURI().getPath().substring("/v2/".length());
            String method = ex.getRequestMethod();
            if (method.equals("POST") && path.endsWith("/blobs/uploads/")) {
                ex.getResponseHeaders().add("Location", "/v2/" + path + java.util.UUID.randomUUID());
                ex.sendResponseHeaders(202, -1);
                return;
            }
            if (method.equals("PUT") && path.contains("/blobs/uploads/")) {
                String query = ex.getRequestURI().getQuery();
                String digest = query.substring(query.indexOf("digest=") + "digest=".length());
                byte[] content = ex.getRequestBody().readAllBytes();
                boolean ok = digest.equals("sha256:" + sha256(content));
                if (ok) {
                    blobs.put(digest, content);
                }
                ex.sendResponseHeaders(ok ? 201 : 400, -1);
                return;
            }
            if (method.equals("PUT") && path.contains("/manifests/")) {
                int at = path.indexOf("/manifests/");
                manifests.put(path.substring(0, at) + ":" + path.substring(at + "/manifests/".length()),
                        ex.getRequestBody().readAllBytes());
                ex.sendResponseHeaders(201, -1);
                return;
            }
            byte[] body = null;
            int m = path.indexOf("/manifests/");
            int b = path.indexOf("/blobs/");
            if (m > 0) {
                body = manifests.get(path.substring(0, m) + ":" + path.substring(m + "/manifests/".length()));
            } else if (b > 0) {
                body = blobs.get(path.substring(b + "/blobs/".length()));
            }
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            if (method.equals("HEAD")) {
                ex.sendResponseHeaders(200, -1);
                return;
            }
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private void token(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ("{\"token\":\"" + TOKEN + "\"}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
