package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The JetStream API's envelopes for streams and the account: the request bodies the server reads and the
 * responses it writes, with nats-server's {@code type} strings and JSON.
 *
 * <p>Every response carries {@code type} and, when the request failed, {@code error}; the rest depends on the
 * request. nats-server embeds the body's struct in the response (its fields sit next to {@code type}); here that is
 * an {@link JsonUnwrapped} component, null on failure, when nats-server leaves the body out. Responses with paging
 * ({@code total}, {@code offset}, {@code limit}) write those fields even on failure, as nats-server does.
 *
 * <p>Request parsers read JSON as nats-server does ({@link GoBinder}): unknown fields refused, errors as
 * {@code invalid JSON} (400 10025) with Go's wording. Whether a request body is read at all is the caller's choice
 * and follows nats-server: info, names, list and purge read it only when it {@linkplain #isJsonObjectOrArray looks
 * like JSON}, message get and delete refuse an {@linkplain #isEmptyRequest empty} one with {@code bad request}, and
 * stream delete refuses a non-empty one.
 *
 * <p>Every type here is immutable and safe on any thread.
 */
public final class JsApi {
    public static final String ACCOUNT_INFO_RESPONSE = "io.nats.jetstream.api.v1.account_info_response";
    public static final String STREAM_CREATE_RESPONSE = "io.nats.jetstream.api.v1.stream_create_response";
    public static final String STREAM_UPDATE_RESPONSE = "io.nats.jetstream.api.v1.stream_update_response";
    public static final String STREAM_INFO_RESPONSE = "io.nats.jetstream.api.v1.stream_info_response";
    public static final String STREAM_NAMES_RESPONSE = "io.nats.jetstream.api.v1.stream_names_response";
    public static final String STREAM_LIST_RESPONSE = "io.nats.jetstream.api.v1.stream_list_response";
    public static final String STREAM_DELETE_RESPONSE = "io.nats.jetstream.api.v1.stream_delete_response";
    public static final String STREAM_PURGE_RESPONSE = "io.nats.jetstream.api.v1.stream_purge_response";
    public static final String STREAM_MSG_GET_RESPONSE = "io.nats.jetstream.api.v1.stream_msg_get_response";
    public static final String STREAM_MSG_DELETE_RESPONSE = "io.nats.jetstream.api.v1.stream_msg_delete_response";

    /** Most stream names in one names response. */
    public static final int NAMES_LIMIT = 1024;
    /** Most streams in one list response. */
    public static final int LIST_LIMIT = 256;
    /** Most subjects in one stream info response's {@code state.subjects}. */
    public static final int MAX_SUBJECT_DETAILS = 100_000;

    private JsApi() {
    }

    /** Whether a body's first non-whitespace byte opens an object or array (nats-server's test before reading). */
    public static boolean isJsonObjectOrArray(byte[] body) {
        int i = 0;
        while (i < body.length && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r')) {
            i++;
        }
        return i < body.length && (body[i] == '{' || body[i] == '[');
    }

    /** Whether a body is empty: no bytes, or a JSON object without members. */
    public static boolean isEmptyRequest(byte[] body) {
        if (body.length == 0) {
            return true;
        }
        try {
            GoJson.Values values = new GoJson.Values(body);
            Object first = values.next();
            return first instanceof GoJson.Obj obj && obj.members().isEmpty() && values.next() == null;
        } catch (GoJson.SyntaxException e) {
            return false;
        }
    }

    private static void check(String error) throws JsApiException {
        if (error != null) {
            throw new JsApiException(JsErrors.invalidJSON(error));
        }
    }

    // Responses.

    /** {@code $JS.API.INFO}: the account's usage, or an error. */
    @JsonPropertyOrder({"type", "error"})
    public record AccountInfoResponse(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonUnwrapped AccountInfo info) {
        public AccountInfoResponse {
            info = AccountInfo.present(info);
        }

        public static AccountInfoResponse of(AccountInfo info) {
            return new AccountInfoResponse(ACCOUNT_INFO_RESPONSE, null, info);
        }

        public static AccountInfoResponse failed(JsApiError error) {
            return new AccountInfoResponse(ACCOUNT_INFO_RESPONSE, error, null);
        }
    }

    /** {@code STREAM.CREATE}: the new stream's info; {@code did_create} is false when it already existed alike. */
    @JsonPropertyOrder({"type", "error"})
    public record StreamCreateResponse(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonUnwrapped StreamInfo info,
            @JsonProperty("did_create") @JsonInclude(Include.NON_DEFAULT) boolean didCreate) {
        public StreamCreateResponse {
            info = StreamInfo.present(info);
        }

        public static StreamCreateResponse of(StreamInfo info, boolean didCreate) {
            return new StreamCreateResponse(STREAM_CREATE_RESPONSE, null, info.withServerMetadata(), didCreate);
        }

        public static StreamCreateResponse failed(JsApiError error) {
            return new StreamCreateResponse(STREAM_CREATE_RESPONSE, error, null, false);
        }
    }

    /** {@code STREAM.UPDATE}: the stream's info after the update. */
    @JsonPropertyOrder({"type", "error"})
    public record StreamUpdateResponse(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonUnwrapped StreamInfo info) {
        public StreamUpdateResponse {
            info = StreamInfo.present(info);
        }

        public static StreamUpdateResponse of(StreamInfo info) {
            return new StreamUpdateResponse(STREAM_UPDATE_RESPONSE, null, info.withServerMetadata());
        }

        public static StreamUpdateResponse failed(JsApiError error) {
            return new StreamUpdateResponse(STREAM_UPDATE_RESPONSE, error, null);
        }
    }

    /**
     * {@code STREAM.INFO}: the stream's info. The paging fields describe {@code state.subjects} when subject
     * details were asked for, and are 0 otherwise.
     */
    @JsonPropertyOrder({"type", "error", "total", "offset", "limit"})
    public record StreamInfoResponse(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonProperty("total") int total,
            @JsonProperty("offset") int offset,
            @JsonProperty("limit") int limit,
            @JsonUnwrapped StreamInfo info) {
        public StreamInfoResponse {
            info = StreamInfo.present(info);
        }

        public static StreamInfoResponse of(StreamInfo info, int total, int offset, int limit) {
            return new StreamInfoResponse(STREAM_INFO_RESPONSE, null, total, offset, limit,
                    info.withServerMetadata());
        }

        public static StreamInfoResponse failed(JsApiError error) {
            return new StreamInfoResponse(STREAM_INFO_RESPONSE, error, 0, 0, 0, null);
        }
    }

    /** {@code STREAM.NAMES}: one page of names, in name order; {@code streams} is null on failure. */
    @JsonPropertyOrder({"type", "error", "total", "offset", "limit", "streams"})
    public record StreamNamesResponse(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonProperty("total") int total,
            @JsonProperty("offset") int offset,
            @JsonProperty("limit") int limit,
            @JsonProperty("streams") List<String> streams) {
        public static StreamNamesResponse of(List<String> streams, int total, int offset) {
            return new StreamNamesResponse(STREAM_NAMES_RESPONSE, null, total, offset, NAMES_LIMIT, streams);
        }

        public static StreamNamesResponse failed(JsApiError error) {
            return new StreamNamesResponse(STREAM_NAMES_RESPONSE, error, 0, 0, 0, null);
        }
    }

    /**
     * {@code STREAM.LIST}: one page of stream infos; {@code missing} names streams that did not answer and
     * {@code offline} says why those that can not run are offline (nats-server 2.11), both omitted when empty.
     */
    @JsonPropertyOrder({"type", "error", "total", "offset", "limit", "streams", "missing", "offline"})
    public record StreamListResponse(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonProperty("total") int total,
            @JsonProperty("offset") int offset,
            @JsonProperty("limit") int limit,
            @JsonProperty("streams") List<StreamInfo> streams,
            @JsonProperty("missing") @JsonInclude(Include.NON_EMPTY) List<String> missing,
            @JsonProperty("offline") @JsonInclude(Include.NON_EMPTY) Map<String, String> offline) {
        public static StreamListResponse of(List<StreamInfo> streams, int total, int offset) {
            return new StreamListResponse(STREAM_LIST_RESPONSE, null, total, offset, LIST_LIMIT, streams, null,
                    null);
        }

        public static StreamListResponse failed(JsApiError error) {
            return new StreamListResponse(STREAM_LIST_RESPONSE, error, 0, 0, 0, null, null, null);
        }
    }

    /** {@code STREAM.DELETE}. */
    @JsonPropertyOrder({"type", "error", "success"})
    public record StreamDeleteResponse(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonProperty("success") @JsonInclude(Include.NON_DEFAULT) boolean success) {
        public static StreamDeleteResponse ok() {
            return new StreamDeleteResponse(STREAM_DELETE_RESPONSE, null, true);
        }

        public static StreamDeleteResponse failed(JsApiError error) {
            return new StreamDeleteResponse(STREAM_DELETE_RESPONSE, error, false);
        }
    }

    /** {@code STREAM.PURGE}: how many messages went; {@code purged} is written even on failure. */
    @JsonPropertyOrder({"type", "error", "success", "purged"})
    public record StreamPurgeResponse(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonProperty("success") @JsonInclude(Include.NON_DEFAULT) boolean success,
            @JsonProperty("purged") long purged) {
        public static StreamPurgeResponse of(long purged) {
            return new StreamPurgeResponse(STREAM_PURGE_RESPONSE, null, true, purged);
        }

        public static StreamPurgeResponse failed(JsApiError error) {
            return new StreamPurgeResponse(STREAM_PURGE_RESPONSE, error, false, 0);
        }
    }

    /** {@code STREAM.MSG.GET}: the message. */
    @JsonPropertyOrder({"type", "error", "message"})
    public record MsgGetResponse(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonProperty("message") @JsonInclude(Include.NON_NULL) StoredMsg message) {
        public static MsgGetResponse of(StoredMsg message) {
            return new MsgGetResponse(STREAM_MSG_GET_RESPONSE, null, message);
        }

        public static MsgGetResponse failed(JsApiError error) {
            return new MsgGetResponse(STREAM_MSG_GET_RESPONSE, error, null);
        }
    }

    /** {@code STREAM.MSG.DELETE}. */
    @JsonPropertyOrder({"type", "error", "success"})
    public record MsgDeleteResponse(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonProperty("success") @JsonInclude(Include.NON_DEFAULT) boolean success) {
        public static MsgDeleteResponse ok() {
            return new MsgDeleteResponse(STREAM_MSG_DELETE_RESPONSE, null, true);
        }

        public static MsgDeleteResponse failed(JsApiError error) {
            return new MsgDeleteResponse(STREAM_MSG_DELETE_RESPONSE, error, false);
        }
    }

    /**
     * The reply to a publish into a stream: nats-server's {@code JSPubAckResponse}, the {@link PubAck} fields with
     * {@code error} in front on failure (nats-server then still names the stream, with sequence 0). It has no
     * {@code type}.
     */
    @JsonPropertyOrder({"error"})
    public record PubAckResponse(
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonUnwrapped PubAck ack) {
        public PubAckResponse {
            ack = ack == null ? PubAck.of("", 0) : ack;
        }

        public static PubAckResponse of(PubAck ack) {
            return new PubAckResponse(null, ack);
        }

        public static PubAckResponse failed(String stream, JsApiError error) {
            return new PubAckResponse(error, new PubAck(stream, 0, "", false));
        }
    }

    /**
     * A stored message as the message get API returns it: nats-server's {@code StoredMsg}, headers (the whole
     * {@code NATS/1.0} block) and payload in base64, each omitted when empty.
     *
     * @param subject its subject
     * @param seq     its sequence
     * @param hdrs    its header block, or null
     * @param data    its payload, or null
     * @param time    when it was stored (UTC)
     */
    @JsonPropertyOrder({"subject", "seq", "hdrs", "data", "time"})
    public record StoredMsg(
            @JsonProperty("subject") String subject,
            @JsonProperty("seq") long seq,
            @JsonProperty("hdrs") @JsonInclude(Include.NON_EMPTY) byte[] hdrs,
            @JsonProperty("data") @JsonInclude(Include.NON_EMPTY) byte[] data,
            @JsonProperty("time") Instant time) {
    }

    // Requests.

    /**
     * {@code STREAM.INFO} options: nats-server's {@code JSApiStreamInfoRequest}.
     *
     * @param offset         the first subject detail to return
     * @param deletedDetails list the deleted sequences
     * @param subjectsFilter return per-subject counts for subjects matching this
     */
    public record StreamInfoRequest(int offset, boolean deletedDetails, String subjectsFilter) {
        public static StreamInfoRequest parse(byte[] json) throws JsApiException {
            long[] offset = {0};
            boolean[] deleted = {false};
            String[] filter = {""};
            check(GoBinder.decode(json, "JSApiStreamInfoRequest", b -> new GoBinder.Fields()
                    .with("offset", v -> set(b.signed(v, 64, "int"), x -> offset[0] = x))
                    .with("deleted_details", v -> set(b.bool(v), x -> deleted[0] = x))
                    .with("subjects_filter", v -> set(b.string(v), x -> filter[0] = x))));
            return new StreamInfoRequest(clampInt(offset[0]), deleted[0], filter[0]);
        }
    }

    /**
     * {@code STREAM.NAMES} options: nats-server's {@code JSApiStreamNamesRequest}.
     *
     * @param offset  the first name to return
     * @param subject only streams whose subjects could hold this subject
     */
    public record StreamNamesRequest(int offset, String subject) {
        public static StreamNamesRequest parse(byte[] json) throws JsApiException {
            long[] offset = {0};
            String[] subject = {""};
            check(GoBinder.decode(json, "JSApiStreamNamesRequest", b -> new GoBinder.Fields()
                    .with("offset", v -> set(b.signed(v, 64, "int"), x -> offset[0] = x))
                    .with("subject", v -> set(b.string(v), x -> subject[0] = x))));
            return new StreamNamesRequest(clampInt(offset[0]), subject[0]);
        }
    }

    /**
     * {@code STREAM.LIST} options: nats-server's {@code JSApiStreamListRequest}.
     *
     * @param offset  the first stream to return
     * @param subject only streams whose subjects could hold this subject
     */
    public record StreamListRequest(int offset, String subject) {
        public static StreamListRequest parse(byte[] json) throws JsApiException {
            long[] offset = {0};
            String[] subject = {""};
            check(GoBinder.decode(json, "JSApiStreamListRequest", b -> new GoBinder.Fields()
                    .with("offset", v -> set(b.signed(v, 64, "int"), x -> offset[0] = x))
                    .with("subject", v -> set(b.string(v), x -> subject[0] = x))));
            return new StreamListRequest(clampInt(offset[0]), subject[0]);
        }
    }

    /**
     * {@code STREAM.PURGE} options: nats-server's {@code JSApiStreamPurgeRequest}. {@code seq} and {@code keep}
     * exclude each other.
     *
     * @param seq    purge up to, not including, this sequence (0: not set)
     * @param filter only messages on subjects matching this ("" for all)
     * @param keep   keep this many of the newest messages (0: not set)
     */
    public record StreamPurgeRequest(long seq, String filter, long keep) {
        public static StreamPurgeRequest parse(byte[] json) throws JsApiException {
            long[] seq = {0};
            String[] filter = {""};
            long[] keep = {0};
            check(GoBinder.decode(json, "JSApiStreamPurgeRequest", b -> new GoBinder.Fields()
                    .with("seq", v -> set(b.unsigned(v), x -> seq[0] = x))
                    .with("filter", v -> set(b.string(v), x -> filter[0] = x))
                    .with("keep", v -> set(b.unsigned(v), x -> keep[0] = x))));
            return new StreamPurgeRequest(seq[0], filter[0], keep[0]);
        }
    }

    /**
     * {@code STREAM.MSG.GET} and direct get options: nats-server's {@code JSApiMsgGetRequest}.
     *
     * @param seq        the message at (or, with {@code nextBySubj}, from) this sequence
     * @param lastBySubj the last message on this subject
     * @param nextBySubj the next message on this subject (wildcards allowed)
     * @param batch      direct get: up to this many messages
     * @param maxBytes   direct get: up to this many bytes
     * @param startTime  the first message at or after this time
     * @param multiLast  direct get: the last message of each of these subjects
     * @param upToSeq    direct get: consider messages up to this sequence only
     * @param upToTime   direct get: consider messages up to this time only
     * @param noHdr      direct get: leave the headers out (nats-server 2.12)
     */
    public record MsgGetRequest(long seq, String lastBySubj, String nextBySubj, int batch, int maxBytes,
            OffsetDateTime startTime, List<String> multiLast, long upToSeq, OffsetDateTime upToTime, boolean noHdr) {
        public MsgGetRequest {
            multiLast = multiLast == null ? List.of() : List.copyOf(multiLast);
        }

        public static MsgGetRequest parse(byte[] json) throws JsApiException {
            long[] seq = {0};
            long[] upToSeq = {0};
            long[] batch = {0};
            long[] maxBytes = {0};
            String[] last = {""};
            String[] next = {""};
            OffsetDateTime[] start = {null};
            OffsetDateTime[] upToTime = {null};
            @SuppressWarnings("unchecked")
            List<String>[] multiLast = new List[] {List.of()};
            boolean[] noHdr = {false};
            check(GoBinder.decode(json, "JSApiMsgGetRequest", b -> new GoBinder.Fields()
                    .with("seq", v -> set(b.unsigned(v), x -> seq[0] = x))
                    .with("last_by_subj", v -> set(b.string(v), x -> last[0] = x))
                    .with("next_by_subj", v -> set(b.string(v), x -> next[0] = x))
                    .with("batch", v -> set(b.signed(v, 64, "int"), x -> batch[0] = x))
                    .with("max_bytes", v -> set(b.signed(v, 64, "int"), x -> maxBytes[0] = x))
                    .with("start_time", v -> start[0] = b.time(v))
                    .with("multi_last", v -> multiLast[0] = b.strings(v))
                    .with("up_to_seq", v -> set(b.unsigned(v), x -> upToSeq[0] = x))
                    .with("up_to_time", v -> upToTime[0] = b.time(v))
                    .with("no_hdr", v -> set(b.bool(v), x -> noHdr[0] = x))));
            return new MsgGetRequest(seq[0], last[0], next[0], clampInt(batch[0]), clampInt(maxBytes[0]), start[0],
                    multiLast[0], upToSeq[0], upToTime[0], noHdr[0]);
        }
    }

    /**
     * {@code STREAM.MSG.DELETE} options: nats-server's {@code JSApiMsgDeleteRequest}.
     *
     * @param seq     the message to delete
     * @param noErase mark it deleted without overwriting its bytes
     */
    public record MsgDeleteRequest(long seq, boolean noErase) {
        public static MsgDeleteRequest parse(byte[] json) throws JsApiException {
            long[] seq = {0};
            boolean[] noErase = {false};
            check(GoBinder.decode(json, "JSApiMsgDeleteRequest", b -> new GoBinder.Fields()
                    .with("seq", v -> set(b.unsigned(v), x -> seq[0] = x))
                    .with("no_erase", v -> set(b.bool(v), x -> noErase[0] = x))));
            return new MsgDeleteRequest(seq[0], noErase[0]);
        }
    }

    private static <T> void set(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    /** Go's {@code int} is 64 bits; offsets and sizes beyond an int mean "past everything" here. */
    private static int clampInt(long value) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
    }
}
