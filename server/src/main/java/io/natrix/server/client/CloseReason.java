package io.natrix.server.client;

/** Why a connection closed, with the wording nats-server reports in /connz and its logs. */
public enum CloseReason {
    CLIENT_CLOSED("Client Closed"),
    AUTHENTICATION_TIMEOUT("Authentication Timeout"),
    AUTHENTICATION_VIOLATION("Authentication Failure"),
    SLOW_CONSUMER_PENDING_BYTES("Slow Consumer (Pending Bytes)"),
    SLOW_CONSUMER_WRITE_DEADLINE("Slow Consumer (Write Deadline)"),
    WRITE_ERROR("Write Error"),
    READ_ERROR("Read Error"),
    TLS_HANDSHAKE_ERROR("TLS Handshake Failure"),
    PARSE_ERROR("Parse Error"),
    STALE_CONNECTION("Stale Connection"),
    PROTOCOL_VIOLATION("Protocol Violation"),
    BAD_CLIENT_PROTOCOL_VERSION("Bad Client Protocol Version"),
    NO_RESPONDERS_REQUIRES_HEADERS("No Responders Requires Headers"),
    MAX_CONNECTIONS_EXCEEDED("Maximum Connections Exceeded"),
    MAX_PAYLOAD_EXCEEDED("Maximum Message Payload Exceeded"),
    MAX_CONTROL_LINE_EXCEEDED("Maximum Control Line Exceeded"),
    MAX_ACCOUNT_CONNECTIONS_EXCEEDED("Maximum Account Connections Exceeded"),
    MAX_SUBSCRIPTIONS_EXCEEDED("Maximum Subscriptions Exceeded"),
    AUTHENTICATION_EXPIRED("Authentication Expired"),
    REVOCATION("Credentials Revoked"),
    SERVER_SHUTDOWN("Server Shutdown"),
    LAME_DUCK("Lame Duck Mode"),
    KICKED("Kicked");

    private final String text;

    CloseReason(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
