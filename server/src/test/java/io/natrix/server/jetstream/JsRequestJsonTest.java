package io.natrix.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * API request bodies are read as nats-server reads them: the texts of {@code invalid JSON} errors are compared with
 * what Go's decoder says for the same input ({@code go-decoder-errors.tsv}, recorded from Go's encoding/json).
 */
class JsRequestJsonTest {

    static Stream<Arguments> goDecoderCases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("src/test/resources/jetstream/go-decoder-errors.tsv"))) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int tab = line.lastIndexOf('\t');
            String input = line.substring(0, tab).replace("\\t", "\t");
            cases.add(Arguments.of(input, line.substring(tab + 1)));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goDecoderCases")
    void jsRequestErrorsAreWordedAsGoDecoderWordsThem(String input, String goError) {
        String ours;
        try {
            StreamConfigRequest.parse(input.getBytes(StandardCharsets.UTF_8));
            ours = "<nil>";
        } catch (JsApiException e) {
            assertThat(e.error().errCode()).isEqualTo(10025);
            assertThat(e.error().code()).isEqualTo(400);
            assertThat(e.error().description()).startsWith("invalid JSON: ");
            ours = e.error().description().substring("invalid JSON: ".length());
        }
        assertThat(ours).isEqualTo(goError);
    }

    @Test
    void jsRequestEmptyBodyIsAnEmptyConfiguration() throws JsApiException {
        assertThat(StreamConfigRequest.parse(new byte[0]).config()).isEqualTo(StreamConfig.builder("").build());
        assertThat(StreamConfigRequest.parse(" \n\t".getBytes(StandardCharsets.UTF_8)).pedantic()).isFalse();
    }

    @Test
    void jsRequestValuesDecodeInTurnIntoOneRequest() throws JsApiException {
        StreamConfigRequest r = StreamConfigRequest.parse(
                "{\"name\":\"A\",\"max_msgs\":5} {\"max_msgs\":7,\"pedantic\":true}".getBytes(StandardCharsets.UTF_8));
        assertThat(r.config().name()).isEqualTo("A");
        assertThat(r.config().maxMsgs()).isEqualTo(7);
        assertThat(r.pedantic()).isTrue();
    }

    @Test
    void jsRequestFieldNamesMatchIgnoringCase() throws JsApiException {
        StreamConfig c = StreamConfigRequest.parse("{\"NAME\":\"A\",\"Max_Msgs\":3,\"Storage\":\"memory\"}"
                .getBytes(StandardCharsets.UTF_8)).config();
        assertThat(c.name()).isEqualTo("A");
        assertThat(c.maxMsgs()).isEqualTo(3);
        assertThat(c.storage()).isEqualTo(StorageType.MEMORY);
    }

    @Test
    void jsRequestNullLeavesValuesAsTheyWere() throws JsApiException {
        StreamConfig c = StreamConfigRequest.parse(("{\"name\":\"A\",\"max_msgs\":null,\"subjects\":null,"
                + "\"placement\":null,\"consumer_limits\":null,\"metadata\":null,\"sources\":[null],"
                + "\"subjects\":[\"a\",null]}").getBytes(StandardCharsets.UTF_8)).config();
        assertThat(c.maxMsgs()).isZero();
        assertThat(c.placement()).isNull();
        assertThat(c.consumerLimits()).isEqualTo(StreamConfig.ConsumerLimits.NONE);
        assertThat(c.sources()).containsExactly((StreamSource) null);
        assertThat(c.subjects()).containsExactly("a", "");
    }

    @Test
    void jsRequestStringsDecodeEscapesAndBrokenUtf8AsGoDoes() throws JsApiException {
        byte[] json = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', 'a', (byte) 0xff, 'b', '\\', 'u', 'd', '8', '3',
                'd', '\\', 'u', 'd', 'e', '0', '0', '\\', 'u', 'd', '8', '3', 'd', 'x', '"', '}'};
        assertThat(StreamConfigRequest.parse(json).config().name()).isEqualTo("a\uFFFDb\uD83D\uDE00\uFFFDx");
    }

    @Test
    void jsRequestDeepNestingIsRefusedWithoutExhaustingTheStack() {
        String deep = "{\"name\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}";
        assertThatThrownBy(() -> StreamConfigRequest.parse(deep.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(JsApiException.class)
                .hasMessageContaining("exceeded max depth");
        String fine = "{\"metadata\":{\"a\":\"b\"},\"name\":" + "[".repeat(100) + "]".repeat(100) + "}";
        assertThatThrownBy(() -> StreamConfigRequest.parse(fine.getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("cannot unmarshal array into Go struct field StreamConfigRequest.name");
    }

    @Test
    void jsRequestTimesParseAsGoParsesThem() throws JsApiException {
        StreamConfig c = StreamConfigRequest.parse(("{\"name\":\"A\",\"sources\":[{\"name\":\"B\","
                + "\"opt_start_time\":\"2024-01-02T03:04:05.5+02:00\"}]}").getBytes(StandardCharsets.UTF_8)).config();
        assertThat(GoTime.format(c.sources().get(0).optStartTime())).isEqualTo("2024-01-02T03:04:05.5+02:00");
        assertThatThrownBy(() -> StreamConfigRequest.parse(("{\"name\":\"A\",\"mirror\":{\"name\":\"B\","
                + "\"opt_start_time\":\"yesterday\"}}").getBytes(StandardCharsets.UTF_8)))
                .hasMessage("invalid JSON: parsing time \"yesterday\" as \"2006-01-02T15:04:05Z07:00\": "
                        + "cannot parse \"yesterday\" as \"2006\" (10025)");
        assertThatThrownBy(() -> StreamConfigRequest.parse(("{\"name\":\"A\",\"mirror\":{\"name\":\"B\","
                + "\"opt_start_time\":5}}").getBytes(StandardCharsets.UTF_8)))
                .hasMessage("invalid JSON: Time.UnmarshalJSON: input is not a JSON string (10025)");
    }
}
