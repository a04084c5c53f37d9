package io.natrix.server.monitor;

import io.natrix.server.account.Account;
import io.natrix.server.client.ClientConnection;
import io.natrix.server.client.ConnectOptions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * One connection as /connz reports it, captured at one moment: a live connection when a request reads it, a closed
 * one when it closed (then kept in {@link ClosedConnections}). {@link #toJson} writes nats-server's
 * {@code ConnInfo}: its field order, and its {@code omitempty} fields only when they have a value.
 *
 * <p>Immutable once built; safe to share between threads.
 */
final class ConnInfo {
    final long cid;
    final String ip;
    final int port;
    final Instant start;
    final Instant lastActivity;
    /** Null while open. */
    final Instant stop;
    final String reason;
    final long rttNanos;
    final long pendingBytes;
    final long inMsgs;
    final long outMsgs;
    final long inBytes;
    final long outBytes;
    final int numSubs;
    final String name;
    final String lang;
    final String version;
    final String tlsVersion;
    final String tlsCipher;
    final List<Map<String, Object>> tlsPeerCerts;
    /** The authenticated user (user name, nkey or user public key), "" when none; shown only with auth. */
    final String user;
    /** The account's name ("$G" included), "" when the connection never joined one. */
    final String account;
    final List<ClientConnection.SubscriptionDetail> subs;
    /** The user JWT from CONNECT; decoded only when a request shows it (auth=1), not at every close. */
    final String jwt;

    private ConnInfo(ClientConnection c, Instant stop, String reason) {
        cid = c.cid();
        ip = c.remoteHost();
        port = c.remotePort();
        start = c.started();
        lastActivity = c.lastActivity();
        this.stop = stop;
        this.reason = reason;
        rttNanos = c.rttNanos();
        pendingBytes = stop == null ? c.pendingBytes() : 0;
        inMsgs = c.inMsgs();
        outMsgs = c.outMsgs();
        inBytes = c.inBytes();
        outBytes = c.outBytes();
        subs = List.copyOf(c.subscriptionDetails());
        numSubs = subs.size();
        ConnectOptions connect = c.connectOptions();
        name = connect == null ? null : connect.name;
        lang = connect == null ? null : connect.lang;
        version = connect == null ? null : connect.version;
        jwt = connect == null ? null : connect.jwt;
        SSLSession tls = c.tlsSession();
        tlsVersion = tls == null ? null : tlsVersion(tls.getProtocol());
        tlsCipher = tls == null ? null : tls.getCipherSuite();
        tlsPeerCerts = tls == null ? List.of() : peerCerts(tls);
        // The user a refused client claimed (name or nkey, never a password or token) names it too, as in
        // nats-server.
        String u = c.user();
        if (u == null && connect != null) {
            u = connect.user != null ? connect.user : connect.nkey;
        }
        user = u == null ? "" : u;
        Account acc = c.account();
        account = acc == null ? "" : acc.name();
    }

    /** A live connection as it is now. */
    static ConnInfo open(ClientConnection c) {
        return new ConnInfo(c, null, null);
    }

    /** A connection that has just closed. */
    static ConnInfo closed(ClientConnection c, Instant stop) {
        return new ConnInfo(c, stop, c.closeReason() == null ? "Client Closed" : c.closeReason().text());
    }

    boolean isClosed() {
        return stop != null;
    }

    /** How long the connection lived (closed) or has lived until {@code now} (open). */
    Duration uptime(Instant now) {
        return Duration.between(start, stop != null ? stop : now);
    }

    Duration idle(Instant now) {
        return Duration.between(lastActivity, stop != null ? stop : now);
    }

    /**
     * nats-server's ConnInfo. {@code subs}: subject list; {@code detail}: subscription details instead; {@code auth}:
     * user, account (not {@code $G}), JWT fields and peer certificates. Closed connections name the account in their
     * subscription details, open ones do not (as nats-server writes them).
     */
    Map<String, Object> toJson(Instant now, boolean subs, boolean detail, boolean auth) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cid", cid);
        m.put("kind", "Client");
        m.put("type", "nats");
        m.put("ip", ip);
        m.put("port", port);
        m.put("start", GoFormat.time(start));
        m.put("last_activity", GoFormat.time(lastActivity));
        if (stop != null) {
            m.put("stop", GoFormat.time(stop));
            m.put("reason", reason);
        }
        m.put("rtt", GoFormat.rtt(rttNanos));
        m.put("uptime", GoFormat.uptime(uptime(now)));
        m.put("idle", GoFormat.uptime(idle(now)));
        m.put("pending_bytes", pendingBytes);
        m.put("in_msgs", inMsgs);
        m.put("out_msgs", outMsgs);
        m.put("in_bytes", inBytes);
        m.put("out_bytes", outBytes);
        m.put("subscriptions", numSubs);
        putText(m, "name", name);
        putText(m, "lang", lang);
        putText(m, "version", version);
        putText(m, "tls_version", tlsVersion);
        putText(m, "tls_cipher_suite", tlsCipher);
        if (auth && !tlsPeerCerts.isEmpty()) {
            m.put("tls_peer_certs", tlsPeerCerts);
        }
        if (auth) {
            putText(m, "authorized_user", user);
            if (!account.equals(Account.GLOBAL)) {
                putText(m, "account", account);
            }
        }
        if (!this.subs.isEmpty()) {
            if (detail) {
                List<Map<String, Object>> list = new ArrayList<>(this.subs.size());
                for (ClientConnection.SubscriptionDetail s : this.subs) {
                    list.add(subDetail(s, stop != null ? account : null, cid));
                }
                m.put("subscriptions_list_detail", list);
            } else if (subs) {
                List<String> list = new ArrayList<>(this.subs.size());
                this.subs.forEach(s -> list.add(s.subject()));
                m.put("subscriptions_list", list);
            }
        }
        if (auth) {
            JwtPayload userJwt = JwtPayload.decode(jwt);
            // A bearer JWT authenticates on its own, like a token, so it is not shown (nats-server shows it).
            if (userJwt == null || !Boolean.TRUE.equals(userJwt.nats("bearer_token"))) {
                putText(m, "jwt", jwt);
            }
            if (userJwt != null) {
                putText(m, "issuer_key", userJwt.issuer());
                putText(m, "name_tag", userJwt.name());
                if (!userJwt.tags().isEmpty()) {
                    m.put("tags", userJwt.tags());
                }
            }
        }
        return m;
    }

    /** nats-server's SubDetail; {@code account} null or empty leaves it out. */
    static Map<String, Object> subDetail(ClientConnection.SubscriptionDetail s, String account, long cid) {
        Map<String, Object> m = new LinkedHashMap<>();
        putText(m, "account", account);
        m.put("subject", s.subject());
        putText(m, "qgroup", s.queue());
        m.put("sid", s.sid());
        m.put("msgs", s.msgs());
        if (s.max() != 0) {
            m.put("max", s.max());
        }
        m.put("cid", cid);
        return m;
    }

    private static void putText(Map<String, Object> m, String key, String value) {
        if (value != null && !value.isEmpty()) {
            m.put(key, value);
        }
    }

    /** Go's tlsVersion names: "1.2", "1.3". */
    private static String tlsVersion(String protocol) {
        return protocol != null && protocol.startsWith("TLSv") ? protocol.substring(4) : protocol;
    }

    /** Subject and SHA-256 fingerprints (of the public key and of the whole certificate) of each peer certificate. */
    private static List<Map<String, Object>> peerCerts(SSLSession session) {
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (Certificate cert : chain) {
            if (cert instanceof X509Certificate x509) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("subject", x509.getSubjectX500Principal().getName());
                try {
                    m.put("spki_sha256", sha256(x509.getPublicKey().getEncoded()));
                    m.put("cert_sha256", sha256(x509.getEncoded()));
                } catch (CertificateEncodingException e) {
                    // Leave the fingerprints out; the subject still identifies the certificate.
                }
                list.add(m);
            }
        }
        return List.copyOf(list);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
