package io.natrix.server.auth;

/**
 * What an account export, import or activation carries: a stream of messages or a request/reply service. JSON
 * {@code "stream"} or {@code "service"}; {@link #UNKNOWN} stands for the field being absent.
 */
public enum ExportType {
    UNKNOWN(""),
    STREAM("stream"),
    SERVICE("service");

    private final String jsonName;

    ExportType(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }
}
