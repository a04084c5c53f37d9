package io.natrix.cli.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The small parsers behind the commands: shell words, subject patterns and JetStream ack subjects. */
class MessagingSupportTest {

    @Test
    void shellWordsSplitAsAShellWould() {
        assertThat(ShellWords.split("curl -s  wttr.in/london?format=3")).containsExactly("curl", "-s",
                "wttr.in/london?format=3");
        assertThat(ShellWords.split("sh -c 'echo \"$X\" | tr a b'")).containsExactly("sh", "-c",
                "echo \"$X\" | tr a b");
        assertThat(ShellWords.split("a\\ b \"c \\\"d\\\" \\x\" e''f")).containsExactly("a b", "c \"d\" \\x", "ef");
        assertThat(ShellWords.split("  ")).isEmpty();
        assertThatThrownBy(() -> ShellWords.split("echo 'open")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> ShellWords.split("echo \"open")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> ShellWords.split("echo \\")).hasMessageContaining("unterminated");
    }

    @Test
    void subjectPatternsMatchWholeTokens() {
        assertThat(SubjectPattern.matches("a.b", "a.b")).isTrue();
        assertThat(SubjectPattern.matches("a.*", "a.b")).isTrue();
        assertThat(SubjectPattern.matches("a.*", "a.b.c")).isFalse();
        assertThat(SubjectPattern.matches("a.>", "a.b.c")).isTrue();
        assertThat(SubjectPattern.matches("a.>", "a")).isFalse();
        assertThat(SubjectPattern.matches("*.b", "ab.b")).isTrue();
        assertThat(SubjectPattern.matches("a.b", "a.bc")).isFalse();
        assertThat(SubjectPattern.matches("a.bc", "a.b")).isFalse();
        assertThat(SubjectPattern.matches(">", "x.y")).isTrue();
    }

    @Test
    void ackSubjectsGiveTheStreamSequence() {
        assertThat(ReceivedMessages.ackStreamSequence("$JS.ACK.ORDERS.C1.1.42.7.1700000000000000000.3"))
                .isEqualTo(42);
        assertThat(ReceivedMessages.ackStreamSequence("$JS.ACK.ORDERS.C1.1.42.7.1700000000000000000"))
                .isEqualTo(42);
        assertThat(ReceivedMessages.ackStreamSequence("$JS.ACK.hub.HASH.ORDERS.C1.1.43.7.1700000000000000000.3.x"))
                .isEqualTo(43);
        assertThat(ReceivedMessages.ackStreamSequence("_INBOX.abc")).isEqualTo(-1);
        assertThat(ReceivedMessages.ackStreamSequence(null)).isEqualTo(-1);
        assertThat(ReceivedMessages.ackStreamSequence("$JS.ACK.S.C.x.y.z.t.p")).isEqualTo(-1);
    }
}
