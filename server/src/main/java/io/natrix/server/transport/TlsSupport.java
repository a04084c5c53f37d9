package io.natrix.server.transport;

import io.natrix.server.config.ServerOptions.TlsOptions;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * TLS on the client port, as nats-server does it. Built once from {@link TlsOptions} when the server starts; the
 * {@link ClientListener} asks it to {@link #install} two handlers at the head of every accepted channel.
 *
 * <p>Two ways to start, chosen by {@code handshake_first}:
 * <pre>
 *   default           server: INFO {..,"tls_required":true,..}   (plaintext)
 *                     client: ClientHello ... handshake ...      then everything encrypted, CONNECT first
 *   handshake_first   client: ClientHello ... handshake ...      then server: INFO (encrypted), CONNECT, ...
 * </pre>
 * The default mode uses Netty's "start TLS" switch, under which the first write (the INFO, always one buffer) leaves
 * unencrypted and the engine then waits for the client's ClientHello. In handshake-first mode the INFO written when
 * the channel becomes active is held by the {@link SslHandler} until the handshake completes.
 *
 * <p>The handshake must finish within {@code tls.timeout} (nats-server's TLS_TIMEOUT, 2 s by default); otherwise
 * the connection is closed without a word, as nats-server 2.9.10 closes it on the wire: its source means to send
 * {@code -ERR 'Secure Connection - TLS Required'}, but the read deadline of the handshake fails first and the line
 * would have to go through the unfinished TLS connection, so nothing is sent (checked live). A client that sends
 * plaintext protocol instead of a ClientHello fails the handshake at once and is closed without an answer
 * (nats-server likewise); one whose first record is longer than TLS allows gets nats-server's record_overflow alert
 * at once ({@link TlsHandshakeGuard}).
 *
 * <p>Only TLS 1.2 and 1.3 are offered ({@code min_version "1.3"}: 1.3 only), with the JDK provider. Keys must be
 * PEM PKCS#8 ({@code BEGIN PRIVATE KEY}). With {@code pinned_certs}, a {@link CertificatePins.Gate} after the TLS
 * handler admits only clients whose certificate is pinned.
 *
 * <p>Thread-safe: the context is immutable after construction, the pins are swapped whole through a volatile, and
 * each channel gets its own handlers.
 */
public final class TlsSupport {
    /** Name of the handler that owns the handshake timeout and closes below the TLS handler. */
    static final String GUARD_HANDLER = "tls-guard";
    /** Name of the {@link SslHandler}; the NATS protocol handler sits right after it. */
    static final String SSL_HANDLER = "tls";
    /** nats-server's TLS_TIMEOUT, used when the options carry none. */
    static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);
    /** Name of the {@link CertificatePins.Gate} right after the TLS handler. */
    static final String PINS_HANDLER = "tls-pins";
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final String[] PROTOCOLS_1_3 = {"TLSv1.3"};

    private final SslContext context;
    private final boolean handshakeFirst;
    private final long handshakeTimeoutNanos;
    private final String[] namedGroups;
    /** Replaced by a reload; read by each new connection's gate when its handshake completes. */
    private volatile CertificatePins pins;

    private TlsSupport(SslContext context, TlsOptions options) {
        this.context = context;
        this.handshakeFirst = options.handshakeFirst();
        Duration timeout = options.timeout() == null || options.timeout().isZero() || options.timeout().isNegative()
                ? DEFAULT_HANDSHAKE_TIMEOUT : options.timeout();
        this.handshakeTimeoutNanos = timeout.toNanos();
        this.namedGroups = namedGroups(options.curvePreferences());
        pinnedCerts(options.pinnedCerts());
    }

    /**
     * Loads the certificate, key and (when given) CA bundle named in the options; fails with an {@link IOException}
     * naming the problem when a file is missing or unreadable.
     */
    public static TlsSupport create(TlsOptions options) throws IOException {
        if (options.certFile() == null || options.keyFile() == null) {
            throw new IOException("TLS needs both cert_file and key_file");
        }
        try {
            SslContextBuilder builder = SslContextBuilder
                    .forServer(options.certFile().toFile(), options.keyFile().toFile())
                    .sslProvider(SslProvider.JDK)
                    .protocols("1.3".equals(options.minVersion()) ? PROTOCOLS_1_3 : PROTOCOLS);
            if (options.caFile() != null) {
                builder.trustManager(options.caFile().toFile());
            }
            if (!options.ciphers().isEmpty()) {
                builder.ciphers(options.ciphers(), SupportedCipherSuiteFilter.INSTANCE);
            }
            builder.clientAuth(options.verify() || options.verifyAndMap() ? ClientAuth.REQUIRE : ClientAuth.NONE);
            return new TlsSupport(builder.build(), options);
        } catch (IOException e) {
            throw new IOException("error loading TLS certificate or key: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Netty reports unreadable PEM files and bad keys as IllegalArgumentException.
            throw new IOException("error loading TLS certificate or key (cert_file " + options.certFile()
                    + ", key_file " + options.keyFile() + "): " + e.getMessage(), e);
        }
    }

    public boolean handshakeFirst() {
        return handshakeFirst;
    }

    /**
     * Replaces the pinned certificates (lower-case hex key ids; null pins nothing) for connections whose handshake
     * completes from now on; a reload calls this and then closes connected clients the new pins refuse.
     */
    public void pinnedCerts(Set<String> keyIds) {
        pins = keyIds == null ? null : new CertificatePins(keyIds);
    }

    /** The pins in force, or null when none are. */
    public CertificatePins pins() {
        return pins;
    }

    /** Adds the guard and the TLS handler at the head of a freshly accepted channel's pipeline. */
    void install(Channel channel) {
        SSLEngine engine = context.newEngine(channel.alloc());
        if (namedGroups.length > 0) {
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setNamedGroups(namedGroups);
            engine.setSSLParameters(parameters);
        }
        SslHandler ssl = new SslHandler(engine, !handshakeFirst);
        // The guard below owns the timeout, so that the close goes around the TLS handler (no alert).
        ssl.setHandshakeTimeoutMillis(0);
        channel.pipeline()
                .addLast(GUARD_HANDLER, new TlsHandshakeGuard(ssl, handshakeTimeoutNanos))
                .addLast(SSL_HANDLER, ssl)
                .addLast(PINS_HANDLER, new CertificatePins.Gate(ssl, this::pins));
    }

    /**
     * Maps nats-server's curve_preferences names (Go's {@code CurveP256} ...) to JDK named groups; names the JDK
     * already understands pass through.
     */
    private static String[] namedGroups(List<String> curves) {
        List<String> groups = new ArrayList<>(curves.size());
        for (String curve : curves) {
            groups.add(switch (curve.toLowerCase(Locale.ROOT)) {
                case "curvep256", "p256", "p-256" -> "secp256r1";
                case "curvep384", "p384", "p-384" -> "secp384r1";
                case "curvep521", "p521", "p-521" -> "secp521r1";
                case "x25519", "curvex25519" -> "x25519";
                default -> curve;
            });
        }
        return groups.toArray(String[]::new);
    }

    /** Raised down the pipeline when a client did not finish the TLS handshake in time; an SSLException like other handshake failures. */
    public static final class TlsHandshakeTimeoutException extends SSLException {
        TlsHandshakeTimeoutException(long timeoutNanos) {
            super("TLS handshake timeout after " + Duration.ofNanos(timeoutNanos).toMillis() + " ms");
        }
    }
}
