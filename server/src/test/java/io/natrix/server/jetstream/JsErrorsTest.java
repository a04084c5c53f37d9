package io.natrix.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JetStream API error catalogue: complete, exact, and filled in as nats-server fills it. */
class JsErrorsTest {

    /** nats-server v2.14.5's server/errors.json holds 222 entries, all JetStream API errors. */
    private static final int SOURCE_ENTRIES = 222;

    @Test
    void jsErrorsCatalogueHoldsEveryEntryOfTheSource() {
        assertThat(JsErrors.catalogue()).hasSize(SOURCE_ENTRIES);
        assertThat(JsErrors.source()).startsWith("nats-io/nats-server v2.14.5 ");
        assertThat(JsErrors.catalogue().values()).extracting(JsApiError::errCode).doesNotHaveDuplicates()
                .allSatisfy(code -> assertThat(code).isBetween(10000, 10999));
        assertThat(JsErrors.catalogue().values()).extracting(JsApiError::code)
                .allSatisfy(code -> assertThat(code).isIn(400, 404, 409, 412, 429, 500, 503));
    }

    @Test
    void jsErrorsWellKnownCodesAreExact() {
        assertError(JsErrors.streamNotFound(), 404, 10059, "stream not found");
        assertError(JsErrors.streamNameInUse(), 400, 10058,
                "stream name already in use with a different configuration");
        assertError(JsErrors.streamSubjectOverlap(), 400, 10065, "subjects overlap with an existing stream");
        assertError(JsErrors.invalidJSON("json: unknown field \"x\""), 400, 10025,
                "invalid JSON: json: unknown field \"x\"");
        assertError(JsErrors.badRequest(), 400, 10003, "bad request");
        assertError(JsErrors.streamInvalidConfig("maximum replicas is 5"), 500, 10052, "maximum replicas is 5");
        assertError(JsErrors.streamReplicasNotSupported(), 500, 10074,
                "replicas > 1 not supported in non-clustered mode");
        assertError(JsErrors.replicasCountCannotBeNegative(), 400, 10133, "replicas count cannot be negative");
        assertError(JsErrors.streamMismatch(), 400, 10056, "stream name in subject does not match request");
        assertError(JsErrors.streamNameContainsPathSeparators(), 400, 10128,
                "Stream name can not contain path separators");
        assertError(JsErrors.noMessageFound(), 404, 10037, "no message found");
        assertError(JsErrors.notEnabledForAccount(), 503, 10039, "JetStream not enabled for account");
        assertError(JsErrors.notEnabled(), 503, 10076, "JetStream not enabled");
        assertError(JsErrors.pedantic("max_msgs must be set to -1"), 400, 10157,
                "pedantic mode: max_msgs must be set to -1");
        assertError(JsErrors.streamWrongLastSequence(2), 400, 10071, "wrong last sequence: 2");
        assertError(JsErrors.streamMessageExceedsMaximum(), 400, 10054, "message size exceeds maximum allowed");
        assertError(JsErrors.mirrorWithSubjects(), 400, 10034, "stream mirrors can not contain subjects");
        assertError(JsErrors.maximumStreamsLimit(), 400, 10027, "maximum number of streams reached");
        assertError(JsErrors.requiredApiLevel(), 412, 10185, "JetStream minimum api level required");
        assertError(JsErrors.get("JSConsumerNotFoundErr"), 404, 10014, "consumer not found");
        assertError(JsErrors.get("JSStreamMsgDeleteFailedF", Map.of("err", "message delete not permitted")), 500,
                10057, "message delete not permitted");
    }

    @Test
    void jsErrorsEveryNamedAccessorIsInTheCatalogue() {
        // Each accessor resolves its constant when called; calling them all proves none is misspelt.
        assertThat(JsErrors.streamTransformInvalidSource("x").errCode()).isEqualTo(10155);
        assertThat(JsErrors.streamTransformInvalidDestination("x").errCode()).isEqualTo(10156);
        assertThat(JsErrors.mirrorInvalidSubjectFilter("x").description()).isEqualTo("mirror transform source: x");
        assertThat(JsErrors.mirrorInvalidTransformDestination("x").description()).isEqualTo("mirror transform: x");
        assertThat(JsErrors.sourceInvalidSubjectFilter("x").description()).isEqualTo("source transform source: x");
        assertThat(JsErrors.sourceInvalidTransformDestination("x").description()).isEqualTo("source transform: x");
        assertThat(JsErrors.streamInvalidExternalDeliverySubject("a.*").description())
                .isEqualTo("stream external delivery prefix a.* must not contain wildcards");
        assertThat(JsErrors.streamExternalApiOverlap("$JS.API.x", "$JS.API").description())
                .isEqualTo("stream external api prefix $JS.API.x must not overlap with $JS.API");
        for (JsApiError e : new JsApiError[] {JsErrors.notEmptyRequest(), JsErrors.clusterUnsupportedFeature(),
                JsErrors.clusterNotActive(), JsErrors.streamMaxBytesRequired(), JsErrors.streamMaxStreamBytesExceeded(),
                JsErrors.streamMirrorNotUpdatable(), JsErrors.streamCreate("x"), JsErrors.streamUpdate("x"),
                JsErrors.streamDelete("x"), JsErrors.streamGeneralError("x"), JsErrors.streamMsgDeleteFailed("x"),
                JsErrors.maximumConsumersLimit(), JsErrors.memoryResourcesExceeded(),
                JsErrors.storageResourcesExceeded(), JsErrors.streamNotMatch(), JsErrors.streamWrongLastMsgId("x"),
                JsErrors.streamSealed(), JsErrors.mirrorWithSources(), JsErrors.mirrorWithFirstSeq(),
                JsErrors.mirrorMultipleFiltersNotAllowed(), JsErrors.mirrorOverlappingSubjectFilters(),
                JsErrors.mirrorInvalidStreamName(), JsErrors.mirrorMaxMessageSizeTooBig(),
                JsErrors.sourceInvalidStreamName(), JsErrors.sourceDuplicateDetected(),
                JsErrors.sourceMaxMessageSizeTooBig(), JsErrors.sourceMultipleFiltersNotAllowed(),
                JsErrors.sourceOverlappingSubjectFilters()}) {
            assertThat(JsErrors.constantOf(e.errCode())).isNotNull();
            assertThat(e.description()).doesNotContain("{");
        }
    }

    @Test
    void jsErrorsPlaceholdersAreFilledAsNatsServerFillsThem() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("prefix", "deliver.{subject}");
        args.put("subject", "orders.>");
        // Inserted text is not read again for placeholders.
        assertThat(JsErrors.get("JSStreamExternalDelPrefixOverlapsErrF", args).description())
                .isEqualTo("stream external delivery prefix deliver.{subject} overlaps with stream subject orders.>");
        // A placeholder without an argument stays as written; unknown arguments are ignored.
        assertThat(JsErrors.get("JSStreamExternalDelPrefixOverlapsErrF", Map.of("prefix", "p", "other", 1))
                .description()).isEqualTo("stream external delivery prefix p overlaps with stream subject {subject}");
        // Numbers as text, errors as their error string, exceptions as their message.
        assertThat(JsErrors.get("JSStreamWrongLastSequenceErrF", Map.of("seq", 42L)).description())
                .isEqualTo("wrong last sequence: 42");
        assertThat(JsErrors.get("JSStreamCreateErrF", Map.of("err", JsErrors.streamNotFound())).description())
                .isEqualTo("stream not found (10059)");
        assertThat(JsErrors.get("JSStreamCreateErrF", Map.of("err", new IllegalStateException("disk full")))
                .description()).isEqualTo("disk full");
        // Unfilled, the template is returned as it is.
        assertThat(JsErrors.get("JSInvalidJSONErr").description()).isEqualTo("invalid JSON: {err}");
    }

    @Test
    void jsErrorsUnknownConstantFailsFast() {
        assertThatThrownBy(() -> JsErrors.get("JSNoSuchErr")).isInstanceOf(IllegalArgumentException.class);
        assertThat(JsErrors.constantOf(10059)).isEqualTo("JSStreamNotFoundErr");
        assertThat(JsErrors.constantOf(99999)).isNull();
    }

    @Test
    void jsErrorsWriteAsNatsServerWritesThem() {
        assertThat(JsJson.writeString(JsErrors.streamReplicasNotSupported())).isEqualTo(
                "{\"code\":500,\"err_code\":10074,\"description\":\"replicas \\u003e 1 not supported in non-clustered mode\"}");
        assertThat(JsErrors.streamNotFound()).hasToString("stream not found (10059)");
    }

    private static void assertError(JsApiError error, int code, int errCode, String description) {
        assertThat(error).isEqualTo(new JsApiError(code, errCode, description));
    }
}
