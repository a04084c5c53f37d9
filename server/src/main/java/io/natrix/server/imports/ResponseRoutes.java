package io.natrix.server.imports;

import io.natrix.server.account.Account;
import io.natrix.server.client.InternalSubscription;
import io.natrix.server.client.Message;
import io.natrix.server.client.MsgTrace;
import io.natrix.server.client.Router;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The way back for responses to imported service requests, one per exporting account. A request that crosses into
 * the exporter gets a reply subject of the exporter's own, {@code _R_.<account tag>.<request tag>}; this
 * subscription ({@code _R_.<account tag>.>} in the exporter) takes the responders' messages to it and forwards them
 * to the importer's original reply subject. A singleton route ends with the first response; a streamed or chunked
 * one with an empty message (no headers, no payload); any route with a response that reached nobody, and once the
 * export's response threshold passed since the request (streamed and chunked: since the latest response), as in
 * nats-server. A response that has a reply subject of its own reaches the requester with a route of the importer's
 * that leads back to it, so that the requester can answer the responder.
 *
 * <pre>
 *   A: PUB svc.x  _INBOX.1        --import-->  B: svc.x  _R_.k3Jd9a.QZ81mX0pLw
 *   B: PUB _R_.k3Jd9a.QZ81mX0pLw  --route--->  A: _INBOX.1
 * </pre>
 *
 * <p>Thread-safe: routes are registered on importers' publishing threads and used on responders' threads.
 */
final class ResponseRoutes extends InternalSubscription {
    static final String PREFIX = "_R_.";
    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Expired routes are swept after this many registrations. */
    private static final int SWEEP_EVERY = 1024;

    private static final class Route {
        final Account importer;
        final String reply;
        final boolean single;
        final long thresholdNanos;
        /** Streamed and chunked responses push it on with each response delivered. */
        volatile long deadlineNanos;

        Route(Account importer, String reply, boolean single, long thresholdNanos) {
            this.importer = importer;
            this.reply = reply;
            this.single = single;
            this.thresholdNanos = thresholdNanos;
            this.deadlineNanos = System.nanoTime() + thresholdNanos;
        }

        boolean expired(long now) {
            return now - deadlineNanos > 0;
        }
    }

    private final Account exporter;
    private final String prefix;
    /** The routes of other accounts, for responses that carry a reply of their own. */
    private final java.util.function.Function<Account, ResponseRoutes> routesOf;
    private final ConcurrentHashMap<String, Route> routes = new ConcurrentHashMap<>();
    private final AtomicLong registrations = new AtomicLong();

    private ResponseRoutes(Account exporter, String prefix,
                           java.util.function.Function<Account, ResponseRoutes> routesOf) {
        super(prefix + ">", null);
        this.exporter = exporter;
        this.prefix = prefix;
        this.routesOf = routesOf;
    }

    /** The routes into {@code exporter}; {@code routesOf} gives those of other accounts (made on demand). */
    static ResponseRoutes create(Account exporter, java.util.function.Function<Account, ResponseRoutes> routesOf) {
        return new ResponseRoutes(exporter, PREFIX + token(6) + ".", routesOf);
    }

    Account exporter() {
        return exporter;
    }

    /** A reply subject in the exporter that leads back to {@code reply} in {@code importer}. */
    String register(Account importer, String reply, boolean single, Duration threshold) {
        if (registrations.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep();
        }
        String subject = prefix + token(10);
        routes.put(subject, new Route(importer, reply, single, threshold.toNanos()));
        return subject;
    }

    /** Whether {@code subject} is one of this exporter's route subjects. */
    boolean routes(String subject) {
        return subject.startsWith(prefix);
    }

    void unregister(String subject) {
        routes.remove(subject);
    }

    /** Routes still open (monitoring and tests); expired ones are dropped first. */
    int size() {
        sweep();
        return routes.size();
    }

    @Override
    protected boolean onMessage(Message message) {
        String subject = message.subject();
        Route route = routes.get(subject);
        if (route == null) {
            return false;
        }
        if (route.expired(System.nanoTime())) {
            routes.remove(subject, route);
            return false;
        }
        // As nats-server: a singleton route ends with its response, any route with an empty message (no headers,
        // no payload: the end of a stream or of chunks) or with a response nobody received.
        boolean last = route.single || (!message.hasHeaders() && message.payloadLength() == 0);
        if (last && !routes.remove(subject, route)) {
            return false; // another responder answered first
        }
        MsgTrace trace = message.trace();
        byte[] headers = null;
        if (trace != null) {
            // A traced response crosses back as nats-server's response imports do: recorded, never traced further.
            trace.serviceImport(route.importer, subject, route.reply, false);
            if (trace.traceOnly()) {
                routes.remove(subject, route);
                return false;
            }
            headers = MsgTrace.disabledIn(message.headers());
        }
        // A response with a reply of its own gets a route back, in the importer, to that reply in the exporter
        // (nats-server's addRespServiceImport), with the same response type and threshold.
        String reply = message.reply();
        ResponseRoutes back = reply == null ? null : routesOf.apply(route.importer);
        String backSubject = back == null ? null
                : back.register(exporter, reply, route.single, Duration.ofNanos(route.thresholdNanos));
        boolean delivered = Router.forward(message, route.importer, route.reply, backSubject, headers, null);
        if (!delivered) {
            if (back != null) {
                back.unregister(backSubject);
            }
            routes.remove(subject, route);
        } else if (!last) {
            // nats-server measures the threshold of streamed and chunked responses from the latest one.
            route.deadlineNanos = System.nanoTime() + route.thresholdNanos;
        }
        return delivered;
    }

    private void sweep() {
        long now = System.nanoTime();
        routes.values().removeIf(r -> r.expired(now));
    }

    private static String token(int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }
}
