package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The {@code error} object of a JetStream API response: {@code {"code":404,"err_code":10059,"description":"stream not
 * found"}}. {@code code} is HTTP-like, {@code errCode} identifies the error and is what clients switch on, and the
 * description is the catalogue's template with its placeholders filled in. Instances come from {@link JsErrors}.
 *
 * <p>Immutable; safe on any thread.
 *
 * @param code        the HTTP-like status (400, 404, 500, 503, ...)
 * @param errCode     the JetStream error code (10000 and up); 0 only for errors that carry none
 * @param description the human-readable text
 */
@JsonPropertyOrder({"code", "err_code", "description"})
public record JsApiError(
        @JsonProperty("code") int code,
        @JsonProperty("err_code") @JsonInclude(JsonInclude.Include.NON_DEFAULT) int errCode,
        @JsonProperty("description") @JsonInclude(JsonInclude.Include.NON_EMPTY) String description) {

    /** As nats-server's {@code ApiError.Error()}: the description followed by the code in parentheses. */
    @Override
    public String toString() {
        return description + " (" + errCode + ")";
    }
}
