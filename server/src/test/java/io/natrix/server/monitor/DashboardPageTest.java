package io.natrix.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard as HTTP serves it, without a browser: where it is, what it is made of, and the policy that keeps it
 * from loading anything but the listener's own endpoints. {@link DashboardBrowserTest} runs it.
 */
class DashboardPageTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern INLINE = Pattern.compile("<(script|style)>(.*?)</\\1>", Pattern.DOTALL);
    /** The endpoints dashboard.js polls; each must answer 200 with JSON. */
    private static final List<String> POLLED = List.of("/varz", "/connz?limit=100", "/accstatz?unused=1",
            "/jsz?accounts=1&streams=1&consumers=1");

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(TestServer server, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.server().httpPort() + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servedAtDashboardAndLinkedFromTheIndex() throws Exception {
        try (TestServer server = TestServer.start(b -> { b.httpHost = "127.0.0.1"; b.httpPort = -1; })) {
            HttpResponse<String> page = get(server, "/dashboard");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
            assertThat(page.body()).startsWith("<!DOCTYPE html>").contains("<title>Natrix dashboard</title>")
                    .contains("id=\"stat-connections\"", "id=\"connections-table\"", "id=\"accounts-table\"",
                            "id=\"jetstream-status\"", "id=\"charts\"")
                    .doesNotContain("@@STYLE@@", "@@SCRIPT@@");
            assertThat(get(server, "/").body()).contains("href=./dashboard>");
            assertThat(get(server, "/dashboard/").statusCode()).as("paths match exactly").isEqualTo(404);
            for (String path : POLLED) {
                HttpResponse<String> json = get(server, path);
                assertThat(json.statusCode()).as(path).isEqualTo(200);
                assertThat(json.headers().firstValue("content-type")).as(path).hasValue("application/json");
            }
        }
    }

    /** Every inline block is admitted by its hash, and nothing else (no CDN, no inline handlers, no eval). */
    @Test
    void policyAdmitsOnlyItsOwnInlineBlocksAndEndpoints() throws Exception {
        try (TestServer server = TestServer.start(b -> { b.httpHost = "127.0.0.1"; b.httpPort = -1; })) {
            HttpResponse<String> page = get(server, "/dashboard");
            String policy = page.headers().firstValue("content-security-policy").orElseThrow();
            assertThat(policy).startsWith("default-src 'none';").contains("connect-src 'self'")
                    .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:", "*");
            assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");

            Matcher m = INLINE.matcher(page.body());
            int blocks = 0;
            while (m.find()) {
                String directive = m.group(1).equals("script") ? "script-src" : "style-src";
                assertThat(policy).as("%s admits the inline <%s>", directive, m.group(1))
                        .contains(directive + " '" + Dashboard.sha256(m.group(2)) + "'");
                blocks++;
            }
            assertThat(blocks).as("one <style> and one <script>").isEqualTo(2);

            String body = page.body();
            assertThat(body).as("nothing is loaded from elsewhere")
                    .doesNotContainPattern("(?i)(src|href)\\s*=\\s*\"?(https?:)?//")
                    .doesNotContainPattern("(?i)@import|url\\(\\s*['\"]?(https?:)?//");
            assertThat(body.replace("http://www.w3.org/2000/svg", "")).as("no absolute URL but SVG's namespace")
                    .doesNotContain("http://", "https://");
            assertThat(body).as("text only reaches the DOM as text").doesNotContain("innerHTML", "outerHTML",
                    "insertAdjacentHTML", "document.write", "eval(", "new Function");
        }
    }

    @Test
    void buildRefusesResourcesThatWouldBreakOutOfTheirBlock() {
        String html = "<style>/*@@STYLE@@*/</style><script>/*@@SCRIPT@@*/</script>";
        assertThat(Dashboard.build(html, "a{}", "1;").body()).isEqualTo("<style>a{}</style><script>1;</script>");
        assertThatThrownBy(() -> Dashboard.build(html, "a{}", "x='</SCRIPT>'"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Dashboard.build(html, "</style>", "1;")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Dashboard.build("<html>", "a{}", "1;")).isInstanceOf(IllegalStateException.class);
    }
}
