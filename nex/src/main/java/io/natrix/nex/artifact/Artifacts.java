package io.natrix.nex.artifact;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Fetches workload artifacts into a node's work directory and checks them: {@code file:///path} (a file on the
 * node) and {@code nats://BUCKET/key} (a JetStream object store on the node's connection). The copy's SHA-256 is
 * computed while it is written; when the request names one, a different hash is refused and the copy deleted.
 * {@code oci://host/repository[:tag]} pulls the layer for this machine's OS and CPU from a registry
 * ({@link OciRegistry}).
 *
 * <p>Thread-safe: each fetch writes its own target file.
 */
public final class Artifacts {

    /** The largest artifact a node accepts. */
    public static final long ARTIFACT_BYTES_MAX = 512L * 1024 * 1024;

    private final Connection connection;

    public Artifacts(Connection connection) {
        this.connection = connection;
    }

    /** A fetched artifact: where it is on disk and its SHA-256 in lower-case hex. */
    public record Fetched(Path path, String sha256) {
    }

    /**
     * Copies the artifact at {@code uri} to {@code target}, checking {@code sha256} (hex; null or empty: not
     * checked).
     */
    public Fetched fetch(String uri, String sha256, Path target) throws ArtifactException {
        if (uri == null || uri.isBlank()) {
            throw new ArtifactException("no artifact uri given");
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new ArtifactException("invalid artifact uri \"" + uri + "\": " + e.getReason());
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        try {
            Files.createDirectories(target.getParent());
            String actual = switch (scheme) {
                case "file" -> fromFile(uri, parsed, target);
                case "nats" -> fromObjectStore(uri, parsed, target);
                case "oci" -> fromRegistry(uri, target);
                default -> throw new ArtifactException("unsupported artifact uri \"" + uri
                        + "\": use file:///path, nats://BUCKET/key or oci://host/repository[:tag]");
            };
            if (sha256 != null && !sha256.isBlank() && !sha256.equalsIgnoreCase(actual)) {
                Files.deleteIfExists(target);
                throw new ArtifactException("artifact " + uri + " has sha256 " + actual + ", expected "
                        + sha256.toLowerCase(Locale.ROOT));
            }
            return new Fetched(target, actual);
        } catch (IOException e) {
            throw new ArtifactException("could not fetch artifact " + uri + ": " + e.getMessage(), e);
        }
    }

    private static String fromFile(String uri, URI parsed, Path target) throws IOException, ArtifactException {
        String path = parsed.getPath();
        if (path == null || path.isEmpty()) {
            throw new ArtifactException("artifact uri \"" + uri + "\" names no file: use file:///absolute/path");
        }
        Path source = Path.of(path);
        if (!Files.isRegularFile(source)) {
            throw new ArtifactException("artifact " + uri + " not found: no file " + source);
        }
        if (Files.size(source) > ARTIFACT_BYTES_MAX) {
            throw new ArtifactException("artifact " + uri + " is larger than " + ARTIFACT_BYTES_MAX + " bytes");
        }
        try (InputStream in = Files.newInputStream(source)) {
            return copy(in, target);
        }
    }

    private String fromObjectStore(String uri, URI parsed, Path target) throws IOException, ArtifactException {
        String bucket = parsed.getHost() != null ? parsed.getHost() : parsed.getAuthority();
        String key = parsed.getPath() == null ? "" : parsed.getPath().replaceFirst("^/", "");
        if (bucket == null || bucket.isEmpty() || key.isEmpty()) {
            throw new ArtifactException("artifact uri \"" + uri + "\" must be nats://BUCKET/key");
        }
        try {
            if (!connection.objectStoreManagement().getBucketNames().contains(bucket)) {
                throw new ArtifactException("artifact " + uri + " not found: no object store " + bucket);
            }
            ObjectStore store = connection.objectStore(bucket);
            ObjectInfo info = store.getInfo(key);
            if (info == null || info.isDeleted()) {
                throw new ArtifactException("artifact " + uri + " not found: no object " + key + " in " + bucket);
            }
            if (info.getSize() > ARTIFACT_BYTES_MAX) {
                throw new ArtifactException("artifact " + uri + " is larger than " + ARTIFACT_BYTES_MAX + " bytes");
            }
            MessageDigest digest = sha256();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(target), digest)) {
                store.get(key, out);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (JetStreamApiException e) {
            throw new ArtifactException("could not fetch artifact " + uri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ArtifactException("interrupted while fetching artifact " + uri, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String fromRegistry(String uri, Path target) throws IOException, ArtifactException {
        try {
            return OciRegistry.of(uri).pull(Platform.os(), Platform.arch(), target);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ArtifactException("interrupted while fetching artifact " + uri, e);
        }
    }

    private static String copy(InputStream in, Path target) throws IOException {
        MessageDigest digest = sha256();
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(partial), digest)) {
            in.transferTo(out);
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The SHA-256 of a local file in lower-case hex. */
    public static String sha256Of(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file);
             OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
            in.transferTo(out);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A SHA-256 digest (every JDK has one). */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
