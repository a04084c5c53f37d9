package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a stream decides that a message may go: by its limits alone, once every consumer interested in it has
 * acknowledged it, or once one consumer of a work queue has. Written in JSON as nats-server writes it:
 * {@code "limits"}, {@code "interest"}, {@code "workqueue"}.
 */
public enum RetentionPolicy {
    /** Messages stay until a limit (count, bytes, age, per subject) removes them. */
    LIMITS("limits"),

    /** Messages go once every consumer interested in them has acknowledged them. */
    INTEREST("interest"),

    /** Messages go once one consumer has acknowledged them; consumers may not overlap. */
    WORK_QUEUE("workqueue");

    private final String json;

    RetentionPolicy(String json) {
        this.json = json;
    }

    /** The JSON string. */
    @JsonValue
    public String json() {
        return json;
    }

    /** The constant written {@code json}, or null. */
    static RetentionPolicy fromJson(String json) {
        for (RetentionPolicy value : values()) {
            if (value.json.equals(json)) {
                return value;
            }
        }
        return null;
    }
}
