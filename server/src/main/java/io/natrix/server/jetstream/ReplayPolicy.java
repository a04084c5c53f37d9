package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How fast a consumer hands out stored messages: nats-server's {@code ReplayPolicy}, written {@code "instant"},
 * {@code "original"}.
 */
public enum ReplayPolicy {
    /** As fast as the consumer can take them. */
    INSTANT("instant"),

    /** With the gaps between them as they were stored. */
    ORIGINAL("original");

    private final String json;

    ReplayPolicy(String json) {
        this.json = json;
    }

    /** The JSON string. */
    @JsonValue
    public String json() {
        return json;
    }

    /** The constant written {@code json}, or null. */
    static ReplayPolicy fromJson(String json) {
        for (ReplayPolicy value : values()) {
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
    public static ReplayPolicy parse(String json) {
        ReplayPolicy value = fromJson(json);
        if (value == null) {
            throw new IllegalArgumentException(unmarshalError(GoJson.raw(json)));
        }
        return value;
    }

    /** nats-server's error for a JSON value ({@code raw}, as written) that is no replay policy. */
    static String unmarshalError(String raw) {
        return "can not unmarshal " + GoJson.quote(raw);
    }
}
