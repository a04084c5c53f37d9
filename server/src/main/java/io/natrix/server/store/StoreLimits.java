package io.natrix.server.store;

import java.time.Duration;

/**
 * What a stream's retention limits ask of its store; the store enforces them as messages arrive (removing the
 * oldest) and {@link MessageStore#expire} enforces the age limit. {@code -1} or {@code 0} (and a zero duration)
 * mean no limit, as in nats-server's stream configuration.
 *
 * @param maxMsgs           most messages
 * @param maxBytes          most bytes ({@link MessageStore#messageSize} summed)
 * @param maxAge            oldest message age
 * @param maxMsgsPerSubject most messages per subject
 */
public record StoreLimits(long maxMsgs, long maxBytes, Duration maxAge, long maxMsgsPerSubject) {
    public static final StoreLimits NONE = new StoreLimits(-1, -1, Duration.ZERO, -1);

    public StoreLimits {
        maxAge = maxAge == null ? Duration.ZERO : maxAge;
    }

    public boolean limitsMsgs() {
        return maxMsgs > 0;
    }

    public boolean limitsBytes() {
        return maxBytes > 0;
    }

    public boolean limitsAge() {
        return !maxAge.isZero() && !maxAge.isNegative();
    }

    public boolean limitsPerSubject() {
        return maxMsgsPerSubject > 0;
    }
}
