package io.natrix.server.auth;

/**
 * A public key, seed or signature text that is not a well-formed nkey value: bad length, bad base32, bad checksum, an
 * unknown prefix or the wrong type for the use. It never carries seed material in its message.
 *
 * <p>Unchecked: the callers (CONNECT handling, configuration loading, the CLI) turn it into their own error, and any
 * other exception escaping {@link NKeys} or {@link NKeyPair} on bad input is a bug.
 */
public final class NKeyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NKeyException(String message) {
        super(message);
    }
}
