package io.natrix.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tls.pinned_certs}: the client certificates allowed on the client port, each named by its key id, the
 * SHA-256 of the certificate's DER-encoded SubjectPublicKeyInfo as written in the certificate, in lower-case hex
 * (nats-server's {@code matchesPinnedCert}). The same id comes from
 * {@code openssl x509 -in cert.pem -noout -pubkey | openssl pkey -pubin -outform der | sha256sum}.
 *
 * <p>The check runs once the TLS handshake has succeeded, in a {@link Gate} that sits right after the TLS handler:
 * a client without a certificate or with one whose key id is not pinned is closed as a failed handshake
 * ({@code TLS handshake error: certificate not pinned}, close reason "TLS Handshake Failure"), before any of its
 * protocol reaches the connection. Only a client asked for a certificate sends one, so pinning without
 * {@code verify} refuses every client, as in nats-server.
 *
 * <p>Thread-safety: instances are immutable; each channel has its own gate, on its event loop.
 */
public final class CertificatePins {
    private static final Logger LOG = LoggerFactory.getLogger(CertificatePins.class);
    private static final byte DER_CONTEXT_0 = (byte) 0xA0;
    /** TBSCertificate fields before subjectPublicKeyInfo, after the optional version: serial, signature, issuer,
     *  validity, subject. */
    private static final int FIELDS_BEFORE_SPKI = 5;

    private final Set<String> keyIds;

    /** Pins for these key ids, which must already be 64 lower-case hex digits (the config loader checks them). */
    public CertificatePins(Set<String> keyIds) {
        this.keyIds = Set.copyOf(keyIds);
    }

    /** Whether the certificate's key id is pinned; a null or malformed certificate never is. */
    public boolean matches(X509Certificate certificate) {
        if (certificate == null) {
            return false;
        }
        try {
            return keyIds.contains(keyId(certificate));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The lower-case hex SHA-256 of the certificate's SubjectPublicKeyInfo, taken from the certificate's own bytes
     * rather than re-encoded from the parsed key, so that it is the id nats-server and openssl compute.
     */
    public static String keyId(X509Certificate certificate) {
        try {
            byte[] spki = subjectPublicKeyInfo(certificate.getTBSCertificate());
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spki));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static String safeKeyId(X509Certificate certificate) {
        try {
            return keyId(certificate);
        } catch (IllegalArgumentException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Walks the DER of a TBSCertificate (RFC 5280 4.1) to its subjectPublicKeyInfo element. */
    static byte[] subjectPublicKeyInfo(byte[] tbs) {
        int pos = contentStart(tbs, 0);
        if (pos < tbs.length && tbs[pos] == DER_CONTEXT_0) {
            pos = elementEnd(tbs, pos);
        }
        for (int i = 0; i < FIELDS_BEFORE_SPKI; i++) {
            pos = elementEnd(tbs, pos);
        }
        return Arrays.copyOfRange(tbs, pos, elementEnd(tbs, pos));
    }

    private static int elementEnd(byte[] der, int pos) {
        int content = contentStart(der, pos);
        int end = content + contentLength(der, pos);
        if (end > der.length || end < content) {
            throw new IllegalArgumentException("malformed certificate: element overruns at " + pos);
        }
        return end;
    }

    /** Position of an element's content: after its one-byte tag and its length in short or long form. */
    private static int contentStart(byte[] der, int pos) {
        if (pos + 1 >= der.length) {
            throw new IllegalArgumentException("malformed certificate: truncated at " + pos);
        }
        int first = der[pos + 1] & 0xFF;
        return first < 0x80 ? pos + 2 : pos + 2 + (first & 0x7F);
    }

    private static int contentLength(byte[] der, int pos) {
        int first = der[pos + 1] & 0xFF;
        if (first < 0x80) {
            return first;
        }
        int octets = first & 0x7F;
        if (octets == 0 || octets > 3 || pos + 2 + octets > der.length) {
            throw new IllegalArgumentException("malformed certificate: bad length at " + pos);
        }
        int length = 0;
        for (int i = 0; i < octets; i++) {
            length = length << 8 | der[pos + 2 + i] & 0xFF;
        }
        return length;
    }

    /**
     * Holds back a TLS connection's first protocol bytes until its peer certificate has passed the pins current
     * at that moment (the supplier's; null means nothing is pinned), then steps out of the pipeline. One per
     * channel, on its event loop.
     */
    static final class Gate extends ChannelInboundHandlerAdapter {
        private final SslHandler ssl;
        private final Supplier<CertificatePins> pins;
        private boolean refused;

        Gate(SslHandler ssl, Supplier<CertificatePins> pins) {
            this.ssl = ssl;
            this.pins = pins;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent handshake && handshake.isSuccess() && !admit(ctx)) {
                return;
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // The handshake event comes before any application data; this is the belt to its braces.
            if (!ssl.handshakeFuture().isSuccess() || !admit(ctx)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
        }

        /** Checks the peer once; a refused peer is closed and the connection is told why. */
        private boolean admit(ChannelHandlerContext ctx) {
            if (refused) {
                return false;
            }
            CertificatePins current = pins.get();
            if (current == null) {
                ctx.pipeline().remove(this);
                return true;
            }
            X509Certificate peer = peerCertificate(ssl);
            if (current.matches(peer)) {
                ctx.pipeline().remove(this);
                return true;
            }
            refused = true;
            if (peer == null) {
                LOG.debug("{} failed pinned cert test as client did not provide a certificate", ctx.channel());
            } else {
                LOG.debug("{} failed pinned cert test for key id: {}", ctx.channel(), safeKeyId(peer));
            }
            ctx.fireExceptionCaught(new CertificateNotPinnedException());
            ctx.close();
            return false;
        }
    }

    /** The first certificate the peer presented, or null when it presented none. */
    static X509Certificate peerCertificate(SslHandler ssl) {
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x509 ? x509 : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** Why a client whose certificate is not pinned was closed; an SSLException like other handshake failures. */
    public static final class CertificateNotPinnedException extends SSLException {
        private static final long serialVersionUID = 1L;

        CertificateNotPinnedException() {
            super("certificate not pinned");
        }
    }
}
