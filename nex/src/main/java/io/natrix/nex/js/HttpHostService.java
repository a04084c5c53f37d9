package io.natrix.nex.js;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code http} host service (Nex v0): a function's HTTP request made by the node, with v0's time limit of
 * 2.5 s and a cap on the response size; only {@code http} and {@code https} URLs. The answer is the status, the
 * headers (first value of each, names in lower case) and the body. Thread-safe (the JDK client is).
 */
final class HttpHostService {

    /** v0's limit for one request. */
    static final Duration TIMEOUT = Duration.ofMillis(2500);

    /** The largest response body handed to a function. */
    static final int RESPONSE_BYTES_MAX = JsHost.VALUE_BYTES_MAX;

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    /** One answer: status, headers, body. */
    record Response(int status, Map<String, String> headers, byte[] body) {
    }

    private HttpHostService() {
    }

    static Response send(String method, String url, byte[] body) throws IOException, InterruptedException {
        String m = method.toUpperCase(Locale.ROOT);
        if (!METHODS.contains(m)) {
            throw new IllegalArgumentException("unsupported HTTP method " + method);
        }
        URI uri = URI.create(url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("only http and https URLs are allowed, not " + url);
        }
        HttpRequest.BodyPublisher publisher = body == null || body.length == 0
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).method(m, publisher).build();
        HttpResponse<InputStream> response;
        try {
            response = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new IOException("no answer from " + url + " within " + TIMEOUT.toMillis() + " ms", e);
        }
        byte[] bytes;
        try (InputStream in = response.body()) {
            bytes = in.readNBytes(RESPONSE_BYTES_MAX + 1);
        }
        if (bytes.length > RESPONSE_BYTES_MAX) {
            throw new IOException("response from " + url + " is larger than " + RESPONSE_BYTES_MAX + " bytes");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        response.headers().map().forEach((k, v) -> {
            if (!v.isEmpty() && !k.startsWith(":")) {
                headers.put(k.toLowerCase(Locale.ROOT), v.get(0));
            }
        });
        return new Response(response.statusCode(), headers, bytes);
    }
}
