package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a consumer create request allows: nats-server's {@code ConsumerAction}, written {@code ""} (create or
 * update, the default), {@code "create"} (refused when a different consumer of that name exists) and
 * {@code "update"} (refused when none exists).
 */
public enum ConsumerAction {
    /** Create the consumer, or update it when it exists. */
    CREATE_OR_UPDATE(""),

    /** Create the consumer; an existing one must have the same configuration. */
    CREATE("create"),

    /** Update an existing consumer. */
    UPDATE("update");

    private final String json;

    ConsumerAction(String json) {
        this.json = json;
    }

    /** The JSON string. */
    @JsonValue
    public String json() {
        return json;
    }

    /** The constant written {@code json}, or null. */
    static ConsumerAction fromJson(String json) {
        for (ConsumerAction value : values()) {
            if (value.json.equals(json)) {
                return value;
            }
        }
        return null;
    }

    /**
     * The constant written {@code json}.
     *
     * @throws IllegalArgumentException with nats-server's text ({@code unknown consumer action: "bogus"}) when there
     *                                  is none
     */
    @JsonCreator
    public static ConsumerAction parse(String json) {
        ConsumerAction value = fromJson(json);
        if (value == null) {
            throw new IllegalArgumentException(unmarshalError(GoJson.raw(json)));
        }
        return value;
    }

    /** nats-server's error for a JSON value ({@code raw}, as written) that is no action. */
    static String unmarshalError(String raw) {
        return "unknown consumer action: " + raw;
    }
}
