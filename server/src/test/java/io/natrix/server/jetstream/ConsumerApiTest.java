package io.natrix.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The consumer API's requests read as nats-server reads each of them, and its responses as nats-server writes them. */
class ConsumerApiTest {
    private static final String NOT_FOUND = "\"error\":{\"code\":404,\"err_code\":10014,"
            + "\"description\":\"consumer not found\"}";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void consumerNextRequestBodies() throws ConsumerApi.BadRequest {
        assertThat(ConsumerApi.NextRequest.parse(bytes(""))).isEqualTo(ConsumerApi.NextRequest.ONE);
        assertThat(ConsumerApi.NextRequest.parse(bytes(" \r\n"))).isEqualTo(ConsumerApi.NextRequest.ONE);
        assertThat(ConsumerApi.NextRequest.parse(bytes(" 10 ")).batch()).isEqualTo(10);
        assertThat(ConsumerApi.NextRequest.parse(bytes("+3")).batch()).isEqualTo(3);
        assertThat(ConsumerApi.NextRequest.parse(bytes("-2")).batch()).isEqualTo(-2);
        assertThat(ConsumerApi.NextRequest.parse(bytes("ten")).batch()).isEqualTo(1);
        assertThat(ConsumerApi.NextRequest.parse(bytes("[5]")).batch()).isEqualTo(1);
        assertThat(ConsumerApi.NextRequest.parse(bytes("99999999999999999999")).batch()).isEqualTo(1);
        assertThat(ConsumerApi.NextRequest.parse(bytes(
                "{\"batch\":5,\"expires\":30000000000,\"max_bytes\":1024,\"no_wait\":true,"
                        + "\"idle_heartbeat\":5000000000,\"group\":\"g\",\"min_pending\":10,\"min_ack_pending\":2,"
                        + "\"id\":\"pin\",\"priority\":3,\"future\":{\"x\":1}}")))
                .isEqualTo(new ConsumerApi.NextRequest(5, 30_000_000_000L, 1024, true, 5_000_000_000L, "g", 10, 2,
                        "pin"));
        // No batch in the JSON is a batch of 0, as in nats-server.
        assertThat(ConsumerApi.NextRequest.parse(bytes("{\"expires\":1000}")).batch()).isZero();
        assertThat(ConsumerApi.NextRequest.parse(bytes("{\"BATCH\":2}")).batch()).isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"idle_heartbeat\":1000}|heartbeat value too large",
            "{\"idle_heartbeat\":1000,\"expires\":1999}|heartbeat value too large",
            "{\"batch\":|unexpected end of JSON input",
            "{\"batch\":1} x|invalid character 'x' after top-level value",
            "{\"batch\":1}{}|invalid character '{' after top-level value",
            "{\"batch\":}|invalid character '}' looking for beginning of value",
            "{\"batch\":\"5\"}"
                    + "|json: cannot unmarshal string into Go struct field JSApiConsumerGetNextRequest.batch of type "
                    + "int",
            "{\"expires\":1.5}"
                    + "|json: cannot unmarshal number 1.5 into Go struct field JSApiConsumerGetNextRequest.expires of "
                    + "type time.Duration"})
    void consumerNextRequestRefusals(String body, String reason) {
        assertThatThrownBy(() -> ConsumerApi.NextRequest.parse(bytes(body)))
                .isInstanceOfSatisfying(ConsumerApi.BadRequest.class,
                        e -> assertThat(e.description()).isEqualTo("Bad Request - " + reason));
    }

    @Test
    void consumerNextRequestHeartbeatWithinHalfTheExpiry() throws ConsumerApi.BadRequest {
        assertThat(ConsumerApi.NextRequest.parse(bytes("{\"idle_heartbeat\":1000,\"expires\":2000}"))
                .idleHeartbeatNanos()).isEqualTo(1000);
    }

    @Test
    void consumerPagedRequests() throws JsApiException {
        assertThat(ConsumerApi.ConsumerNamesRequest.parse(bytes("{\"offset\":3}")).offset()).isEqualTo(3);
        assertThat(ConsumerApi.ConsumerNamesRequest.parse(bytes("{\"offset\":-3}")).offset()).isZero();
        assertThat(ConsumerApi.ConsumerListRequest.parse(bytes("{}")).offset()).isZero();
        // nats-server 2.11's consumer paging request has no subject filter.
        assertThatThrownBy(() -> ConsumerApi.ConsumerNamesRequest.parse(bytes("{\"subject\":\"x\"}")))
                .isInstanceOfSatisfying(JsApiException.class, e -> assertThat(e.error())
                        .isEqualTo(JsErrors.invalidJSON("json: unknown field \"subject\"")));
        assertThatThrownBy(() -> ConsumerApi.ConsumerListRequest.parse(bytes("{\"offset\":\"1\"}")))
                .isInstanceOfSatisfying(JsApiException.class, e -> assertThat(e.error()).isEqualTo(
                        JsErrors.invalidJSON("json: cannot unmarshal string into Go struct field "
                                + "JSApiConsumersRequest.offset of type int")));
    }

    @Test
    void consumerPauseAndUnpinRequests() throws JsApiException {
        Instant until = Instant.parse("2030-01-02T03:04:05Z");
        assertThat(ConsumerApi.PauseRequest.parse(bytes("{\"pause_until\":\"2030-01-02T04:04:05+01:00\"}"))
                .pauseUntil()).isEqualTo(until);
        assertThat(ConsumerApi.PauseRequest.parse(bytes("{}")).pauseUntil()).isNull();
        assertThat(ConsumerApi.PauseRequest.parse(bytes("{\"pause_until\":\"0001-01-01T00:00:00Z\"}")).pauseUntil())
                .isNull();
        assertThatThrownBy(() -> ConsumerApi.PauseRequest.parse(bytes("{\"until\":1}")))
                .isInstanceOf(JsApiException.class);

        assertThat(ConsumerApi.UnpinRequest.parse(bytes("{\"group\":\"jobs\",\"other\":1}")).group())
                .isEqualTo("jobs");
        assertUnpinRefused("", JsErrors.invalidJSON("unexpected end of JSON input"));
        assertUnpinRefused("{}", JsErrors.invalidJSON("consumer group not specified"));
        assertUnpinRefused("{\"group\":\"a b\"}", JsErrors.get("JSConsumerInvalidGroupNameErr"));
        assertUnpinRefused("5", JsErrors.invalidJSON(
                "json: cannot unmarshal number into Go value of type server.JSApiConsumerUnpinRequest"));
    }

    private static void assertUnpinRefused(String body, JsApiError error) {
        assertThatThrownBy(() -> ConsumerApi.UnpinRequest.parse(bytes(body)))
                .isInstanceOfSatisfying(JsApiException.class, e -> assertThat(e.error()).isEqualTo(error));
    }

    @Test
    void consumerResponsesAsNatsServerWritesThem() {
        JsApiError notFound = JsErrors.get("JSConsumerNotFoundErr");
        assertThat(JsJson.writeString(ConsumerApi.ConsumerCreateResponse.failed(notFound))).isEqualTo(
                "{\"type\":\"io.nats.jetstream.api.v1.consumer_create_response\"," + NOT_FOUND + "}");
        assertThat(JsJson.writeString(ConsumerApi.ConsumerDeleteResponse.ok())).isEqualTo(
                "{\"type\":\"io.nats.jetstream.api.v1.consumer_delete_response\",\"success\":true}");
        assertThat(JsJson.writeString(ConsumerApi.ConsumerNamesResponse.of(List.of("A", "B"), 2, 0))).isEqualTo(
                "{\"type\":\"io.nats.jetstream.api.v1.consumer_names_response\",\"total\":2,\"offset\":0,"
                        + "\"limit\":1024,\"consumers\":[\"A\",\"B\"]}");
        assertThat(JsJson.writeString(ConsumerApi.ConsumerListResponse.failed(notFound))).isEqualTo(
                "{\"type\":\"io.nats.jetstream.api.v1.consumer_list_response\"," + NOT_FOUND
                        + ",\"total\":0,\"offset\":0,\"limit\":0,\"consumers\":[]}");
        assertThat(JsJson.writeString(ConsumerApi.ConsumerListResponse.of(List.of(), 0, 0))).isEqualTo(
                "{\"type\":\"io.nats.jetstream.api.v1.consumer_list_response\",\"total\":0,\"offset\":0,"
                        + "\"limit\":256,\"consumers\":[]}");
        assertThat(JsJson.writeString(ConsumerApi.ConsumerPauseResponse.of(true,
                Instant.parse("2030-01-02T03:04:05Z"), 5_000_000_000L))).isEqualTo(
                "{\"type\":\"io.nats.jetstream.api.v1.consumer_pause_response\",\"paused\":true,"
                        + "\"pause_until\":\"2030-01-02T03:04:05Z\",\"pause_remaining\":5000000000}");
        assertThat(JsJson.writeString(ConsumerApi.ConsumerPauseResponse.failed(notFound))).isEqualTo(
                "{\"type\":\"io.nats.jetstream.api.v1.consumer_pause_response\"," + NOT_FOUND
                        + ",\"paused\":false,\"pause_until\":\"0001-01-01T00:00:00Z\"}");
        assertThat(JsJson.writeString(ConsumerApi.ConsumerUnpinResponse.ok())).isEqualTo(
                "{\"type\":\"io.nats.jetstream.api.v1.consumer_unpin_response\"}");
        assertThat(JsJson.writeString(ConsumerApi.ConsumerUnpinResponse.failed(notFound))).isEqualTo(
                "{\"type\":\"io.nats.jetstream.api.v1.consumer_unpin_response\"," + NOT_FOUND + "}");
    }
}
