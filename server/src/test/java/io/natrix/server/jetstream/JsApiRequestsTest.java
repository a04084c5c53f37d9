package io.natrix.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The stream and message API request bodies are read strictly, as nats-server 2.12 reads them. */
class JsApiRequestsTest {

    @Test
    void jsRequestOtherBodiesAreStrictToo() throws JsApiException {
        assertThat(JsApi.StreamPurgeRequest.parse("{\"filter\":\"a.>\",\"keep\":5}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new JsApi.StreamPurgeRequest(0, "a.>", 5));
        assertThat(JsApi.MsgDeleteRequest.parse("{\"seq\":3,\"no_erase\":true}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new JsApi.MsgDeleteRequest(3, true));
        assertThat(JsApi.StreamNamesRequest.parse("{\"offset\":2,\"subject\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new JsApi.StreamNamesRequest(2, "x"));
        assertThat(JsApi.StreamInfoRequest.parse("{\"deleted_details\":true,\"subjects_filter\":\">\"}"
                .getBytes(StandardCharsets.UTF_8))).isEqualTo(new JsApi.StreamInfoRequest(0, true, ">"));
        JsApi.MsgGetRequest get = JsApi.MsgGetRequest.parse(("{\"last_by_subj\":\"a\",\"multi_last\":[\"b\"],"
                + "\"up_to_time\":\"2024-01-01T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(get.lastBySubj()).isEqualTo("a");
        assertThat(get.multiLast()).containsExactly("b");
        assertThatThrownBy(() -> JsApi.StreamPurgeRequest.parse("{\"keep\":-1}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("invalid JSON: json: cannot unmarshal number -1 into Go struct field "
                        + "JSApiStreamPurgeRequest.keep of type uint64 (10025)");
        assertThatThrownBy(() -> JsApi.StreamListRequest.parse("{\"offset\":0,\"x\":1}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("invalid JSON: json: unknown field \"x\" (10025)");
    }

    @Test
    void jsRequestBodyShapesAreClassifiedAsNatsServerDoes() {
        assertThat(JsApi.isJsonObjectOrArray(" \n{".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(JsApi.isJsonObjectOrArray("[]".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(JsApi.isJsonObjectOrArray("x{".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(JsApi.isJsonObjectOrArray(new byte[0])).isFalse();
        assertThat(JsApi.isEmptyRequest(new byte[0])).isTrue();
        assertThat(JsApi.isEmptyRequest(" { } ".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(JsApi.isEmptyRequest("{\"seq\":1}".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(JsApi.isEmptyRequest("[]".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(JsApi.isEmptyRequest("{".getBytes(StandardCharsets.UTF_8))).isFalse();
    }
}
