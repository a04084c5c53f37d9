package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a pull consumer with priority groups picks among waiting requests: nats-server 2.11's
 * {@code PriorityPolicy}, written {@code "none"}, {@code "overflow"}, {@code "pinned_client"}. A consumer
 * configuration leaves {@link #NONE} out. nats-server 2.12's {@code "prioritized"} is refused as an unknown value,
 * as 2.11 refuses it; so is an empty string.
 */
public enum PriorityPolicy {
    /** No priority groups. */
    NONE("none"),

    /** Requests that set a minimum of pending messages get messages only past that minimum. */
    OVERFLOW("overflow"),

    /** One client at a time gets the messages; the others stand by. */
    PINNED_CLIENT("pinned_client");

    private final String json;

    PriorityPolicy(String json) {
        this.json = json;
    }

    /** The JSON string. */
    @JsonValue
    public String json() {
        return json;
    }

    /** The constant written {@code json}, or null. */
    static PriorityPolicy fromJson(String json) {
        for (PriorityPolicy value : values()) {
            if (value.json.equals(json)) {
                return value;
            }
        }
        return null;
    }

    /**
     * The constant written {@code json}.
     *
     * @throws IllegalArgumentException with nats-server's text ({@code unknown priority policy: "bogus"}) when there
     *                                  is none
     */
    @JsonCreator
    public static PriorityPolicy parse(String json) {
        PriorityPolicy value = fromJson(json);
        if (value == null) {
            throw new IllegalArgumentException(unmarshalError(GoJson.raw(json)));
        }
        return value;
    }

    /** nats-server's error for a JSON value ({@code raw}, as written) that is no priority policy. */
    static String unmarshalError(String raw) {
        return "unknown priority policy: " + raw;
    }

    /** Jackson's filter for {@code omitempty}: true (leave out) for {@link #NONE}. */
    static final class OmitNone {
        @Override
        public boolean equals(Object value) {
            return value == null || value == NONE;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }
}
