package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a consumer starts in its stream: nats-server's {@code DeliverPolicy}, written as nats-server writes it
 * ({@code "all"}, {@code "last"}, {@code "new"}, {@code "by_start_sequence"}, {@code "by_start_time"},
 * {@code "last_per_subject"}). nats-server also reads {@code "undefined"}, which it writes for a value it does not
 * know, as {@code all}; so does {@link #parse}.
 */
public enum DeliverPolicy {
    /** From the first message in the stream. */
    ALL("all"),

    /** From the last message in the stream. */
    LAST("last"),

    /** Only messages stored after the consumer was created. */
    NEW("new"),

    /** From {@code opt_start_seq}. */
    BY_START_SEQUENCE("by_start_sequence"),

    /** From the first message stored at or after {@code opt_start_time}. */
    BY_START_TIME("by_start_time"),

    /** The last message of each subject, then what follows. */
    LAST_PER_SUBJECT("last_per_subject");

    private final String json;

    DeliverPolicy(String json) {
        this.json = json;
    }

    /** The JSON string. */
    @JsonValue
    public String json() {
        return json;
    }

    /** The constant written {@code json} ({@code "undefined"} reads as {@link #ALL}), or null. */
    static DeliverPolicy fromJson(String json) {
        if ("undefined".equals(json)) {
            return ALL;
        }
        for (DeliverPolicy value : values()) {
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
    public static DeliverPolicy parse(String json) {
        DeliverPolicy value = fromJson(json);
        if (value == null) {
            throw new IllegalArgumentException(unmarshalError(GoJson.raw(json)));
        }
        return value;
    }

    /** nats-server's error for a JSON value ({@code raw}, as written) that is no deliver policy. */
    static String unmarshalError(String raw) {
        return "can not unmarshal " + GoJson.quote(raw);
    }
}
