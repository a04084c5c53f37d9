package io.natrix.server.auth;

/**
 * A curve-key (xkey) operation refused: a key of the wrong kind, or sealed input that is malformed or does not open.
 * The {@link Reason} is data for callers and tests; the message is the nkeys library's error text for the same case
 * (what nats-server logs), never key material.
 *
 * <p>Unchecked, like {@link NKeyException}: any other exception escaping {@link XKeyPair} on bad input is a bug.
 */
public final class XKeyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why, each with nkeys' text. */
    public enum Reason {
        /** A seed that is not an "SX..." curve seed. */
        INVALID_SEED("nkeys: not a valid curve seed"),
        /** {@code seal}: the recipient is not an "X..." public key, or a degenerate (small-order) one. */
        INVALID_RECIPIENT("nkeys: not a valid recipient public curve key"),
        /** {@code open}: the sender is not an "X..." public key. */
        INVALID_SENDER("nkeys: not a valid sender public curve key"),
        /** {@code open}: no room for anything after the header and the nonce. */
        INVALID_ENCRYPTED("nkeys: encrypted input is not valid"),
        /** {@code open}: the input does not start with the "xkv1" header. */
        WRONG_VERSION("nkeys: encrypted input wrong version"),
        /** {@code open}: the tag does not verify: tampered, truncated, or sealed for another key or by another. */
        COULD_NOT_DECRYPT("nkeys: could not decrypt input");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        /** The nkeys library's error text. */
        public String text() {
            return text;
        }
    }

    private final Reason reason;

    public XKeyException(Reason reason) {
        super(reason.text());
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
