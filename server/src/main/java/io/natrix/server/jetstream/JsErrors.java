package io.natrix.server.jetstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JetStream API error catalogue: every error nats-server's JetStream API can return, kept as data in
 * {@code errors.json} next to this class (constant name, {@code code}, {@code error_code}, description template),
 * generated from nats-server's own {@code server/errors.json} and loaded when this class initialises. Clients switch
 * on {@code err_code}, so the codes and texts are nats-server's exactly.
 *
 * <p>{@link #get} fills a template's {@code {placeholders}} the way nats-server does: one left-to-right pass that
 * replaces every occurrence of each named placeholder, never re-reading what it inserted; a placeholder without an
 * argument stays as written. The named accessors below cover the errors the server raises itself; anything else is
 * reached by its constant name.
 *
 * <p>A missing or malformed catalogue, or an unknown constant, is a programming error and fails fast.
 *
 * <p>Immutable after class initialisation; safe on any thread.
 */
public final class JsErrors {
    private static final String RESOURCE = "errors.json";

    private static final Map<String, JsApiError> BY_CONSTANT;
    private static final Map<Integer, String> CONSTANT_BY_ERR_CODE;
    private static final String SOURCE;

    static {
        JsonNode root;
        try (InputStream in = JsErrors.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("JetStream error catalogue " + RESOURCE + " is missing");
            }
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("JetStream error catalogue " + RESOURCE + " can not be read", e);
        }
        Map<String, JsApiError> byConstant = new LinkedHashMap<>();
        Map<Integer, String> byErrCode = new HashMap<>();
        for (JsonNode entry : root.required("errors")) {
            String constant = entry.required("constant").asText();
            JsApiError error = new JsApiError(entry.required("code").asInt(), entry.required("error_code").asInt(),
                    entry.required("description").asText());
            if (byConstant.put(constant, error) != null || byErrCode.put(error.errCode(), constant) != null) {
                throw new IllegalStateException("JetStream error catalogue repeats " + constant);
            }
        }
        if (byConstant.size() != root.required("count").asInt()) {
            throw new IllegalStateException("JetStream error catalogue holds " + byConstant.size()
                    + " entries, its header says " + root.required("count").asInt());
        }
        BY_CONSTANT = Collections.unmodifiableMap(byConstant);
        CONSTANT_BY_ERR_CODE = Collections.unmodifiableMap(byErrCode);
        SOURCE = root.required("source").asText();
    }

    private JsErrors() {
    }

    /** Where the catalogue came from (nats-server release, commit and file). */
    public static String source() {
        return SOURCE;
    }

    /** Every catalogue entry by constant name, templates unfilled, in {@code err_code} order. */
    public static Map<String, JsApiError> catalogue() {
        return BY_CONSTANT;
    }

    /** The constant name of an {@code err_code}, or null when the catalogue has none. */
    public static String constantOf(int errCode) {
        return CONSTANT_BY_ERR_CODE.get(errCode);
    }

    /** The error named {@code constant} with no placeholders filled. */
    public static JsApiError get(String constant) {
        return get(constant, Map.of());
    }

    /**
     * The error named {@code constant} (nats-server's constant, e.g. {@code JSStreamNotFoundErr}) with its
     * placeholders filled from {@code args}, keyed by placeholder name without braces ({@code "err"} fills
     * {@code {err}}). Values are written as nats-server writes them: text as is, a {@link JsApiError} as its
     * {@linkplain JsApiError#toString() error string}, an exception as its message, anything else by
     * {@code toString()}.
     *
     * @throws IllegalArgumentException when the catalogue has no such constant
     */
    public static JsApiError get(String constant, Map<String, ?> args) {
        JsApiError template = BY_CONSTANT.get(constant);
        if (template == null) {
            throw new IllegalArgumentException("no JetStream API error " + constant);
        }
        if (args.isEmpty() || template.description().indexOf('{') < 0) {
            return template;
        }
        return new JsApiError(template.code(), template.errCode(), fill(template.description(), args));
    }

    /** The same, thrown. */
    public static JsApiException exception(String constant, Map<String, ?> args) {
        return new JsApiException(get(constant, args));
    }

    /** Replaces {@code {name}} by its argument in one pass; the first argument to match at a position wins. */
    static String fill(String template, Map<String, ?> args) {
        List<String> keys = new ArrayList<>(args.size());
        List<String> values = new ArrayList<>(args.size());
        for (Map.Entry<String, ?> arg : args.entrySet()) {
            keys.add("{" + arg.getKey() + "}");
            values.add(text(arg.getValue()));
        }
        StringBuilder out = new StringBuilder(template.length() + 32);
        int i = 0;
        outer:
        while (i < template.length()) {
            if (template.charAt(i) == '{') {
                for (int k = 0; k < keys.size(); k++) {
                    if (template.startsWith(keys.get(k), i)) {
                        out.append(values.get(k));
                        i += keys.get(k).length();
                        continue outer;
                    }
                }
            }
            out.append(template.charAt(i++));
        }
        return out.toString();
    }

    private static String text(Object value) {
        if (value instanceof Throwable t) {
            return t instanceof JsApiException e ? e.error().toString() : String.valueOf(t.getMessage());
        }
        return String.valueOf(value);
    }

    private static JsApiError err(String constant) {
        return get(constant);
    }

    private static JsApiError err(String constant, String placeholder, Object value) {
        return get(constant, Map.of(placeholder, value));
    }

    // Requests and the API itself.

    /** 400 10003 {@code bad request}. */
    public static JsApiError badRequest() {
        return err("JSBadRequestErr");
    }

    /** 400 10025 {@code invalid JSON: <err>}. */
    public static JsApiError invalidJSON(String detail) {
        return err("JSInvalidJSONErr", "err", detail);
    }

    /** 400 10038 {@code expected an empty request payload}. */
    public static JsApiError notEmptyRequest() {
        return err("JSNotEmptyRequestErr");
    }

    /** 503 10076 {@code JetStream not enabled}. */
    public static JsApiError notEnabled() {
        return err("JSNotEnabledErr");
    }

    /** 503 10039 {@code JetStream not enabled for account}. */
    public static JsApiError notEnabledForAccount() {
        return err("JSNotEnabledForAccountErr");
    }

    /** 400 10157 {@code pedantic mode: <err>}. */
    public static JsApiError pedantic(String detail) {
        return err("JSPedanticErrF", "err", detail);
    }

    /** 412 10185 {@code JetStream minimum api level required}. */
    public static JsApiError requiredApiLevel() {
        return err("JSRequiredApiLevelErr");
    }

    /** 503 10036 {@code not currently supported in clustered mode}. */
    public static JsApiError clusterUnsupportedFeature() {
        return err("JSClusterUnSupportFeatureErr");
    }

    /** 500 10006 {@code JetStream not in clustered mode}: cluster-only requests on a single server. */
    public static JsApiError clusterNotActive() {
        return err("JSClusterNotActiveErr");
    }

    // Streams.

    /** 404 10059 {@code stream not found}. */
    public static JsApiError streamNotFound() {
        return err("JSStreamNotFoundErr");
    }

    /** 400 10058 {@code stream name already in use with a different configuration}. */
    public static JsApiError streamNameInUse() {
        return err("JSStreamNameExistErr");
    }

    /** 400 10065 {@code subjects overlap with an existing stream}. */
    public static JsApiError streamSubjectOverlap() {
        return err("JSStreamSubjectOverlapErr");
    }

    /** 400 10056 {@code stream name in subject does not match request}. */
    public static JsApiError streamMismatch() {
        return err("JSStreamMismatchErr");
    }

    /** 400 10128 {@code Stream name can not contain path separators}. */
    public static JsApiError streamNameContainsPathSeparators() {
        return err("JSStreamNameContainsPathSeparatorsErr");
    }

    /** 500 10052 {@code <detail>}: the stream configuration is invalid. */
    public static JsApiError streamInvalidConfig(String detail) {
        return err("JSStreamInvalidConfigF", "err", detail);
    }

    /** 500 10074 {@code replicas > 1 not supported in non-clustered mode}: what a single server says to R3. */
    public static JsApiError streamReplicasNotSupported() {
        return err("JSStreamReplicasNotSupportedErr");
    }

    /** 400 10133 {@code replicas count cannot be negative}. */
    public static JsApiError replicasCountCannotBeNegative() {
        return err("JSReplicasCountCannotBeNegative");
    }

    /** 400 10113 {@code account requires a stream config to have max bytes set}. */
    public static JsApiError streamMaxBytesRequired() {
        return err("JSStreamMaxBytesRequired");
    }

    /** 400 10122 {@code stream max bytes exceeds account limit max stream bytes}. */
    public static JsApiError streamMaxStreamBytesExceeded() {
        return err("JSStreamMaxStreamBytesExceeded");
    }

    /** 400 10055 {@code stream mirror configuration can not be updated}. */
    public static JsApiError streamMirrorNotUpdatable() {
        return err("JSStreamMirrorNotUpdatableErr");
    }

    /** 500 10049 {@code <err>}: stream creation failed for a reason outside the catalogue. */
    public static JsApiError streamCreate(String detail) {
        return err("JSStreamCreateErrF", "err", detail);
    }

    /** 500 10069 {@code <err>}: stream update failed for a reason outside the catalogue. */
    public static JsApiError streamUpdate(String detail) {
        return err("JSStreamUpdateErrF", "err", detail);
    }

    /** 500 10050 {@code <err>}: stream deletion failed. */
    public static JsApiError streamDelete(String detail) {
        return err("JSStreamDeleteErrF", "err", detail);
    }

    /** 500 10051 {@code <err>}. */
    public static JsApiError streamGeneralError(String detail) {
        return err("JSStreamGeneralErrorF", "err", detail);
    }

    /** 500 10057 {@code <err>}: message deletion failed or is not permitted. */
    public static JsApiError streamMsgDeleteFailed(String detail) {
        return err("JSStreamMsgDeleteFailedF", "err", detail);
    }

    /** 400 10027 {@code maximum number of streams reached}. */
    public static JsApiError maximumStreamsLimit() {
        return err("JSMaximumStreamsLimitErr");
    }

    /** 400 10026 {@code maximum consumers limit reached}. */
    public static JsApiError maximumConsumersLimit() {
        return err("JSMaximumConsumersLimitErr");
    }

    /** 500 10028 {@code insufficient memory resources available}. */
    public static JsApiError memoryResourcesExceeded() {
        return err("JSMemoryResourcesExceededErr");
    }

    /** 500 10047 {@code insufficient storage resources available}. */
    public static JsApiError storageResourcesExceeded() {
        return err("JSStorageResourcesExceededErr");
    }

    /** 404 10037 {@code no message found}. */
    public static JsApiError noMessageFound() {
        return err("JSNoMessageFoundErr");
    }

    /** 400 10054 {@code message size exceeds maximum allowed}. */
    public static JsApiError streamMessageExceedsMaximum() {
        return err("JSStreamMessageExceedsMaximumErr");
    }

    /** 400 10060 {@code expected stream does not match}. */
    public static JsApiError streamNotMatch() {
        return err("JSStreamNotMatchErr");
    }

    /** 400 10071 {@code wrong last sequence: <seq>}. */
    public static JsApiError streamWrongLastSequence(long seq) {
        return err("JSStreamWrongLastSequenceErrF", "seq", Long.toUnsignedString(seq));
    }

    /** 400 10070 {@code wrong last msg ID: <id>}. */
    public static JsApiError streamWrongLastMsgId(String id) {
        return err("JSStreamWrongLastMsgIDErrF", "id", id);
    }

    /** 400 10109 {@code invalid operation on sealed stream}. */
    public static JsApiError streamSealed() {
        return err("JSStreamSealedErr");
    }

    /** 400 10155 {@code stream transform source: <err>}. */
    public static JsApiError streamTransformInvalidSource(String detail) {
        return err("JSStreamTransformInvalidSource", "err", detail);
    }

    /** 400 10156 {@code stream transform: <err>}. */
    public static JsApiError streamTransformInvalidDestination(String detail) {
        return err("JSStreamTransformInvalidDestination", "err", detail);
    }

    /** 400 10024 {@code stream external delivery prefix <prefix> must not contain wildcards}. */
    public static JsApiError streamInvalidExternalDeliverySubject(String prefix) {
        return err("JSStreamInvalidExternalDeliverySubjErrF", "prefix", prefix);
    }

    /** 400 10022 {@code stream external delivery prefix <prefix> overlaps with stream subject <subject>}. */
    public static JsApiError streamExternalDelPrefixOverlaps(String prefix, String subject) {
        return get("JSStreamExternalDelPrefixOverlapsErrF", orderedArgs("prefix", prefix, "subject", subject));
    }

    /** 400 10021 {@code stream external api prefix <prefix> must not overlap with <subject>}. */
    public static JsApiError streamExternalApiOverlap(String prefix, String subject) {
        return get("JSStreamExternalApiOverlapErrF", orderedArgs("prefix", prefix, "subject", subject));
    }

    // Mirrors and sources.

    /** 400 10034 {@code stream mirrors can not contain subjects}. */
    public static JsApiError mirrorWithSubjects() {
        return err("JSMirrorWithSubjectsErr");
    }

    /** 400 10031 {@code stream mirrors can not also contain other sources}. */
    public static JsApiError mirrorWithSources() {
        return err("JSMirrorWithSourcesErr");
    }

    /** 400 10143 {@code stream mirrors can not have first sequence configured}. */
    public static JsApiError mirrorWithFirstSeq() {
        return err("JSMirrorWithFirstSeqErr");
    }

    /** 400 10150 {@code mirror with multiple subject transforms cannot also have a single subject filter}. */
    public static JsApiError mirrorMultipleFiltersNotAllowed() {
        return err("JSMirrorMultipleFiltersNotAllowed");
    }

    /** 400 10151 {@code mirror transform source: <err>}. */
    public static JsApiError mirrorInvalidSubjectFilter(String detail) {
        return err("JSMirrorInvalidSubjectFilter", "err", detail);
    }

    /** 400 10154 {@code mirror transform: <err>}. */
    public static JsApiError mirrorInvalidTransformDestination(String detail) {
        return err("JSMirrorInvalidTransformDestination", "err", detail);
    }

    /** 400 10152 {@code mirror subject filters can not overlap}. */
    public static JsApiError mirrorOverlappingSubjectFilters() {
        return err("JSMirrorOverlappingSubjectFilters");
    }

    /** 400 10142 {@code mirrored stream name is invalid}. */
    public static JsApiError mirrorInvalidStreamName() {
        return err("JSMirrorInvalidStreamName");
    }

    /** 400 10030 {@code stream mirror must have max message size >= source}. */
    public static JsApiError mirrorMaxMessageSizeTooBig() {
        return err("JSMirrorMaxMessageSizeTooBigErr");
    }

    /** 400 10141 {@code sourced stream name is invalid}. */
    public static JsApiError sourceInvalidStreamName() {
        return err("JSSourceInvalidStreamName");
    }

    /** 400 10140 {@code duplicate source configuration detected}. */
    public static JsApiError sourceDuplicateDetected() {
        return err("JSSourceDuplicateDetected");
    }

    /** 400 10046 {@code stream source must have max message size >= target}. */
    public static JsApiError sourceMaxMessageSizeTooBig() {
        return err("JSSourceMaxMessageSizeTooBigErr");
    }

    /** 400 10144 {@code source with multiple subject transforms cannot also have a single subject filter}. */
    public static JsApiError sourceMultipleFiltersNotAllowed() {
        return err("JSSourceMultipleFiltersNotAllowed");
    }

    /** 400 10145 {@code source transform source: <err>}. */
    public static JsApiError sourceInvalidSubjectFilter(String detail) {
        return err("JSSourceInvalidSubjectFilter", "err", detail);
    }

    /** 400 10146 {@code source transform: <err>}. */
    public static JsApiError sourceInvalidTransformDestination(String detail) {
        return err("JSSourceInvalidTransformDestination", "err", detail);
    }

    /** 400 10147 {@code source filters can not overlap}. */
    public static JsApiError sourceOverlappingSubjectFilters() {
        return err("JSSourceOverlappingSubjectFilters");
    }

    /** Arguments in the order given: nats-server's replacer tries them in that order. */
    private static Map<String, Object> orderedArgs(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put(k1, v1);
        args.put(k2, v2);
        return args;
    }
}
