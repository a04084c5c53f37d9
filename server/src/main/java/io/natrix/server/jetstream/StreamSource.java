package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Where a mirror or a source takes its messages from: another stream, by name, optionally in another account or
 * domain ({@link #external}), optionally starting at a sequence or a time and filtered or transformed by subject.
 * The JSON is nats-server's {@code StreamSource}: {@code name} always, everything else only when set.
 *
 * <p>Immutable; safe on any thread.
 *
 * @param name              the stream to read from
 * @param optStartSeq       the first sequence to take (0: from the start or {@link #optStartTime})
 * @param optStartTime      the first time to take, in the offset the client gave (null: not set)
 * @param filterSubject     only messages on subjects matching this ("" for all)
 * @param subjectTransforms filters with transforms; exclusive with {@link #filterSubject}
 * @param external          where the stream lives when not in this account and domain (null: here)
 */
@JsonPropertyOrder({"name", "opt_start_seq", "opt_start_time", "filter_subject", "subject_transforms", "external"})
public record StreamSource(
        @JsonProperty("name") String name,
        @JsonProperty("opt_start_seq") @JsonInclude(Include.NON_DEFAULT) long optStartSeq,
        @JsonProperty("opt_start_time") @JsonInclude(Include.NON_NULL) OffsetDateTime optStartTime,
        @JsonProperty("filter_subject") @JsonInclude(Include.NON_EMPTY) String filterSubject,
        @JsonProperty("subject_transforms") @JsonInclude(Include.NON_EMPTY)
        List<StreamConfig.SubjectTransformConfig> subjectTransforms,
        @JsonProperty("external") @JsonInclude(Include.NON_NULL) External external) {

    public StreamSource {
        name = name == null ? "" : name;
        filterSubject = filterSubject == null ? "" : filterSubject;
        subjectTransforms = subjectTransforms == null ? List.of() : List.copyOf(subjectTransforms);
    }

    /** A source of the whole of a local stream. */
    public static StreamSource of(String name) {
        return new StreamSource(name, 0, null, "", List.of(), null);
    }

    /**
     * The API prefix and delivery prefix under which another account's or domain's stream is reached; nats-server's
     * {@code ExternalStream}, both fields always written.
     *
     * @param api     the JetStream API prefix of the other side ({@code $JS.<domain>.API})
     * @param deliver the subject prefix messages are delivered on
     */
    @JsonPropertyOrder({"api", "deliver"})
    public record External(@JsonProperty("api") String api, @JsonProperty("deliver") String deliver) {
        public External {
            api = api == null ? "" : api;
            deliver = deliver == null ? "" : deliver;
        }
    }
}
