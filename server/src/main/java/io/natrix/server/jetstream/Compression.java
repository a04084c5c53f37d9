package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a file-stored stream compresses its message blocks. Written in JSON as nats-server writes it:
 * {@code "none"}, {@code "s2"}.
 */
public enum Compression {
    /** Not compressed. */
    NONE("none"),

    /** S2 compression (accepted and reported; whether blocks are compressed is the store's business). */
    S2("s2");

    private final String json;

    Compression(String json) {
        this.json = json;
    }

    /** The JSON string. */
    @JsonValue
    public String json() {
        return json;
    }

    /** The constant written {@code json}, or null. */
    static Compression fromJson(String json) {
        for (Compression value : values()) {
            if (value.json.equals(json)) {
                return value;
            }
        }
        return null;
    }
}
