package io.natrix.server.client;

import io.natrix.server.subject.Subscription;

/**
 * A subscription held by the server itself rather than a client: system services, imports between accounts,
 * later the JetStream API and streams. It sits in an account's subject index like any client subscription, so it
 * sees exactly the messages published in that account to its subject (and takes part in queue groups).
 *
 * <p>Threads: {@link #onMessage} runs synchronously on the publishing thread (an event loop, or a server thread
 * for internal publishes), concurrently for concurrent publishers. It must not block; work that can wait belongs
 * on another executor, with the parts of the message it needs copied first.
 */
public abstract class InternalSubscription extends Subscription {

    protected InternalSubscription(String subject, String queue) {
        super(subject, queue);
    }

    /**
     * Receives one message; returns whether it was taken (false lets a queue group pick another member and makes
     * a request without any taker get a no-responders answer).
     */
    protected abstract boolean onMessage(Message message);
}
