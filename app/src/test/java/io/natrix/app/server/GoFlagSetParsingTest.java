package io.natrix.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.app.server.GoFlagSet.FlagException;
import io.natrix.app.server.GoFlagSet.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Go flag package's rules, which nats-server's command line follows. */
class GoFlagSetParsingTest {

    private final GoFlagSet flags = new GoFlagSet()
            .define(Kind.INT, "port", "p")
            .define(Kind.BOOL, "jetstream", "js")
            .define(Kind.BOOL, "DV")
            .define(Kind.STRING, "name", "n")
            .define(Kind.LONG, "limit")
            .define(Kind.PATH, "dir", "sd");

    private Map<String, Object> parse(String... args) throws FlagException {
        return flags.parse(List.of(args));
    }

    @Test
    void oneOrTwoDashesWorkForEveryName() throws FlagException {
        assertThat(parse("-p", "1")).containsEntry("port", 1);
        assertThat(parse("--p", "2")).containsEntry("port", 2);
        assertThat(parse("-port", "3")).containsEntry("port", 3);
        assertThat(parse("--port", "4")).containsEntry("port", 4);
        assertThat(parse("-js")).containsEntry("jetstream", true);
        assertThat(parse("--jetstream")).containsEntry("jetstream", true);
        assertThat(parse("-DV")).containsEntry("DV", true);
    }

    @Test
    void valuesFollowAnEqualsSignOrComeAsTheNextArgument() throws FlagException {
        assertThat(parse("--port=4222")).containsEntry("port", 4222);
        assertThat(parse("-p=4222")).containsEntry("port", 4222);
        assertThat(parse("-n", "a=b")).containsEntry("name", "a=b");
        assertThat(parse("-n=a=b")).containsEntry("name", "a=b");
        assertThat(parse("-limit", "9000000000")).containsEntry("limit", 9_000_000_000L);
        assertThat(parse("-sd", "/tmp/x")).containsEntry("dir", Path.of("/tmp/x"));
    }

    @Test
    void theNextArgumentIsTakenEvenWhenItLooksLikeAFlag() throws FlagException {
        assertThat(parse("-p", "-1")).containsEntry("port", -1);
        assertThat(parse("-n", "-js")).containsEntry("name", "-js").doesNotContainKey("jetstream");
    }

    @Test
    void booleansTakeGoSyntaxAfterEqualsOnly() throws FlagException {
        for (String yes : List.of("1", "t", "T", "TRUE", "true", "True")) {
            assertThat(parse("-js=" + yes)).containsEntry("jetstream", true);
        }
        for (String no : List.of("0", "f", "F", "FALSE", "false", "False")) {
            assertThat(parse("--jetstream=" + no)).containsEntry("jetstream", false);
        }
        assertThatThrownBy(() -> parse("-js", "false"))
                .isInstanceOf(FlagException.class).hasMessage("unexpected argument: false");
    }

    @Test
    void theLastOfARepeatedFlagWins() throws FlagException {
        assertThat(parse("-p", "1", "--port", "2")).containsEntry("port", 2);
    }

    @Test
    void aDoubleDashAloneEndsTheFlags() throws FlagException {
        assertThat(parse("-js", "--")).containsEntry("jetstream", true);
    }

    @Test
    void mistakesAreReportedInGoWords() {
        assertUsage(() -> parse("-bogus"), "flag provided but not defined: -bogus");
        assertUsage(() -> parse("--bogus=1"), "flag provided but not defined: -bogus");
        assertUsage(() -> parse("-p"), "flag needs an argument: -p");
        assertUsage(() -> parse("extra"), "unexpected argument: extra");
        assertUsage(() -> parse("-"), "unexpected argument: -");
        assertUsage(() -> parse("---p"), "bad flag syntax: ---p");
        assertUsage(() -> parse("-=1"), "bad flag syntax: -=1");
        assertUsage(() -> parse("--", "x"), "unexpected argument: x");
        assertUsage(() -> parse("-J"), "flag provided but not defined: -J");
    }

    @Test
    void badValuesAreNotUsageMistakes() {
        assertValue(() -> parse("-p", "abc"), "invalid value \"abc\" for flag -p: not a number");
        assertValue(() -> parse("--port=99999999999"),
                "invalid value \"99999999999\" for flag -port: not a number");
        assertValue(() -> parse("-js=maybe"), "invalid boolean value \"maybe\" for -js: use true or false");
        assertValue(() -> parse("-sd", "a\0b"), "invalid value \"a\0b\" for flag -sd: Nul character not allowed");
    }

    @Test
    void aNameCanNotBeDefinedTwice() {
        assertThatThrownBy(() -> new GoFlagSet().define(Kind.BOOL, "a").define(Kind.INT, "b", "a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("flag redefined: a");
    }

    private interface Parse {
        void run() throws FlagException;
    }

    private static void assertUsage(Parse parse, String message) {
        assertThatThrownBy(parse::run).isInstanceOf(FlagException.class).hasMessage(message)
                .satisfies(e -> assertThat(((FlagException) e).usage()).isTrue());
    }

    private static void assertValue(Parse parse, String message) {
        assertThatThrownBy(parse::run).isInstanceOf(FlagException.class).hasMessage(message)
                .satisfies(e -> assertThat(((FlagException) e).usage()).isFalse());
    }
}
