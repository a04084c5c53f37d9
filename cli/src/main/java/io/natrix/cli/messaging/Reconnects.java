package io.natrix.cli.messaging;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Options;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The connection policy of the long-running commands ({@code sub}, {@code reply}), natscli's: reconnect for ever,
 * waiting between rounds as natscli's default back-off does (500 ms, 750 ms, 1 s, then half a second more each
 * round up to 20 s, each randomised to between half and one and a half times itself), and say on the status log
 * when an established connection drops (and, with {@code --trace}, when it comes back). A first connection that
 * fails is the command's one-line error, nothing more.
 *
 * <p>Thread-safe: the listener runs on jnats' threads, {@link #established} on the command's.
 */
final class Reconnects implements ConnectionListener {

    /** The longest wait between reconnect rounds: the end of natscli's back-off table. */
    static final long WAIT_MILLIS_MAX = 20_000;

    private final StatusLog log;
    private final boolean trace;
    private volatile boolean established;

    Reconnects(StatusLog log, boolean trace) {
        this.log = log;
        this.trace = trace;
    }

    /** Applies the policy to a connection's options (pass to {@code Globals.connect}). */
    void configure(Options.Builder b) {
        b.maxReconnects(-1).reconnectDelayHandler(Reconnects::delay).connectionListener(this);
    }

    /** Marks the first connection made: from now on a drop is news. */
    Connection established(Connection conn) {
        established = true;
        return conn;
    }

    @Override
    public void connectionEvent(Connection conn, Events event) {
        if (!established) {
            return;
        }
        if (event == Events.DISCONNECTED) {
            String why = conn.getLastError();
            log.printf(">>> Disconnected%s, will attempt reconnect",
                    why == null || why.isEmpty() ? "" : " due to: " + why);
        } else if (trace && event == Events.RECONNECTED) {
            log.printf(">>> Reconnected to %s", conn.getConnectedUrl());
        }
    }

    /** The wait before reconnect round {@code round} (from 0). */
    static Duration delay(long round) {
        long millis;
        if (round <= 0) {
            millis = 500;
        } else if (round == 1) {
            millis = 750;
        } else {
            millis = Math.min(WAIT_MILLIS_MAX, 1000 + (round - 2) * 500);
        }
        return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis));
    }
}
