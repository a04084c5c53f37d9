package io.natrix.server.subject;

/**
 * An interest in a subject, as kept in a {@link SubjectIndex}.
 *
 * <p>The index only needs the subject and the optional queue group; owners (client connections, internal
 * services) extend this class with what delivery needs. Identity is object identity: two subscriptions to the same
 * subject are two entries.
 *
 * <p>Thread-safety: the subject and queue never change; subclasses document their own fields.
 */
public class Subscription {
    private final String subject;
    private final String queue;

    protected Subscription(String subject, String queue) {
        this.subject = subject;
        this.queue = queue;
    }

    public final String subject() {
        return subject;
    }

    /** The queue group, or null for a plain subscription. */
    public final String queue() {
        return queue;
    }

    public final boolean isQueue() {
        return queue != null;
    }

    @Override
    public String toString() {
        return queue == null ? subject : subject + " [" + queue + "]";
    }
}
