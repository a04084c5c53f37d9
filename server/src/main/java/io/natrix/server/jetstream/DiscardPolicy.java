package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a stream at one of its limits does with a new message: remove the oldest to make room, or refuse the new
 * one. Written in JSON as nats-server writes it: {@code "old"}, {@code "new"}.
 */
public enum DiscardPolicy {
    /** Remove the oldest messages to make room. */
    OLD("old"),

    /** Refuse the new message. */
    NEW("new");

    private final String json;

    DiscardPolicy(String json) {
        this.json = json;
    }

    /** The JSON string. */
    @JsonValue
    public String json() {
        return json;
    }

    /** The constant written {@code json}, or null. */
    static DiscardPolicy fromJson(String json) {
        for (DiscardPolicy value : values()) {
            if (value.json.equals(json)) {
                return value;
            }
        }
        return null;
    }
}
