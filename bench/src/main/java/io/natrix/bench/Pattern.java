package io.natrix.bench;

/**
 * The messaging patterns of the throughput scenarios. The option name doubles as the Go driver's scenario name.
 * Rates count messages received by subscribers (every delivery, so fan-out to 4 counts each message 4 times), or for
 * publish-only the messages the server has accepted (confirmed by a final PING/PONG).
 */
enum Pattern {
    PUBLISH_ONLY("pub", "publish-only"),
    PUB_SUB("pubsub", "1 pub → 1 sub"),
    FAN_OUT("fanout", "fan-out to %d subs"),
    QUEUE("queue", "queue group of %d");

    private final String option;
    private final String description;

    Pattern(String option, String description) {
        this.option = option;
        this.description = description;
    }

    String option() {
        return option;
    }

    String describe(int subscribers) {
        return description.formatted(subscribers);
    }

    /** Subscriber connections this pattern uses. */
    int subscribers(int configured) {
        return switch (this) {
            case PUBLISH_ONLY -> 0;
            case PUB_SUB -> 1;
            case FAN_OUT, QUEUE -> configured;
        };
    }

    /** How many deliveries one published message makes. */
    int deliveriesPerMessage(int configured) {
        return switch (this) {
            case PUBLISH_ONLY -> 0;
            case PUB_SUB, QUEUE -> 1;
            case FAN_OUT -> configured;
        };
    }
}
