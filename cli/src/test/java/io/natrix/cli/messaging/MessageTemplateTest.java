package io.natrix.cli.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** natscli's template names as functions and fields, Go's trim markers, and Go-like errors. */
class MessageTemplateTest {

    @Test
    void templateNamesWorkAsFunctionsAndFields() throws Exception {
        assertThat(MessageTemplate.expand("n={{Count}} {{.Count}} {{ Cnt }} {{.Cnt}}", 7)).isEqualTo("n=7 7 7 7");
        long before = Instant.now().getEpochSecond();
        long unix = Long.parseLong(MessageTemplate.expand("{{Unix}}", 1));
        assertThat(unix).isBetween(before, before + 5);
        assertThat(Long.parseLong(MessageTemplate.expand("{{.UnixNano}}", 1)) / 1_000_000_000L)
                .isBetween(before, before + 5);
        assertThat(MessageTemplate.expand("{{TimeStamp}}", 1))
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)");
        assertThat(MessageTemplate.expand("{{Time}}", 1)).matches("\\d{1,2}:\\d\\d(AM|PM)");
        assertThat(MessageTemplate.expand("{{ID}}", 1)).matches("[A-Za-z0-9]{22}")
                .isNotEqualTo(MessageTemplate.expand("{{.ID}}", 1));
        assertThat(MessageTemplate.expand("{{Random 3 3}}", 1)).matches("[A-Za-z0-9]{3}");
        assertThat(MessageTemplate.expand("{{Random 10 2}}", 1)).matches("[A-Za-z0-9]{2,10}");
        assertThat(MessageTemplate.expand("{{Request}}+{{.Request}}", 0, "req")).isEqualTo("req+req");
        assertThat(MessageTemplate.expand("plain {text}", 1)).isEqualTo("plain {text}");
    }

    @Test
    void trimMarkersAndCommentsBehaveAsInGo() throws Exception {
        assertThat(MessageTemplate.expand("a   {{- Count -}}   b", 3)).isEqualTo("a3b");
        assertThat(MessageTemplate.expand("a {{/* note */}}b", 3)).isEqualTo("a b");
    }

    @Test
    void badTemplatesFailWithGoLikeReasons() {
        assertThatThrownBy(() -> MessageTemplate.expand("{{Nope}}", 1))
                .hasMessage("function \"Nope\" not defined");
        assertThatThrownBy(() -> MessageTemplate.expand("{{.Nope}}", 1)).hasMessage("can't evaluate field Nope");
        assertThatThrownBy(() -> MessageTemplate.expand("{{Count", 1)).hasMessage("unclosed action");
        assertThatThrownBy(() -> MessageTemplate.expand("{{Random 1}}", 1))
                .hasMessage("wrong number of args for Random: want 2 got 1");
        assertThatThrownBy(() -> MessageTemplate.expand("{{Random a 2}}", 1)).hasMessage("Random: a is not a number");
        assertThatThrownBy(() -> MessageTemplate.expand("{{Random 1 999999999999}}", 1))
                .hasMessageContaining("exceeds");
        // natscli defines the Request function only when there is a request.
        assertThatThrownBy(() -> MessageTemplate.expand("{{Request}}", 1, ""))
                .hasMessage("function \"Request\" not defined");
    }
}
