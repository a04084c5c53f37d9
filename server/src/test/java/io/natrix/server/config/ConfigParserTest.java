package io.natrix.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigParserTest {

    /** The environment the tests see; the real one is left alone. */
    private static final Map<String, String> ENVIRONMENT = Map.ofEntries(
            Map.entry("NUMBER", "22"),
            Map.entry("WORD", "xyz"),
            Map.entry("QUOTED", "'3xyz'"),
            Map.entry("FLAG", "true"),
            Map.entry("LIST", "[1, 2]"),
            Map.entry("SIZE", "2MB"),
            Map.entry("BLANK", ""),
            Map.entry("TWO_VALUES", "a b"),
            Map.entry("LOOP_A", "$LOOP_B"),
            Map.entry("LOOP_B", "$LOOP_A"),
            Map.entry("CHAIN", "$NUMBER"));

    private static Map<String, Object> parse(String text) {
        return ConfigParser.parse(text, Path.of(""), ENVIRONMENT::get);
    }

    private static ConfigException parseError(String text) {
        try {
            parse(text);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException for: " + text);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @Nested
    class KeysAndSeparators {
        @Test
        void equalsColonAndWhiteSpaceAllSeparateKeyFromValue() {
            assertThat(parse("a = 1\nb: 2\nc 3\nd=4\ne:5\nf\t6\ng :7"))
                    .containsExactly(entry("a", 1L), entry("b", 2L), entry("c", 3L), entry("d", 4L), entry("e", 5L),
                            entry("f", 6L), entry("g", 7L));
        }

        @Test
        void quotedKeysMayHoldSeparatorsSpacesAndDots() {
            assertThat(parse("'a b' = 1\n\"c:d\": 2\n'e=f' 3\n\"x.y\" = 4"))
                    .containsExactly(entry("a b", 1L), entry("c:d", 2L), entry("e=f", 3L), entry("x.y", 4L));
        }

        @Test
        void keysKeepTheirCaseAndTheOrderWritten() {
            assertThat(parse("Zeta = 1\nalpha = 2\nMID = 3").keySet()).containsExactly("Zeta", "alpha", "MID");
        }

        @Test
        void aKeyWrittenTwiceTakesTheLaterValue() {
            assertThat(parse("a = 1\nb = 2\na = 3")).containsExactly(entry("a", 3L), entry("b", 2L));
        }

        @Test
        void withoutSeparatorTheValueMayStartOnALaterLine() {
            assertThat(map(parse("authorization\n{\n  user: alice\n}").get("authorization")))
                    .containsExactly(entry("user", "alice"));
        }

        @Test
        void insideMapsTheValueMayFollowTheSeparatorOnALaterLine() {
            assertThat(map(parse("m {\n  a =\n    1\n}").get("m"))).containsExactly(entry("a", 1L));
        }

        @Test
        void atTopLevelAValueMustFollowTheSeparatorOnTheSameLine() {
            assertThat(parseError("a =\n1").getMessage()).isEqualTo("<string>:1:1: key 'a' has no value");
        }

        @Test
        void includeFollowedByASeparatorOrQuotedIsAnOrdinaryKey() {
            assertThat(parse("include: 5\n\"include\" 6")).containsExactly(entry("include", 6L));
            assertThat(parse("'include' = 7")).containsExactly(entry("include", 7L));
        }

        @Test
        void topLevelValuesMayEndWithSemicolonsOrCommas() {
            assertThat(parse("a = 1; b = 'x', c = true;"))
                    .containsExactly(entry("a", 1L), entry("b", "x"), entry("c", true));
        }
    }

    @Nested
    class MapsAndArrays {
        @Test
        void mapsAndArraysNestArbitrarily() {
            Map<String, Object> config = parse("""
                    a {
                      b {
                        c = [ 1, [ 2, { d: [ { e: deep } ] } ] ]
                      }
                    }
                    """);
            Object c = map(map(config.get("a")).get("b")).get("c");
            assertThat(c).isEqualTo(List.of(1L, List.of(2L, Map.of("d", List.of(Map.of("e", "deep"))))));
        }

        @Test
        void mapEntriesEndWithNewLinesCommasOrSemicolons() {
            assertThat(map(parse("m { a = 1, b = 2; c = 3\n d = 4 }").get("m")))
                    .containsExactly(entry("a", 1L), entry("b", 2L), entry("c", 3L), entry("d", 4L));
        }

        @Test
        void mapsMayBeWrittenWithoutSeparatorOrOnOneLine() {
            assertThat(parse("m {a:1}\nn={b=2}\no : { }"))
                    .containsExactly(entry("m", Map.of("a", 1L)), entry("n", Map.of("b", 2L)), entry("o", Map.of()));
        }

        @Test
        void arrayElementsEndWithCommasOrNewLinesAndATrailingCommaIsFine() {
            assertThat(parse("a = [1, 2,3,]\nb = [\n  x\n  y,\n  z\n]\nc = []"))
                    .containsExactly(entry("a", List.of(1L, 2L, 3L)), entry("b", List.of("x", "y", "z")),
                            entry("c", List.of()));
        }

        @Test
        void arraysHoldMapsAsNatsUserListsDo() {
            Map<String, Object> config = parse("""
                    authorization {
                      users = [
                        {user: alice, password: foo}
                        {user: bob,   password: bar}
                      ]
                      timeout: 0.5
                    }
                    """);
            assertThat(map(config.get("authorization")))
                    .containsEntry("users", List.of(Map.of("user", "alice", "password", "foo"),
                            Map.of("user", "bob", "password", "bar")))
                    .containsEntry("timeout", 0.5);
        }

        @Test
        void theResultCannotBeModified() {
            Map<String, Object> config = parse("m { a = 1 }\nl = [1]");
            assertThatThrownBy(() -> config.put("x", 1L)).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> map(config.get("m")).remove("a"))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> config.entrySet().iterator().next().setValue(2L))
                    .isInstanceOf(UnsupportedOperationException.class);
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) config.get("l");
            assertThatThrownBy(() -> list.add(2L)).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void aJsonDocumentIsAConfiguration() {
            Map<String, Object> config = parse("""
                    {
                      "http_port": 8227,
                      "write_deadline": "1h",
                      "cluster": {
                        "port": 6222,
                        "routes": ["nats://127.0.0.1:4222", "nats://127.0.0.1:4223"]
                      },
                      "debug": false
                    }
                    """);
            assertThat(config).containsExactly(entry("http_port", 8227L), entry("write_deadline", "1h"),
                    entry("cluster", Map.of("port", 6222L,
                            "routes", List.of("nats://127.0.0.1:4222", "nats://127.0.0.1:4223"))),
                    entry("debug", false));
            assertThat(parse("{\"a\": 1,\"b\": 2}")).containsExactly(entry("a", 1L), entry("b", 2L));
            assertThat(parse("{}")).isEmpty();
        }

        @Test
        void aStrayClosingBraceAtTheTopLevelIsToleratedAsInNatsServer() {
            assertThat(parse("a = 1 }")).containsExactly(entry("a", 1L));
            assertThat(parse("accounts { users = [{}]}\n}\nb = 2"))
                    .containsExactly(entry("accounts", Map.of("users", List.of(Map.of()))), entry("b", 2L));
        }

        @Test
        void nestingIsLimited() {
            String deep = "a = " + "[".repeat(ConfigParser.NESTING_DEPTH_MAX + 1)
                    + "]".repeat(ConfigParser.NESTING_DEPTH_MAX + 1);
            assertThat(parseError(deep).reason()).contains("nest deeper than");
            String allowed = "a = " + "[".repeat(ConfigParser.NESTING_DEPTH_MAX)
                    + "]".repeat(ConfigParser.NESTING_DEPTH_MAX);
            assertThat(parse(allowed)).containsKey("a");
        }
    }

    @Nested
    class Comments {
        @Test
        void commentsMayStandAlmostAnywhere() {
            Map<String, Object> config = parse("""
                    # leading comment
                    // slash comment
                    a = 1 # after a value
                    b = 2 // after a value
                    m { # after an opening brace
                      # alone in a map
                      c = 3 // before a closing brace
                    } # after a closing brace
                    l = [ # after an opening bracket
                      1 # after an element
                      // between elements
                      2, # after a comma
                    ] # after a closing bracket
                    # at the end, without a new line""".stripTrailing());
            assertThat(config).containsExactly(entry("a", 1L), entry("b", 2L), entry("m", Map.of("c", 3L)),
                    entry("l", List.of(1L, 2L)));
        }

        @Test
        void commentMarkersInsideValuesAreText() {
            assertThat(parse("a = \"x # y\"\nb = 'x // y'\nc = bar#baz\nd = nats://host:4222"))
                    .containsExactly(entry("a", "x # y"), entry("b", "x // y"), entry("c", "bar#baz"),
                            entry("d", "nats://host:4222"));
        }

        @Test
        void aFileOfOnlyCommentsAndBlankLinesIsEmpty() {
            assertThat(parse("\n   \n# one\n\t// two\n")).isEmpty();
            assertThat(parse("")).isEmpty();
        }
    }

    @Nested
    class Strings {
        @Test
        void doubleQuotedStringsUnderstandEscapes() {
            assertThat(parse("a = \"t\\tn\\nr\\rq\\\"b\\\\u\\u00e9x\\x41\"").get("a"))
                    .isEqualTo("t\tn\nr\rq\"b\\u\u00e9xA");
        }

        @Test
        void hexEscapesAreBytesDecodedAsUtf8WhenTheyFormUtf8ElseLatin1() {
            assertThat(parse("a = \"\\xc3\\xa9\"\nb = \"\\xe9\"")).containsExactly(entry("a", "\u00e9"),
                    entry("b", "\u00e9"));
        }

        @Test
        void singleQuotedStringsAreRaw() {
            assertThat(parse("a = 'x\\ty \"z\"'").get("a")).isEqualTo("x\\ty \"z\"");
        }

        @Test
        void quotedStringsMaySpanLines() {
            assertThat(parse("a = 'one\ntwo'\nb = \"three\nfour\"")).containsExactly(entry("a", "one\ntwo"),
                    entry("b", "three\nfour"));
        }

        @Test
        void emptyQuotedStringsAreEmpty() {
            assertThat(parse("a = \"\"\nb = ''")).containsExactly(entry("a", ""), entry("b", ""));
        }

        @Test
        void unquotedStringsRunToWhiteSpaceCommaSemicolonOrClosingBracket() {
            assertThat(parse("a = nats-route://u:p@host:4245\nb = [x,y]\nm {c=d}\ne = f=g:{h}"))
                    .containsExactly(entry("a", "nats-route://u:p@host:4245"), entry("b", List.of("x", "y")),
                            entry("m", Map.of("c", "d")), entry("e", "f=g:{h"));
        }

        @Test
        void unquotedStringsUnderstandEscapesAndAreThenNeverBooleansOrVariables() {
            assertThat(parse("a = \\x74rue\nb = \\x24HOME\nc = x\\ty")).containsExactly(entry("a", "true"),
                    entry("b", "$HOME"), entry("c", "x\ty"));
        }

        @Test
        void aSingleQuoteEndsAnUnquotedWordAsInNatsServer() {
            assertThat(parse("a = bar' ")).containsExactly(entry("a", "bar"));
        }

        @Test
        void invalidEscapesAreErrors() {
            assertThat(parseError("a = \"x\\qy\"").getMessage())
                    .startsWith("<string>:1:7: invalid escape '\\q'");
            assertThat(parseError("a = \"\\x4\"").getMessage())
                    .isEqualTo("<string>:1:6: expected 2 hexadecimal digits after '\\x'");
            assertThat(parseError("a = \"\\u12G4\"").getMessage())
                    .isEqualTo("<string>:1:6: expected 4 hexadecimal digits after '\\u'");
        }
    }

    @Nested
    class BlockStrings {
        @Test
        void aBlockRunsToACloseParenAloneAtTheStartOfALine() {
            Map<String, Object> config = parse("""
                    text (
                      12(34)56
                      (
                        7890
                      )
                    )
                    after = 1
                    """);
            assertThat(config).containsExactly(entry("text", "\n  12(34)56\n  (\n    7890\n  )\n"),
                    entry("after", 1L));
        }

        @Test
        void aBlockMayEndTheFile() {
            assertThat(parse("t = (\nx\n)")).containsExactly(entry("t", "\nx\n"));
        }

        @Test
        void aBlockWorksWithWindowsLineEndings() {
            assertThat(parse("t = (\r\nx\r\n)\r\nu = 1\r\n")).containsExactly(entry("t", "\r\nx\r\n"),
                    entry("u", 1L));
        }

        @Test
        void anUnterminatedBlockNamesItsOpeningParen() {
            assertThat(parseError("a = 1\nquote = (\n  foo = bar\n  )\n").getMessage()).isEqualTo(
                    "<string>:2:9: unterminated block string, '(' needs a ')' alone at the start of a line");
        }
    }

    @Nested
    class Numbers {
        @Test
        void integersAndFloats() {
            assertThat(parse("a = 123\nb = -123\nc = 007\nd = 0.5\ne = -2.25\nf = 9223372036854775807"))
                    .containsExactly(entry("a", 123L), entry("b", -123L), entry("c", 7L), entry("d", 0.5),
                            entry("e", -2.25), entry("f", Long.MAX_VALUE));
        }

        @ParameterizedTest(name = "{0} = {1}")
        @CsvSource({
            "1k, 1000", "1K, 1000", "1kb, 1024", "1KB, 1024", "1Kb, 1024", "1ki, 1024", "1KiB, 1024",
            "2m, 2000000", "2M, 2000000", "2mb, 2097152", "2MB, 2097152", "2Mi, 2097152", "64MiB, 67108864",
            "1g, 1000000000", "1GB, 1073741824", "1gib, 1073741824",
            "1t, 1000000000000", "1T, 1000000000000", "1tb, 1099511627776", "1TiB, 1099511627776",
            "1p, 1000000000000000", "1PB, 1125899906842624",
            "1e, 1000000000000000000", "1EB, 1152921504606846976",
            "-1m, -1000000", "0kb, 0"
        })
        void sizeSuffixesFollowNatsServerDecimalForLettersBinaryForB(String written, long expected) {
            assertThat(parse("a = " + written).get("a")).isEqualTo(expected);
        }

        @Test
        void anUnquotedOneMinuteIsAMillionAsInNatsServer() {
            assertThat(parse("a = 1m").get("a")).isEqualTo(1_000_000L);
        }

        @ParameterizedTest
        @ValueSource(strings = {"2s", "100ms", "1m30s", "1h", "1.5s", "3xyz", "1kbb", "1m5", "2e3", "127.0.0.1",
            "127.0.0.1:4222", "10.0.0.1-5", "0x1F", "1:2"})
        void digitLedWordsThatAreNotNumbersAreStrings(String written) {
            assertThat(parse("a = " + written).get("a")).isEqualTo(written);
        }

        @Test
        void numbersEndAtTheSameCharactersAsWords() {
            assertThat(parse("a = [1,2]\nm {b = 3}\nc = 4;")).containsExactly(entry("a", List.of(1L, 2L)),
                    entry("m", Map.of("b", 3L)), entry("c", 4L));
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "9223372036854775808 | integer '9223372036854775808' is out of range",
            "10E | integer '10E' is out of range",
            "1. | invalid number '1.', '.' must be followed by digits",
            "1.x | invalid number '1.x', '.' must be followed by digits",
            "-x | invalid number '-x', '-' must be followed by digits",
            "- | invalid number '-', '-' must be followed by digits",
            "-1abc | invalid number '-1abc'",
            "-1.5s | invalid number '-1.5s'",
            ".5 | a number must start with a digit, not '.'",
            "12-3 | invalid date '12-3', dates must be in full ISO 8601 Zulu form like 2016-05-04T18:53:41Z",
            "2016-05-04 | invalid date '2016-05-04', dates must be in full ISO 8601 Zulu form like 2016-05-04T18:53:41Z"
        })
        void malformedNumbersAreErrorsAtTheirFirstCharacter(String written, String reason) {
            assertThat(parseError("a = " + written).getMessage()).isEqualTo("<string>:1:5: " + reason);
        }

        @Test
        void unquotedZuluDatesAreInstants() {
            assertThat(parse("now = 2016-05-04T18:53:41Z").get("now"))
                    .isEqualTo(Instant.parse("2016-05-04T18:53:41Z"));
            assertThat(parseError("d = 2016-13-04T18:53:41Z").getMessage())
                    .startsWith("<string>:1:5: invalid date '2016-13-04T18:53:41Z'");
        }
    }

    @Nested
    class Booleans {
        @ParameterizedTest
        @ValueSource(strings = {"true", "TRUE", "True", "yes", "Yes", "on", "ON"})
        void trueWords(String written) {
            assertThat(parse("a = " + written).get("a")).isEqualTo(true);
        }

        @ParameterizedTest
        @ValueSource(strings = {"false", "FALSE", "no", "NO", "off", "Off"})
        void falseWords(String written) {
            assertThat(parse("a = " + written).get("a")).isEqualTo(false);
        }

        @Test
        void quotedBooleanWordsAreStrings() {
            assertThat(parse("a = \"true\"\nb = 'off'\nc = truely")).containsExactly(entry("a", "true"),
                    entry("b", "off"), entry("c", "truely"));
        }
    }

    @Nested
    class Variables {
        @Test
        void aVariableTakesTheValueAndTypeOfAnEarlierKey() {
            Map<String, Object> config = parse("""
                    index = 22
                    ratio = 0.5
                    list = [1, 2]
                    block { x = 1 }
                    a = $index
                    b = $ratio
                    c = $list
                    d = $block
                    """);
            assertThat(config).containsEntry("a", 22L).containsEntry("b", 0.5).containsEntry("c", List.of(1L, 2L))
                    .containsEntry("d", Map.of("x", 1L));
        }

        @Test
        void theInnermostScopeWinsAndOuterScopesReturnWhenItCloses() {
            Map<String, Object> config = parse("""
                    index = 22
                    nest {
                      index = 11
                      foo = $index
                      deeper { bar = $index }
                    }
                    baz = $index
                    """);
            assertThat(map(config.get("nest"))).containsEntry("foo", 11L)
                    .containsEntry("deeper", Map.of("bar", 11L));
            assertThat(config).containsEntry("baz", 22L);
        }

        @Test
        void arraysAreNotScopesSoElementsSeeTheEnclosingMaps() {
            Map<String, Object> config = parse("""
                    authorization {
                      PASS: s3cret
                      users = [ {user: alice, password: $PASS} ]
                    }
                    """);
            assertThat(map(config.get("authorization")).get("users"))
                    .isEqualTo(List.of(Map.of("user", "alice", "password", "s3cret")));
        }

        @Test
        void keysUsedAsVariablesAreMarked() {
            Map<String, Object> config = parse("PASS = x\nOTHER = y\nauth { password = $PASS }");
            ConfigMap root = (ConfigMap) config;
            assertThat(root.isReferenced("PASS")).isTrue();
            assertThat(root.isReferenced("OTHER")).isFalse();
        }

        @Test
        void aKeyIsNotVisibleBeforeItIsDefinedNorInsideItsOwnValue() {
            assertThat(parseError("a = $b\nb = 1").getMessage()).isEqualTo("<string>:1:5: variable '$b' is not"
                    + " defined: no earlier key 'b' in an enclosing map and no environment variable of that name");
            assertThat(parseError("a { b = $a }").reason()).startsWith("variable '$a' is not defined");
        }

        @Test
        void undefinedVariablesNameTheirLineAndColumn() {
            assertThat(parseError("a = 1\n\n  m { b = $nope }").getMessage())
                    .startsWith("<string>:3:11: variable '$nope' is not defined");
        }

        @Test
        void environmentVariablesAreReadAsValues() {
            assertThat(parse("a = $NUMBER\nb = $WORD\nc = $QUOTED\nd = $FLAG\ne = $LIST\nf = $SIZE\ng = $BLANK"))
                    .containsExactly(entry("a", 22L), entry("b", "xyz"), entry("c", "3xyz"), entry("d", true),
                            entry("e", List.of(1L, 2L)), entry("f", 2097152L), entry("g", ""));
        }

        @Test
        void configKeysShadowTheEnvironment() {
            assertThat(parse("NUMBER = 5\na = $NUMBER").get("a")).isEqualTo(5L);
        }

        @Test
        void environmentValuesMayReferToOtherEnvironmentVariables() {
            assertThat(parse("a = $CHAIN").get("a")).isEqualTo(22L);
        }

        @Test
        void anEnvironmentValueMustBeOneValue() {
            assertThat(parseError("a = $TWO_VALUES").getMessage()).isEqualTo("<string>:1:5: environment variable"
                    + " TWO_VALUES does not hold a valid value: unexpected 'b' after the value");
        }

        @Test
        void environmentReferenceCyclesAreErrors() {
            assertThat(parseError("a = $LOOP_A").reason())
                    .contains("variable reference cycle through environment variable LOOP_A");
        }

        @Test
        void bcryptHashesAreNotVariables() {
            assertThat(parse("password: $2a$11$ooo").get("password")).isEqualTo("$2a$11$ooo");
        }

        @Test
        void variablesAreNotExpandedInsideQuotedStrings() {
            assertThat(parse("n = 1\na = \"$n\"\nb = '$n'")).containsEntry("a", "$n").containsEntry("b", "$n");
        }

        @Test
        void aLoneDollarIsAnError() {
            assertThat(parseError("a = $").getMessage())
                    .isEqualTo("<string>:1:5: '$' must be followed by a variable name");
        }
    }

    @Nested
    class Includes {
        @TempDir
        Path dir;

        private Path write(String name, String text) throws IOException {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
            return file;
        }

        private Map<String, Object> parseFile(Path file) {
            return ConfigParser.parse(file, ENVIRONMENT::get);
        }

        @Test
        void anIncludeMergesTheFilesKeysWhereItStands() throws IOException {
            write("users.conf", "user = alice\npassword = secret\n");
            Path main = write("main.conf", "port = 4222\ninclude users.conf\ndebug = true\n");
            assertThat(parseFile(main)).containsExactly(entry("port", 4222L), entry("user", "alice"),
                    entry("password", "secret"), entry("debug", true));
        }

        @Test
        void anIncludeInsideANestedMapFillsThatMap() throws IOException {
            write("auth.conf", "user: alice\ntimeout: 2\n");
            Path main = write("main.conf",
                    "authorization {\n  include 'auth.conf'\n}\naccounts { a { include \"auth.conf\" } }");
            Map<String, Object> config = parseFile(main);
            assertThat(config.get("authorization")).isEqualTo(Map.of("user", "alice", "timeout", 2L));
            assertThat(map(config.get("accounts")).get("a")).isEqualTo(Map.of("user", "alice", "timeout", 2L));
        }

        @Test
        void includeNamesResolveAgainstTheIncludingFilesDirectory() throws IOException {
            write("conf/sub/leaf.conf", "leaf = 1");
            write("conf/sub/middle.conf", "include leaf.conf\nmiddle = 2");
            write("conf/other/sibling.conf", "sibling = 3");
            write("conf/sub/with-parent.conf", "include ../other/sibling.conf");
            Path main = write("conf/main.conf", "include sub/middle.conf\ninclude ./sub/with-parent.conf");
            assertThat(parseFile(main)).containsExactly(entry("leaf", 1L), entry("middle", 2L),
                    entry("sibling", 3L));
        }

        @Test
        void absoluteIncludeNamesAreTakenAsTheyAre() throws IOException {
            Path abs = write("elsewhere/abs.conf", "abs = true");
            Path main = write("main.conf", "include '" + abs.toAbsolutePath() + "'");
            assertThat(parseFile(main)).containsExactly(entry("abs", true));
            assertThat(ConfigParser.parse("include \"" + abs.toAbsolutePath() + "\"")).containsEntry("abs", true);
        }

        @Test
        void textFromAStringIncludesRelativeToItsBaseDirectory() throws IOException {
            write("base/part.conf", "part = 1");
            assertThat(ConfigParser.parse("include part.conf", dir.resolve("base"), ENVIRONMENT::get))
                    .containsExactly(entry("part", 1L));
        }

        @Test
        void includedKeysAreVariablesForTheRestOfTheIncluder() throws IOException {
            write("passwords.conf", "ALICE_PASS: $2a$10$abc\nBOB_PASS: hunter2\n");
            Path main = write("main.conf", """
                    authorization {
                      include ./passwords.conf
                      users = [
                        {user: alice, password: $ALICE_PASS}
                        {user: bob, password: $BOB_PASS}
                      ]
                    }
                    """);
            Map<String, Object> auth = map(parseFile(main).get("authorization"));
            assertThat(auth.get("users")).isEqualTo(List.of(Map.of("user", "alice", "password", "$2a$10$abc"),
                    Map.of("user", "bob", "password", "hunter2")));
            assertThat(((ConfigMap) auth).isReferenced("BOB_PASS")).isTrue();
        }

        @Test
        void anIncludedFileDoesNotSeeTheIncludersVariables() throws IOException {
            write("uses.conf", "b = $a");
            Path main = write("main.conf", "a = 1\ninclude uses.conf");
            assertThat(assertParseFails(main).reason()).startsWith("variable '$a' is not defined");
        }

        @Test
        void theSameFileMayBeIncludedTwice() throws IOException {
            write("common.conf", "x = 1");
            Path main = write("main.conf", "a { include common.conf }\nb { include common.conf }");
            assertThat(parseFile(main)).containsExactly(entry("a", Map.of("x", 1L)), entry("b", Map.of("x", 1L)));
        }

        @Test
        void anIncludeCycleIsAnErrorAtTheIncludeThatClosesIt() throws IOException {
            Path a = write("a.conf", "a = 1\ninclude b.conf");
            Path b = write("b.conf", "\n  include a.conf");
            ConfigException e = assertParseFails(a);
            assertThat(e.position()).isEqualTo(new ConfigParser.Position(b.toString(), 2, 3));
            assertThat(e.reason()).isEqualTo("include cycle: " + a + " -> " + b + " -> " + a
                    + ", included from " + a + ":2:1");
        }

        @Test
        void aFileIncludingItselfIsACycle() throws IOException {
            Path self = write("self.conf", "include self.conf");
            assertThat(assertParseFails(self).getMessage())
                    .isEqualTo(self + ":1:1: include cycle: " + self + " -> " + self);
        }

        @Test
        void aMissingIncludeIsAnErrorAtTheIncludeLine() throws IOException {
            Path main = write("main.conf", "port = 1\nm {\n  include nope.conf\n}");
            assertThat(assertParseFails(main).getMessage()).isEqualTo(main + ":3:3: include file '"
                    + dir.resolve("nope.conf") + "' does not exist");
        }

        @Test
        void anErrorInsideAnIncludedFileNamesThatFileAndTheInclude() throws IOException {
            Path inner = write("inner.conf", "ok = 1\nbad = \"open");
            Path main = write("main.conf", "include inner.conf");
            ConfigException e = assertParseFails(main);
            assertThat(e.getMessage()).isEqualTo(inner + ":2:7: unterminated string, the closing '\"' is missing,"
                    + " included from " + main + ":1:1");
        }

        @Test
        void includedKeysRememberWhereTheyWereWritten() throws IOException {
            Path inner = write("inner.conf", "\n   inner = 1");
            Path main = write("main.conf", "outer = 1\ninclude inner.conf");
            Map<String, Object> config = parseFile(main);
            assertThat(ConfigParser.positionOf(config, "outer"))
                    .contains(new ConfigParser.Position(main.toString(), 1, 1));
            assertThat(ConfigParser.positionOf(config, "inner"))
                    .contains(new ConfigParser.Position(inner.toString(), 2, 4));
        }

        @Test
        void anIncludeNeedsAFileName() throws IOException {
            assertThat(parseError("include \n").getMessage())
                    .isEqualTo("<string>:1:9: expected an include file name, found a new line");
            assertThat(parseError("include ''").getMessage()).isEqualTo("<string>:1:1: include needs a file name");
            assertThat(parseError("include [a]").getMessage())
                    .isEqualTo("<string>:1:9: expected an include file name, found '['");
        }

        @Test
        void aMissingTopLevelFileIsAnErrorAboutTheWholeFile() {
            Path missing = dir.resolve("missing.conf");
            assertThat(assertParseFails(missing).getMessage())
                    .isEqualTo(missing + ": configuration file does not exist");
        }

        @Test
        void aFileThatIsNotUtf8IsRejectedAndAByteOrderMarkIsSkipped() throws IOException {
            Path latin1 = dir.resolve("latin1.conf");
            Files.write(latin1, "a = caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(assertParseFails(latin1).getMessage())
                    .isEqualTo(latin1 + ": configuration file is not valid UTF-8");
            Path bom = write("bom.conf", "\uFEFFa = 1");
            assertThat(parseFile(bom)).containsExactly(entry("a", 1L));
        }

        private ConfigException assertParseFails(Path file) {
            try {
                parseFile(file);
            } catch (ConfigException e) {
                return e;
            }
            throw new AssertionError("expected a ConfigException for " + file);
        }
    }

    @Nested
    class ErrorPositions {
        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "`a = \"abc`                | 1:5  | unterminated string, the closing '\"' is missing",
            "`a = 'abc`                 | 1:5  | unterminated string, the closing \"'\" is missing",
            "`'key = 1`                 | 1:1  | unterminated key, the closing \"'\" is missing",
            "`m {\\n  a = 1\\n`          | 1:3  | unterminated map, the closing '}' is missing",
            "`m {\\n  a = 1`             | 1:3  | unterminated map, the closing '}' is missing",
            "`a = [1,\\n 2`              | 1:5  | unterminated array, the closing ']' is missing",
            "`{ a = 1`                  | 1:1  | unterminated '{', the closing '}' is missing",
            "`a = 1 b = 2`              | 1:7  | expected a new line, ';' or ',' after the value of 'a', found 'b'",
            "`m {\\n a = 1 b = 2 }`  | 2:8 | expected a new line, ',', ';' or '}' after the value of 'a', found 'b'",
            "`a = [1 2]`                | 1:8  | expected a new line, ',' or ']' after an array element, found '2'",
            "`a = [1,,2]`               | 1:8  | unexpected ',' in an array, expected a value or ']'",
            "`a = [1; 2]`               | 1:7  | expected a new line, ',' or ']' after an array element, found ';'",
            "`: a`                      | 1:1  | unexpected key separator ':', a key must come first",
            "`m { = 1 }`                | 1:5  | unexpected key separator '=', a key must come first",
            "`m { , }`                  | 1:5  | expected a key, found ','",
            "`m { a }`                  | 1:5  | key 'a' has no value",
            "`m { a, b = 1 }`           | 1:5  | key 'a' has no value",
            "`a`                        | 1:1  | key 'a' has no value",
            "`\\n\\n   a =`              | 3:4  | key 'a' has no value",
            "`a = ]`                    | 1:5  | expected a value, found ']'",
            "`\\ta = \"x`                | 1:6  | unterminated string, the closing '\"' is missing",
        })
        void errorsNameLineAndColumn(String text, String place, String reason) {
            String input = text.replace("\\n", "\n").replace("\\t", "\t");
            assertThat(parseError(input).getMessage()).isEqualTo("<string>:" + place + ": " + reason);
        }

        @Test
        void theExceptionCarriesItsPositionAndReasonSeparately() {
            ConfigException e = parseError("\n  x = 1.");
            assertThat(e.position()).isEqualTo(new ConfigParser.Position("<string>", 2, 7));
            assertThat(e.reason()).isEqualTo("invalid number '1.', '.' must be followed by digits");
        }
    }

    @Nested
    class Positions {
        @Test
        void positionOfNamesTheKeysLineAndColumn() {
            Map<String, Object> config = parse("a = 1\n  m {\n\tb = 2\n  }");
            assertThat(ConfigParser.positionOf(config, "a")).contains(new ConfigParser.Position("<string>", 1, 1));
            assertThat(ConfigParser.positionOf(config, "m")).contains(new ConfigParser.Position("<string>", 2, 3));
            assertThat(ConfigParser.positionOf(map(config.get("m")), "b"))
                    .contains(new ConfigParser.Position("<string>", 3, 2));
            assertThat(ConfigParser.positionOf(config, "absent")).isEmpty();
        }

        @Test
        void positionOfKnowsNothingOfOtherMaps() {
            assertThat(ConfigParser.positionOf(Map.of("a", 1L), "a")).isEmpty();
        }

        @Test
        void windowsLineEndingsCountAsOneLine() {
            Map<String, Object> config = parse("a = 1\r\nb = 2\r\n");
            assertThat(config).containsExactly(entry("a", 1L), entry("b", 2L));
            assertThat(ConfigParser.positionOf(config, "b")).contains(new ConfigParser.Position("<string>", 2, 1));
        }

        @Test
        void positionsPrintAsFileLineColumnOrJustTheFile() {
            assertThat(new ConfigParser.Position("a.conf", 3, 7)).hasToString("a.conf:3:7");
            assertThat(new ConfigParser.Position("a.conf", 0, 0)).hasToString("a.conf");
        }
    }
}
