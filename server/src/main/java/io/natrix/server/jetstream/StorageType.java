package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a stream keeps its messages. Written in JSON as nats-server writes it: {@code "file"}, {@code "memory"}.
 */
public enum StorageType {
    /** On disk, in the server's store directory. */
    FILE("file"),

    /** In memory only; lost when the server stops. */
    MEMORY("memory");

    private final String json;

    StorageType(String json) {
        this.json = json;
    }

    /** The JSON string. */
    @JsonValue
    public String json() {
        return json;
    }

    /** The constant written {@code json}, or null. */
    static StorageType fromJson(String json) {
        for (StorageType value : values()) {
            if (value.json.equals(json)) {
                return value;
            }
        }
        return null;
    }
}
