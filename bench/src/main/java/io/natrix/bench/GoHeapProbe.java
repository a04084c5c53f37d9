package io.natrix.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The heap of nats-server, a Go program: the server is started with {@code --profile PORT}, and each reading fetches
 * {@code /debug/pprof/heap?gc=1&debug=1}, which runs a full collection first and prints the runtime's memory
 * statistics; the figure is {@code HeapAlloc} (bytes of live objects, and of nothing else right after the
 * collection). Used by one thread.
 */
final class GoHeapProbe implements HeapProbe {
    private static final String MARKER = "# HeapAlloc = ";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final URI uri;

    GoHeapProbe(int profilePort) {
        this.uri = URI.create("http://127.0.0.1:" + profilePort + "/debug/pprof/heap?gc=1&debug=1");
    }

    @Override
    public Reading read() {
        try {
            long start = System.nanoTime();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            long millis = (System.nanoTime() - start) / 1_000_000;
            String body = response.body();
            int at = body.indexOf(MARKER);
            if (response.statusCode() != 200 || at < 0) {
                return Reading.NONE;
            }
            int from = at + MARKER.length();
            int to = from;
            while (to < body.length() && Character.isDigit(body.charAt(to))) {
                to++;
            }
            return new Reading(Long.parseLong(body.substring(from, to)), millis, -1);
        } catch (IOException | RuntimeException e) {
            return Reading.NONE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reading.NONE;
        }
    }

    @Override
    public String method() {
        return "Go HeapAlloc after runtime.GC(), from the server's pprof endpoint (--profile)";
    }

    @Override
    public void close() {
        http.close();
    }
}
