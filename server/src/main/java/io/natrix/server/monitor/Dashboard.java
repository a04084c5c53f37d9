package io.natrix.server.monitor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * The built-in dashboard ({@code /dashboard}): one self-contained HTML page that polls the JSON endpoints of the same
 * listener (/varz, /connz, /accstatz, /jsz) from the browser and draws live figures, small SVG charts and tables.
 *
 * <p>The page is put together from three class-path resources beside this class, {@code dashboard.html},
 * {@code dashboard.css} and {@code dashboard.js}, the last two inlined into the first. It is served with a
 * Content-Security-Policy that allows exactly those two inline blocks (by their SHA-256) and requests to the
 * listener itself, so the page can load nothing from anywhere else, and a client-chosen connection name that reached
 * the DOM as markup could not run as a script (the page only ever writes text, never HTML).
 *
 * <p>The page is read once, on first use; it holds no server state and shows only what the endpoints show, which
 * never includes a password, token or seed.
 */
final class Dashboard {
    static final String PATH = "/dashboard";
    private static final String STYLE_SLOT = "/*@@STYLE@@*/";
    private static final String SCRIPT_SLOT = "/*@@SCRIPT@@*/";

    private Dashboard() {
    }

    /** The page, ready to serve. */
    static MonitorServer.Text page() {
        return Holder.PAGE;
    }

    private static final class Holder {
        static final MonitorServer.Text PAGE = build(read("dashboard.html"), read("dashboard.css"),
                read("dashboard.js"));
    }

    /** Inlines {@code css} and {@code js} into the template's slots and writes the policy that admits them. */
    static MonitorServer.Text build(String html, String css, String js) {
        if (css.toLowerCase(Locale.ROOT).contains("</style") || js.toLowerCase(Locale.ROOT).contains("</script")) {
            throw new IllegalStateException("dashboard resources must not close their own <style> or <script>");
        }
        if (!html.contains("<style>" + STYLE_SLOT + "</style>")
                || !html.contains("<script>" + SCRIPT_SLOT + "</script>")) {
            throw new IllegalStateException("dashboard.html lacks its style or script slot");
        }
        String page = html.replace(STYLE_SLOT, css).replace(SCRIPT_SLOT, js);
        String policy = "default-src 'none'; script-src '" + sha256(js) + "'; style-src '" + sha256(css)
                + "'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none';"
                + " frame-ancestors 'self'";
        return new MonitorServer.Text(200, "text/html; charset=utf-8", page, Map.of(
                "Content-Security-Policy", policy,
                "X-Content-Type-Options", "nosniff",
                "Referrer-Policy", "no-referrer",
                "Cache-Control", "no-cache"));
    }

    /** A CSP source expression for this exact text: {@code sha256-<base64>} of its UTF-8 bytes. */
    static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing class-path resource " + name + " beside "
                        + Dashboard.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
