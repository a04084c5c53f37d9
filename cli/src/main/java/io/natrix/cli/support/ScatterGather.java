package io.natrix.cli.support;

import io.natrix.cli.CliException;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One request, many answers: publishes a request with a fresh inbox as its reply subject and collects what comes
 * back, as natscli's discovery and system requests do (jsm.go's {@code serverdata.DoReq}). With an expected count
 * it stops at that many answers or the timeout; without one it stops at the timeout, or once no answer has come
 * for {@link #QUIET} after the last one, so a lone server answers in about a third of a second rather than the whole
 * timeout.
 *
 * <p>A no-responders status (503) on a {@code $SYS} subject means nobody in this account serves it: the account
 * lacks system privileges, and that is the one-line error; elsewhere it means nothing serves the subject
 * ({@link NoResponders} either way, so callers can say what was missing). The
 * class is stateless; each call uses its own subscription, closed before it returns.
 */
public final class ScatterGather {

    /** How long to wait after an answer for another one when no count is expected (natscli's 300 ms). */
    public static final Duration QUIET = Duration.ofMillis(300);

    /** The message natscli gives when the system account's services do not answer. */
    public static final String NO_SYSTEM_PRIVILEGES =
            "no results received, ensure the account used has system privileges and appropriate permissions";

    /** The most answers one call collects, a bound for a misbehaving responder flooding the inbox. */
    private static final int ANSWERS_MAX = 100_000;

    private ScatterGather() {
    }

    /** Nothing subscribes to the subject asked (the server's no-responders status). */
    public static final class NoResponders extends CliException {
        private static final long serialVersionUID = 1L;

        public NoResponders(String message) {
            super(message);
        }
    }

    /** One answer: its payload, its headers (null when none) and how long after the request was sent it arrived. */
    public record Reply(byte[] data, Headers headers, Duration elapsed) {
    }

    /** The answers' payloads only, in arrival order; see {@link #gather}. */
    public static List<byte[]> request(Connection nc, String subject, String body, int expect, Duration timeout) {
        List<byte[]> payloads = new ArrayList<>();
        for (Reply r : gather(nc, subject, body, expect, timeout)) {
            payloads.add(r.data());
        }
        return payloads;
    }

    /**
     * Sends {@code body} to {@code subject} and returns the answers in arrival order.
     *
     * @param expect how many answers to wait for; 0 waits for the timeout or a quiet interval
     */
    public static List<Reply> gather(Connection nc, String subject, String body, int expect, Duration timeout) {
        List<Reply> answers = new ArrayList<>();
        stream(nc, subject, body, expect, timeout, QUIET, answers::add);
        return answers;
    }

    /**
     * Sends {@code body} to {@code subject} and hands each answer to {@code onReply} as it arrives, on the calling
     * thread. Stops at {@code expect} answers (when positive), at the timeout, when {@code quiet} (when not null)
     * passes without a further answer, or when {@code onReply} returns false. Returns how many answers came.
     */
    public static int stream(Connection nc, String subject, String body, int expect, Duration timeout,
                             Duration quiet, java.util.function.Predicate<Reply> onReply) {
        return stream(nc, subject, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), expect,
                timeout, quiet, onReply);
    }

    /** As {@link #stream(Connection, String, String, int, Duration, Duration, java.util.function.Predicate)}. */
    public static int stream(Connection nc, String subject, byte[] body, int expect, Duration timeout,
                             Duration quiet, java.util.function.Predicate<Reply> onReply) {
        String inbox = nc.createInbox();
        Subscription sub = nc.subscribe(inbox);
        int answers = 0;
        try {
            long start = System.nanoTime();
            nc.publish(subject, inbox, body);
            long deadline = start + timeout.toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (answers < ANSWERS_MAX && (expect <= 0 || answers < expect)) {
                long now = System.nanoTime();
                long until = Math.min(deadline, quietUntil);
                if (until - now <= 0) {
                    break;
                }
                Message m = sub.nextMessage(Duration.ofNanos(until - now));
                if (m == null) {
                    break;
                }
                if (m.isStatusMessage()) {
                    if (m.getStatus().getCode() == 503) {
                        throw new NoResponders(subject.startsWith("$SYS")
                                ? "server request failed, ensure the account used has system privileges and "
                                        + "appropriate permissions"
                                : "no responders for " + subject);
                    }
                    continue;
                }
                answers++;
                if (!onReply.test(new Reply(m.getData() == null ? new byte[0] : m.getData(), m.getHeaders(),
                        Duration.ofNanos(System.nanoTime() - start)))) {
                    break;
                }
                if (expect <= 0 && quiet != null) {
                    quietUntil = System.nanoTime() + quiet.toNanos();
                }
            }
            return answers;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while waiting for answers on " + subject, e);
        } finally {
            sub.unsubscribe();
        }
    }
}
