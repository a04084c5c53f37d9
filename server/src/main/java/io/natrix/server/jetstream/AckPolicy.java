package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a consumer's messages are acknowledged: nats-server's {@code AckPolicy}, written {@code "none"},
 * {@code "all"}, {@code "explicit"}. nats-server 2.14's {@code "flow_control"} is not part of nats-server 2.11 and is
 * refused as an unknown value, as 2.11 refuses it.
 */
public enum AckPolicy {
    /** Nothing is acknowledged; a delivered message counts as done. */
    NONE("none"),

    /** Acknowledging a message acknowledges every earlier one too. */
    ALL("all"),

    /** Every message is acknowledged on its own. */
    EXPLICIT("explicit");

    private final String json;

    AckPolicy(String json) {
        this.json = json;
    }

    /** The JSON string. */
    @JsonValue
    public String json() {
        return json;
    }

    /** The constant written {@code json}, or null. */
    static AckPolicy fromJson(String json) {
        for (AckPolicy value : values()) {
            if (value.json.equals(json)) {
                return value;
            }
        }
        return null;
    }

    /**
     * The constant written {@code json}.
     *
     * @throws IllegalArgumentException with nats-server's text ({@code can not unmarshal "\"bogus\""}) when there is
     *                                  none
     */
    @JsonCreator
    public static AckPolicy parse(String json) {
        AckPolicy value = fromJson(json);
        if (value == null) {
            throw new IllegalArgumentException(unmarshalError(GoJson.raw(json)));
        }
        return value;
    }

    /** nats-server's error for a JSON value ({@code raw}, as written) that is no ack policy. */
    static String unmarshalError(String raw) {
        return "can not unmarshal " + GoJson.quote(raw);
    }
}
