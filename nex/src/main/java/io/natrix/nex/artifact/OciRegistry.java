package io.natrix.nex.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pulls (and pushes) Nex workload bundles from (to) an OCI registry (Registry HTTP API v2): {@code oci://[user:pass@]host[:port]/
 * repo[:tag|@sha256:digest]}, tag {@code latest} by default. The manifest's layers carry {@code os} and
 * {@code arch} annotations (Nex vNext's bundle: one layer per OS/CPU); the node takes the layer whose annotations
 * match <em>both</em> its OS and CPU (vNext skipped a layer only when both differed, a bug). An image index is
 * followed to the manifest of the matching platform; a manifest with one unannotated layer is taken as is.
 * The blob's SHA-256 must equal its digest.
 *
 * <p>Plain HTTP is used for loopback hosts (test and local registries), HTTPS otherwise. Authentication: the
 * URL's user info as Basic, and the registry token flow ({@code WWW-Authenticate: Bearer realm=...}) when the
 * registry asks for it. Stateless and thread-safe.
 */
public final class OciRegistry {

    /** One layer of a Nex workload bundle: the program for one OS and CPU. */
    public record BundleLayer(String os, String arch, String workloadType, byte[] content) {
    }

    private static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    private static final String EMPTY_CONFIG_TYPE = "application/vnd.oci.empty.v1+json";
    private static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.UTF_8);

    private static final String MANIFEST_TYPES = "application/vnd.oci.image.manifest.v1+json, "
            + "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, "
            + "application/vnd.docker.distribution.manifest.list.v2+json";
    private static final Pattern BEARER_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** How long a layer's bytes may take to arrive once the registry has answered. */
    private static final Duration BODY_TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private final String uri;
    private final String base;
    private final String repository;
    private final String reference;
    private final String basicAuth;
    private String bearer;

    private OciRegistry(String uri, String base, String repository, String reference, String basicAuth) {
        this.uri = uri;
        this.base = base;
        this.repository = repository;
        this.reference = reference;
        this.basicAuth = basicAuth;
    }

    /** Parses {@code oci://...}; throws with a clear message when it is malformed. */
    public static OciRegistry of(String uri) throws ArtifactException {
        URI parsed = URI.create(uri);
        String host = parsed.getHost();
        String path = parsed.getRawPath() == null ? "" : parsed.getRawPath().replaceFirst("^/", "");
        if (host == null || path.isEmpty()) {
            throw new ArtifactException("artifact uri \"" + uri + "\" must be oci://host[:port]/repository[:tag]");
        }
        String repo = path;
        String ref = "latest";
        int at = path.indexOf('@');
        int colon = path.lastIndexOf(':');
        if (at > 0) {
            repo = path.substring(0, at);
            ref = path.substring(at + 1);
        } else if (colon > path.lastIndexOf('/')) {
            repo = path.substring(0, colon);
            ref = path.substring(colon + 1);
        }
        boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
        String base = (loopback ? "http://" : "https://") + host + (parsed.getPort() > 0 ? ":" + parsed.getPort() : "");
        String auth = null;
        if (parsed.getRawUserInfo() != null) {
            auth = "Basic " + Base64.getEncoder().encodeToString(
                    URLDecoder.decode(parsed.getRawUserInfo(), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
        }
        return new OciRegistry(uri, base, repo, ref, auth);
    }

    /** Downloads the layer for {@code os}/{@code arch} to {@code target}; returns its SHA-256 in hex. */
    String pull(String os, String arch, Path target) throws ArtifactException, IOException, InterruptedException {
        JsonNode manifest = json(get("/v2/" + repository + "/manifests/" + reference, MANIFEST_TYPES));
        if (manifest.has("manifests")) {
            manifest = json(get("/v2/" + repository + "/manifests/" + platformManifest(manifest, os, arch),
                    MANIFEST_TYPES));
        }
        JsonNode layer = layer(manifest, os, arch);
        String digest = layer.path("digest").asText();
        if (!digest.startsWith("sha256:")) {
            throw new ArtifactException("artifact " + uri + ": layer digest \"" + digest + "\" is not sha256");
        }
        if (layer.path("size").asLong() > Artifacts.ARTIFACT_BYTES_MAX) {
            throw new ArtifactException("artifact " + uri + " is larger than " + Artifacts.ARTIFACT_BYTES_MAX + " bytes");
        }
        HttpResponse<InputStream> blob = get("/v2/" + repository + "/blobs/" + digest, "*/*");
        MessageDigest sha = Artifacts.sha256();
        InputStream body = blob.body();
        // The request's timeout ends at the headers: a registry that stalls in the body is cut off here.
        java.util.concurrent.CompletableFuture<Void> cutOff = java.util.concurrent.CompletableFuture.runAsync(
                () -> closeQuietly(body), java.util.concurrent.CompletableFuture.delayedExecutor(
                        BODY_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
        try (InputStream in = body;
             OutputStream out = new DigestOutputStream(Files.newOutputStream(target), sha)) {
            long copied = in.transferTo(out);
            if (copied > Artifacts.ARTIFACT_BYTES_MAX) {
                throw new ArtifactException("artifact " + uri + " is larger than " + Artifacts.ARTIFACT_BYTES_MAX + " bytes");
            }
        } catch (IOException e) {
            if (cutOff.isDone()) {
                Files.deleteIfExists(target);
                throw new ArtifactException("artifact " + uri + ": the registry did not send the layer within "
                        + BODY_TIMEOUT.toSeconds() + " s", e);
            }
            throw e;
        } finally {
            cutOff.cancel(false);
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!digest.equals("sha256:" + actual)) {
            Files.deleteIfExists(target);
            throw new ArtifactException("artifact " + uri + ": layer has sha256 " + actual + ", its digest says "
                    + digest.substring("sha256:".length()));
        }
        return actual;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // closing to stop a stalled download; the reader reports it
        }
    }

    private String platformManifest(JsonNode index, String os, String arch) throws ArtifactException {
        List<String> seen = new ArrayList<>();
        for (JsonNode m : index.path("manifests")) {
            String mOs = m.path("platform").path("os").asText();
            String mArch = m.path("platform").path("architecture").asText();
            if (os.equals(mOs) && arch.equals(mArch)) {
                return m.path("digest").asText();
            }
            seen.add(mOs + "/" + mArch);
        }
        throw noMatch(os, arch, seen);
    }

    private JsonNode layer(JsonNode manifest, String os, String arch) throws ArtifactException {
        JsonNode layers = manifest.path("layers");
        if (layers.size() == 1 && !layers.get(0).path("annotations").has("os")) {
            return layers.get(0);
        }
        List<String> seen = new ArrayList<>();
        for (JsonNode l : layers) {
            String lOs = l.path("annotations").path("os").asText();
            String lArch = l.path("annotations").path("arch").asText();
            if (os.equals(lOs) && arch.equals(lArch)) {
                return l;
            }
            seen.add(lOs + "/" + lArch);
        }
        throw noMatch(os, arch, seen);
    }

    private ArtifactException noMatch(String os, String arch, List<String> seen) {
        return new ArtifactException("artifact " + uri + " has no layer for " + os + "/" + arch
                + (seen.isEmpty() ? "" : " (it has " + String.join(", ", seen) + ")"));
    }

    private HttpResponse<InputStream> get(String path, String accept)
            throws ArtifactException, IOException, InterruptedException {
        HttpResponse<InputStream> response = exchange("GET", base + path, accept, null, null);
        int status = response.statusCode();
        if (status == 200) {
            return response;
        }
        response.body().close();
        if (status == 404) {
            throw new ArtifactException("artifact " + uri + " not found (registry answered 404 for " + path + ")");
        }
        throw new ArtifactException("artifact " + uri + ": registry answered " + status + " for " + path);
    }

    /** One request, with the token flow when the registry answers 401 with a Bearer challenge. */
    private HttpResponse<InputStream> exchange(String method, String url, String accept, String contentType,
                                               byte[] body) throws ArtifactException, IOException, InterruptedException {
        HttpResponse<InputStream> response = send(method, url, accept, contentType, body);
        if (response.statusCode() == 401 && bearer == null) {
            String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
            response.body().close();
            if (challenge.regionMatches(true, 0, "Bearer ", 0, 7)) {
                bearer = token(challenge);
                response = send(method, url, accept, contentType, body);
            }
        }
        return response;
    }

    private HttpResponse<InputStream> send(String method, String url, String accept, String contentType, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (accept != null) {
            request.header("Accept", accept);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        } else if (basicAuth != null) {
            request.header("Authorization", basicAuth);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /**
     * The manifest of a bundle: an OCI image manifest with artifact type {@code application/nex-workload}, the
     * empty config, and one layer per platform ({@code application/nex.<type>}, annotated {@code os} and
     * {@code arch}).
     */
    public static String manifest(List<BundleLayer> layers) {
        var root = JSON.createObjectNode();
        root.put("schemaVersion", 2);
        root.put("mediaType", MANIFEST_TYPE);
        root.put("artifactType", "application/nex-workload");
        var config = root.putObject("config");
        config.put("mediaType", EMPTY_CONFIG_TYPE);
        config.put("digest", "sha256:" + hex(EMPTY_CONFIG));
        config.put("size", EMPTY_CONFIG.length);
        var array = root.putArray("layers");
        for (BundleLayer l : layers) {
            var layer = array.addObject();
            layer.put("mediaType", "application/nex." + l.workloadType());
            layer.put("digest", "sha256:" + hex(l.content()));
            layer.put("size", l.content().length);
            var annotations = layer.putObject("annotations");
            annotations.put("os", l.os());
            annotations.put("arch", l.arch());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Uploads the layers and the config, then the manifest under this URI's tag; returns the manifest digest. */
    public String push(List<BundleLayer> layers) throws ArtifactException, IOException, InterruptedException {
        uploadBlob(EMPTY_CONFIG);
        for (BundleLayer l : layers) {
            uploadBlob(l.content());
        }
        byte[] manifest = manifest(layers).getBytes(StandardCharsets.UTF_8);
        String path = "/v2/" + repository + "/manifests/" + reference;
        HttpResponse<InputStream> r = exchange("PUT", base + path, null, MANIFEST_TYPE, manifest);
        r.body().close();
        if (r.statusCode() != 201 && r.statusCode() != 200) {
            throw new ArtifactException("could not push " + uri + ": registry answered " + r.statusCode() + " for "
                    + path);
        }
        return "sha256:" + hex(manifest);
    }

    /** A monolithic blob upload: POST for an upload location, then PUT the bytes with their digest. */
    private void uploadBlob(byte[] content) throws ArtifactException, IOException, InterruptedException {
        String digest = "sha256:" + hex(content);
        HttpResponse<InputStream> head = exchange("HEAD", base + "/v2/" + repository + "/blobs/" + digest, null, null,
                null);
        head.body().close();
        if (head.statusCode() == 200) {
            return; // the registry has it already
        }
        HttpResponse<InputStream> start = exchange("POST", base + "/v2/" + repository + "/blobs/uploads/", null, null,
                null);
        start.body().close();
        String location = start.headers().firstValue("Location").orElse(null);
        if (start.statusCode() != 202 || location == null) {
            throw new ArtifactException("could not push " + uri + ": registry answered " + start.statusCode()
                    + " to an upload request");
        }
        String target = URI.create(base + "/").resolve(location).toString();
        target += (target.contains("?") ? "&" : "?") + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8);
        HttpResponse<InputStream> put = exchange("PUT", target, null, "application/octet-stream", content);
        put.body().close();
        if (put.statusCode() != 201) {
            throw new ArtifactException("could not push " + uri + ": registry answered " + put.statusCode()
                    + " to a blob upload");
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(Artifacts.sha256().digest(bytes));
    }

    /** The registry token flow: asks the realm for a pull token with the challenge's service and scope. */
    private String token(String challenge) throws ArtifactException, IOException, InterruptedException {
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = BEARER_PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
        }
        String realm = params.remove("realm");
        if (realm == null) {
            throw new ArtifactException("artifact " + uri + ": registry asked for a token without a realm");
        }
        StringBuilder url = new StringBuilder(realm);
        char sep = realm.contains("?") ? '&' : '?';
        for (Map.Entry<String, String> e : params.entrySet()) {
            url.append(sep).append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.toString())).timeout(REQUEST_TIMEOUT).GET();
        if (basicAuth != null) {
            request.header("Authorization", basicAuth);
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new ArtifactException("artifact " + uri + ": token service answered " + response.statusCode());
        }
        JsonNode body = JSON.readTree(response.body());
        String token = body.path("token").asText(body.path("access_token").asText(""));
        if (token.isEmpty()) {
            throw new ArtifactException("artifact " + uri + ": token service gave no token");
        }
        return token;
    }

    private JsonNode json(HttpResponse<InputStream> response) throws IOException, ArtifactException {
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(4 * 1024 * 1024);
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                throw new ArtifactException("artifact " + uri + ": the registry's manifest is not JSON", e);
            }
        }
    }
}
