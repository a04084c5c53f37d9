package io.natrix.server.protocol;

/**
 * What the parser found wrong with a client's bytes, and how nats-server answers each case.
 *
 * <p>{@code errText} is the exact text nats-server sends in {@code -ERR '<text>'}; {@code null} means nats-server
 * closes the connection without sending anything (it only logs the problem).
 */
public enum ParseResult {
    /** Every complete operation was handled; incomplete trailing bytes (if any) stay in the buffer. */
    OK(null),
    /** Not an operation of the client protocol, or bytes after a payload that are not CRLF. Fatal. */
    UNKNOWN_OPERATION("Unknown Protocol Operation"),
    /** A control line longer than max_control_line. Fatal. */
    MAX_CONTROL_LINE("maximum control line exceeded"),
    /** A PUB/HPUB whose size exceeds max_payload. Fatal. */
    MAX_PAYLOAD("Maximum Payload Violation"),
    /** Any operation but CONNECT first while authentication is required. Fatal. */
    AUTHORIZATION_VIOLATION("Authorization Violation"),
    /** Malformed arguments (missing or bad size, too many tokens, header size larger than total). Fatal, silent. */
    BAD_ARGUMENTS(null),
    /** A -ERR from the client, which has no business sending one. Fatal, silent. */
    CLIENT_ERROR(null);

    private final String errText;

    ParseResult(String errText) {
        this.errText = errText;
    }

    /** The text for {@code -ERR '...'}, or {@code null} when nats-server closes without a word. */
    public String errText() {
        return errText;
    }
}
