package io.natrix.server.jetstream;

/**
 * A JetStream API request that fails with one of the catalogue's errors: validation and request handling throw it,
 * the API layer catches it and puts {@link #error()} into the response. It is an expected outcome of bad input, not a
 * fault, so it carries no stack trace.
 */
public final class JsApiException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient JsApiError error;

    public JsApiException(JsApiError error) {
        super(error.toString(), null, false, false);
        this.error = error;
    }

    /** The error to send back. */
    public JsApiError error() {
        return error;
    }
}
