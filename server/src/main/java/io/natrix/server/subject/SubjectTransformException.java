package io.natrix.server.subject;

/**
 * A subject transform or mapping that cannot be built, with the reason as data.
 *
 * <p>The messages follow nats-server's wording so that operators moving a configuration between the two servers
 * see the same text: {@code invalid subject}, or {@code invalid mapping destination: <what> in <token>} naming the
 * destination token at fault. {@link #reason()} tells callers which rule was broken without parsing the text.
 *
 * <p>Thrown by {@link SubjectTransform#parse}, {@link SubjectTransform#parseStrict} and {@link SubjectMapping#of};
 * unchecked because a bad transform is a configuration error that stops whatever was being configured.
 */
public final class SubjectTransformException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The rules a transform or mapping can break, each with nats-server's text for it. */
    public enum Reason {
        /** Source or destination is not a valid subject, or their {@code >} do not pair up. */
        BAD_SUBJECT("invalid subject"),
        /** The destination has an empty token, a token after {@code >}, or whitespace outside a function. */
        INVALID_TRANSFORM("invalid mapping destination: invalid transform"),
        /** A strict (import) transform leaves a source wildcard unused. */
        NOT_USING_ALL_WILDCARDS("invalid mapping destination: not using all of the token wildcard(s)"),
        /** A {@code {{...}}} token names no known function. */
        UNKNOWN_FUNCTION("invalid mapping destination: unknown function"),
        /** A function or {@code $n} refers to a wildcard the source does not have. */
        INDEX_OUT_OF_RANGE("invalid mapping destination: wildcard index out of range"),
        NOT_ENOUGH_ARGS("invalid mapping destination: not enough arguments passed to the function"),
        INVALID_ARG("invalid mapping destination: function argument is invalid or in the wrong format"),
        TOO_MANY_ARGS("invalid mapping destination: too many arguments passed to the function"),
        /** A strict (import) transform uses a function other than {@code wildcard}. */
        NOT_SUPPORTED_FOR_IMPORT("invalid mapping destination: the only mapping function allowed for import "
                + "transforms is {{Wildcard()}}"),
        /** A weighted mapping lists the same destination twice. */
        DUPLICATE_DESTINATION("duplicate entry"),
        /** One destination weighs more than 100 (or less than 0, which nats-server's unsigned weights cannot). */
        WEIGHT_OUT_OF_RANGE("individual weights need to be <= 100"),
        /** The weights of one mapping (per cluster) add up to more than 100. */
        TOTAL_WEIGHT_TOO_LARGE("total weight needs to be <= 100");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        /** nats-server's text for this reason, without the detail. */
        public String text() {
            return text;
        }
    }

    private final Reason reason;

    SubjectTransformException(Reason reason) {
        super(reason.text);
        this.reason = reason;
    }

    /** The reason and the detail that nats-server appends ({@code <reason> in <detail>}). */
    SubjectTransformException(Reason reason, String detail) {
        super(detail == null || detail.isEmpty() ? reason.text : reason.text + " in " + detail);
        this.reason = reason;
    }

    /** A reason with a free-form message (used for mapping-level errors whose text names a subject). */
    static SubjectTransformException withMessage(Reason reason, String message) {
        return new SubjectTransformException(message, reason);
    }

    private SubjectTransformException(String message, Reason reason) {
        super(message);
        this.reason = reason;
    }

    /** Which rule the transform or mapping broke. */
    public Reason reason() {
        return reason;
    }
}
