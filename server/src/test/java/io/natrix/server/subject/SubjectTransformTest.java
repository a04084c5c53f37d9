package io.natrix.server.subject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.subject.SubjectTransformException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Subject transforms as nats-server's subject_transform.go and sublist.go (ValidateMapping) have them. The cases
 * marked "nats-server" are the inputs and expected outputs of its subject_transform_test.go and sublist_test.go.
 */
class SubjectTransformTest {

    // ---- nats-server's TestSubjectTransforms: shouldMatch, and a live nats-server ------------------------------

    @ParameterizedTest(name = "{0} -> {1}: {2} becomes {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "''|prefix.>|foo|prefix.foo",
        "foo|bar|foo|bar",
        "foo.*.bar.*.baz|req.$2.$1|foo.A.bar.B.baz|req.B.A",
        "foo.*.bar.*.baz|req.{{wildcard(2)}}.{{wildcard(1)}}|foo.A.bar.B.baz|req.B.A",
        "baz.>|my.pre.>|baz.1.2.3|my.pre.1.2.3",
        "baz.>|foo.bar.>|baz.1.2.3|foo.bar.1.2.3",
        "*|foo.bar.$1|foo|foo.bar.foo",
        "*|{{splitfromleft(1,3)}}|12345|123.45",
        "*|{{SplitFromRight(1,3)}}|12345|12.345",
        "*|{{SliceFromLeft(1,3)}}|1234567890|123.456.789.0",
        "*|{{SliceFromRight(1,3)}}|1234567890|1.234.567.890",
        "*|{{split(1,-)}}|-abc-def--ghi-|abc.def.ghi",
        "*|{{split(1,-)}}|abc-def--ghi-|abc.def.ghi",
        "*.*|{{split(2,-)}}.{{splitfromleft(1,2)}}|foo.-abc-def--ghij-|abc.def.ghij.fo.o",
        "*|{{right(1,1)}}|1234|4",
        "*|{{right(1,3)}}|1234|234",
        "*|{{right(1,6)}}|1234|1234",
        "*|{{left(1,1)}}|1234|1",
        "*|{{left(1,3)}}|1234|123",
        "*|{{left(1,6)}}|1234|1234",
        "*|bar.{{partition(0)}}|baz|bar.0",
        "*|bar.{{partition(10, 0)}}|foo|bar.3",
        "*.*|bar.{{partition(10)}}|foo.bar|bar.6",
        "*|bar.{{partition(10)}}|foo|bar.3",
        "*|bar.{{partition(10)}}|baz|bar.0",
        "*|bar.{{partition(10)}}|qux|bar.9",
        "*|bar.{{random(0)}}|qux|bar.0",
        "foo.bar|baz.{{partition(10)}}|foo.bar|baz.6",
        "foo.baz|qux.{{partition(10)}}|foo.baz|qux.4",
        "test.subject|result.{{partition(5)}}|test.subject|result.0",
        // Observed on a running nats-server 2.9.10 with these mappings in its configuration.
        "p.*.*|part.{{partition(10,1,2)}}.{{wildcard(1)}}|p.foo.bar|part.0.foo",
        "p.*.*|part.{{partition(10,1,2)}}.{{wildcard(1)}}|p.a.b|part.6.a",
        "p.*.*|part.{{partition(10,1,2)}}.{{wildcard(1)}}|p.orders.123|part.4.orders",
        "p.*.*|part.{{partition(10,1,2)}}.{{wildcard(1)}}|p.x.y|part.2.x",
        "p1.*|'part1.{{ Partition (7, 1) }}'|p1.foo|part1.2",
        "p1.*|'part1.{{ Partition (7, 1) }}'|p1.bar|part1.2",
        "p1.*|'part1.{{ Partition (7, 1) }}'|p1.customer-4711|part1.5",
        "s.*|sfl.{{splitFromLeft(1,3)}}|s.12|sfl.12",
        "l.*|slf.{{SliceFromLeft(1,3)}}|l.12|slf.12",
        "d.*|spl.{{split(1,-)}}|d.abc|spl.abc",
        "t.*.>|tail.$1.>|t.1.2.3|tail.1.2.3",
        "z.*|zero.$0|z.q|zero.z",
    })
    void subjectTransformNatsServerExamples(String source, String destination, String subject, String expected) {
        assertThat(SubjectTransform.parse(source, destination).apply(subject)).isEqualTo(expected);
    }

    @Test
    void subjectTransformRandomStaysInRange() {
        SubjectTransform t = SubjectTransform.parse("*", "bar.{{random(6)}}");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            seen.add(t.apply("qux"));
        }
        assertThat(seen).containsExactlyInAnyOrder("bar.0", "bar.1", "bar.2", "bar.3", "bar.4", "bar.5");
    }

    // ---- more outputs ---------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} -> {1}: {2} becomes {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        // Partition over chosen wildcards hashes their tokens concatenated without a separator: "foo"+"bar".
        "*.*|p.{{partition(10,1,2)}}|foo.bar|p.0",
        "*.*|p.{{partition(10,2)}}|x.foo|p.3",
        "foo.*.*|foo.{{wildcard(1)}}.{{wildcard(2)}}.{{partition(5,1,2)}}|foo.a.b|foo.a.b.1",
        "*.*.*|'{{ Partition (10,1,2,3) }}'|foo.b.ar|0",
        // Literal source: partition's wildcard arguments are ignored and the whole subject is hashed.
        "foo.bar|{{partition(10,1)}}|foo.bar|6",
        // Spacing that nats-server's expressions allow.
        "*|foo.{{ wildcard(1) }}|x|foo.x",
        "*|foo.{{wildcard( 1 )}}|x|foo.x",
        "*.*|'{{SplitFromLeft(2, 1)}}'|a.xyz|x.yz",
        // Cut functions that cannot cut leave the token whole.
        "*|{{splitFromLeft(1,0)}}|abc|abc",
        "*|{{splitFromLeft(1,3)}}|abc|abc",
        "*|{{splitFromRight(1,-1)}}|abc|abc",
        "*|{{sliceFromLeft(1,3)}}|abc|abc",
        "*|{{sliceFromLeft(1,2)}}|abcd|ab.cd",
        "*|{{sliceFromRight(1,2)}}|abcde|a.bc.de",
        "*|{{sliceFromRight(1,2)}}|abcd|ab.cd",
        "*|{{left(1,0)}}|abc|abc",
        // Split: empty pieces vanish, except that a leading pair of delimiters leaves a leading dot (nats-server).
        "*|{{split(1,-)}}|a--b|a.b",
        "*|{{split(1,-)}}|--a|.a",
        "*|{{split(1,-)}}|abc|abc",
        "*|{{split(1,ab)}}|xabyabz|x.y.z",
        "*|'{{split(1,)}}'|abc|a.b.c",
        // Wildcards and '>' together; the tail keeps every token the source's '>' matched.
        "a.*.>|b.$1.>|a.x.y.z|b.x.y.z",
        ">|>|a.b|a.b",
        "*.>|{{wildcard(1)}}.>|a.b.c|a.b.c",
        // Not every wildcard needs a reference; a destination without any is constant.
        "foo.*.*|bar.$2|foo.1.2|bar.2",
        "foo.*|bar|foo.1|bar",
        // '$' followed by something other than a number is literal text.
        "foo.*|$SYS.$1|foo.x|$SYS.x",
        "foo.*|$.$1|foo.x|$.x",
        // nats-server quirk: wildcard numbers below 1 select the first token.
        "foo.*|bar.$0|foo.x|bar.foo",
        "foo.*|bar.{{wildcard(-3)}}|foo.x|bar.foo",
        "foo.*|bar.$+1|foo.x|bar.x",
    })
    void subjectTransformOutputs(String source, String destination, String subject, String expected) {
        assertThat(SubjectTransform.parse(source, destination).apply(subject)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "foo.*|foo", "foo.*|foo.a.b", "foo.*|bar.a", "foo.>|foo", "foo|foo.bar", "foo|fo", "foo.*|foo.",
        "foo.*|foo..x", "foo.*|foo.*", "foo.>|foo.>", "*|''", "foo.bar|foo.baz", "a.*.c|a.b.d"})
    void subjectTransformNoMatchGivesNull(String source, String subject) {
        assertThat(SubjectTransform.parse(source, "x" + (source.endsWith(">") ? ".>" : "")).apply(subject))
                .isNull();
    }

    @Test
    void subjectTransformFunctionNamesFollowNatsServerCase() {
        for (String name : new String[] {"wildcard", "Wildcard"}) {
            assertThat(SubjectTransform.parse("*", "{{" + name + "(1)}}").apply("a")).isEqualTo("a");
        }
        for (String name : new String[] {"splitfromleft", "SplitFromLeft", "splitFromleft", "SplitfromLeft"}) {
            assertThat(SubjectTransform.parse("*", "{{" + name + "(1,1)}}").apply("ab")).isEqualTo("a.b");
        }
        // nats-server's expressions allow either case only for the first letter of each word.
        for (String name : new String[] {"WILDCARD", "wildCard", "wIldcard"}) {
            assertThatThrownBy(() -> SubjectTransform.parse("*", "{{" + name + "(1)}}"))
                    .isInstanceOfSatisfying(SubjectTransformException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_FUNCTION));
        }
    }

    @Test
    void subjectTransformCountsBytesOfNonAsciiTokens() {
        assertThat(SubjectTransform.parse("*", "{{left(1,3)}}").apply("héllo")).isEqualTo("hé");
        assertThat(SubjectTransform.parse("*", "{{right(1,3)}}").apply("llé")).isEqualTo("lé");
        assertThat(SubjectTransform.parse("*", "{{splitFromLeft(1,1)}}").apply("éa")).isEqualTo("\uFFFD.\uFFFDa");
        assertThat(SubjectTransform.parse("*", "{{sliceFromLeft(1,2)}}").apply("ééé")).isEqualTo("é.é.é");
        assertThat(SubjectTransform.parse("*", "{{split(1,é)}}").apply("aébéc")).isEqualTo("a.b.c");
        // The hash runs over UTF-8 bytes, as Go's does over the string's bytes.
        assertThat(SubjectTransform.parse("*", "{{partition(7)}}").apply("héllo")).isEqualTo(
                Integer.toString(Integer.remainderUnsigned(fnv("héllo"), 7)));
        assertThat(SubjectTransform.parse("*", "{{partition(1000003)}}").apply("𝄞x€")).isEqualTo(
                Integer.toString(Integer.remainderUnsigned(fnv("𝄞x€"), 1000003)));
    }

    @Test
    void subjectTransformPartitionWithNegativeCountUsesItAsUnsigned() {
        // nats-server lets a negative count through and takes it as unsigned 32-bit: -1 is 2^32-1.
        int hash = fnv("foo");
        assertThat(SubjectTransform.parse("*", "{{partition(-1)}}").apply("foo"))
                .isEqualTo(Integer.toUnsignedString(Integer.remainderUnsigned(hash, -1)));
        assertThat(SubjectTransform.parse("*", "{{partition(2147483647)}}").apply("foo"))
                .isEqualTo(Integer.toUnsignedString(Integer.remainderUnsigned(hash, Integer.MAX_VALUE)));
    }

    @Test
    void subjectTransformDoesNotShareStateBetweenThreads() throws Exception {
        SubjectTransform t = SubjectTransform.parse("a.*.*.>", "{{wildcard(2)}}.{{sliceFromLeft(1,2)}}.>");
        Thread[] threads = new Thread[4];
        boolean[] ok = new boolean[threads.length];
        for (int i = 0; i < threads.length; i++) {
            int n = i;
            threads[i] = new Thread(() -> {
                boolean good = true;
                for (int k = 0; k < 20_000 && good; k++) {
                    String s = "a.t" + n + k + ".u." + k;
                    good = t.apply(s).equals("u." + slices("t" + n + k) + "." + k);
                }
                ok[n] = good;
            });
            threads[i].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(ok).containsOnly(true);
    }

    // ---- bad input --------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        // nats-server's TestSubjectTransforms: shouldErr (not strict)
        "foo..|bar|BAD_SUBJECT|invalid subject",
        "foo.*|bar.*|BAD_SUBJECT|invalid subject",
        "foo.*|bar.$2|INDEX_OUT_OF_RANGE|invalid mapping destination: wildcard index out of range in $2: [2]",
        "foo.*|bar.$1.>|BAD_SUBJECT|invalid subject",
        "foo.>|bar.baz|BAD_SUBJECT|invalid subject",
        "foo.*|foo.{{wildcard(2)}}|INDEX_OUT_OF_RANGE|"
                + "invalid mapping destination: wildcard index out of range in {{wildcard(2)}}: [2]",
        "foo.*|foo.{{unimplemented(1)}}|UNKNOWN_FUNCTION|"
                + "invalid mapping destination: unknown function in {{unimplemented(1)}}",
        "foo.*|foo.{{partition()}}|INVALID_ARG|"
                + "invalid mapping destination: function argument is invalid or in the wrong format in "
                + "{{partition()}}",
        "foo.*|foo.{{random()}}|INVALID_ARG|"
                + "invalid mapping destination: function argument is invalid or in the wrong format in {{random()}}",
        "foo.*|foo.{{wildcard(foo)}}|INVALID_ARG|"
                + "invalid mapping destination: function argument is invalid or in the wrong format in "
                + "{{wildcard(foo)}}",
        "foo.*|foo.{{wildcard()}}|NOT_ENOUGH_ARGS|"
                + "invalid mapping destination: not enough arguments passed to the function in {{wildcard()}}",
        "foo.*|foo.{{wildcard(1,2)}}|TOO_MANY_ARGS|"
                + "invalid mapping destination: too many arguments passed to the function in {{wildcard(1,2)}}",
        "foo.*|'foo.{{ wildcard5) }}'|UNKNOWN_FUNCTION|"
                + "invalid mapping destination: unknown function in {{ wildcard5) }}",
        "foo.*|foo.{{splitLeft(2,2}}|UNKNOWN_FUNCTION|"
                + "invalid mapping destination: unknown function in {{splitLeft(2,2}}",
        "foo|bla.{{wildcard(1)}}|INDEX_OUT_OF_RANGE|"
                + "invalid mapping destination: wildcard index out of range in {{wildcard(1)}}",
        "foo.*|foo.{{partition(2147483648)}}|INVALID_ARG|"
                + "invalid mapping destination: function argument is invalid or in the wrong format in "
                + "{{partition(2147483648)}}",
        "foo.*|foo.{{random(2147483648)}}|INVALID_ARG|"
                + "invalid mapping destination: function argument is invalid or in the wrong format in "
                + "{{random(2147483648)}}",
        // nats-server's TestValidateDestinationSubject
        "*|foo.{{unknown(1)}}|UNKNOWN_FUNCTION|invalid mapping destination: unknown function in {{unknown(1)}}",
        "foo|foo..}|INVALID_TRANSFORM|invalid mapping destination: invalid transform",
        "foo|'foo. bar}'|INVALID_TRANSFORM|invalid mapping destination: invalid transform",
        // more
        "foo bar|x|BAD_SUBJECT|invalid subject",
        "foo.>.bar|x|BAD_SUBJECT|invalid subject",
        "foo|''|BAD_SUBJECT|invalid subject",
        "foo.>|x.>.y|INVALID_TRANSFORM|invalid mapping destination: invalid transform in y",
        "foo|'foo\tbar'|INVALID_TRANSFORM|invalid mapping destination: invalid transform",
        "foo|foo.{{split(1,-)}}|INDEX_OUT_OF_RANGE|"
                + "invalid mapping destination: wildcard index out of range in {{split(1,-)}}",
        "foo|foo.$1|INDEX_OUT_OF_RANGE|invalid mapping destination: wildcard index out of range in $1",
        "*|{{left(1)}}|NOT_ENOUGH_ARGS|"
                + "invalid mapping destination: not enough arguments passed to the function in {{left(1)}}",
        "*|{{right(1,2,3)}}|TOO_MANY_ARGS|"
                + "invalid mapping destination: too many arguments passed to the function in {{right(1,2,3)}}",
        "*|{{left(1,x)}}|INVALID_ARG|"
                + "invalid mapping destination: function argument is invalid or in the wrong format in {{left(1,x)}}",
        "*|{{left(1,2147483648)}}|INVALID_ARG|"
                + "invalid mapping destination: function argument is invalid or in the wrong format in "
                + "{{left(1,2147483648)}}",
        "*|{{split(1)}}|NOT_ENOUGH_ARGS|"
                + "invalid mapping destination: not enough arguments passed to the function in {{split(1)}}",
        "*|'{{split(1, - )}}'|INVALID_ARG|"
                + "invalid mapping destination: function argument is invalid or in the wrong format in "
                + "{{split(1, - )}}",
        "*|{{random(1,2)}}|NOT_ENOUGH_ARGS|"
                + "invalid mapping destination: not enough arguments passed to the function in {{random(1,2)}}",
        "*|{{partition(3,x)}}|INVALID_ARG|"
                + "invalid mapping destination: function argument is invalid or in the wrong format in "
                + "{{partition(3,x)}}",
        "*|{{partition(3,2)}}|INDEX_OUT_OF_RANGE|"
                + "invalid mapping destination: wildcard index out of range in {{partition(3,2)}}: [2]",
        "*|'{{wildcard(1)}}x}}'|UNKNOWN_FUNCTION|invalid mapping destination: unknown function in {{wildcard(1)}}x}}",
        "*|'{{wildcard(\t1)}}'|INVALID_ARG|"
                + "invalid mapping destination: function argument is invalid or in the wrong format in "
                + "{{wildcard(\t1)}}",
    })
    void subjectTransformRefusesBadInput(String source, String destination, Reason reason, String message) {
        assertThatThrownBy(() -> SubjectTransform.parse(source, destination))
                .isInstanceOfSatisfying(SubjectTransformException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e).hasMessage(message);
                })
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        // nats-server's TestValidateDestinationSubject and TestSubjectTransforms: shouldBeOK
        "bar|foo", "foo|foo.bar", "*|{{wildcard(1)}}", "foo.>|>", "foo.*|bar.{{wildcard(1)}}", "foo.>|bar.>",
        "foo.*.>|bar.{{wildcard(1)}}.>", "foo.*.bar|bar.{{wildcard(1)}}.foo", "foo.bar.>|foo.bar.foo.>",
        "*|foo.{{wildcard(1)}}", "*|'foo.{{ wildcard(1) }}'", "*|'foo.{{wildcard( 1 )}}'", "*|foo.{{partition(2,1)}}",
        "*.*|foo.{{SplitFromLeft(2,1)}}", "*.*|foo.{{SplitFromRight(2,1)}}",
        "foo.*.*|bar.$2", "foo.*.*|bar.{{wildcard(1)}}", "foo.*.*|bar.{{partition(1)}}", "foo.*.*|bar.{{random(5)}}",
        "foo|bar", "foo.*.bar.*.baz|req.$2.$1", "baz.>|mybaz.>", "*|{{splitfromleft(1,1)}}", "''|prefix.>",
        "*.*|{{partition(10,1,2)}}", "foo.*.*|foo.{{wildcard(1)}}.{{wildcard(2)}}.{{partition(5,1,2)}}",
        "foo.*|foo.{{partition(2147483647)}}", "foo.*|foo.{{random(2147483647)}}",
        "foo.bar|foo.{{random(2147483647)}}",
    })
    void subjectTransformAcceptsWhatNatsServerAccepts(String source, String destination) {
        SubjectTransform t = SubjectTransform.parse(source, destination);
        assertThat(t.destination()).isEqualTo(destination);
        assertThat(t.source()).isEqualTo(source.isEmpty() ? ">" : source);
    }

    // ---- strict transforms and reversal -----------------------------------------------------------------------

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "foo.*.*|bar.$2|NOT_USING_ALL_WILDCARDS|"
                + "invalid mapping destination: not using all of the token wildcard(s) in bar.$2",
        "foo.*|foo.$foo|NOT_USING_ALL_WILDCARDS|"
                + "invalid mapping destination: not using all of the token wildcard(s) in foo.$foo",
        "foo.*|bar.{{Partition(2,1)}}|NOT_SUPPORTED_FOR_IMPORT|"
                + "invalid mapping destination: the only mapping function allowed for import transforms is "
                + "{{Wildcard()}} in {{Partition(2,1)}}",
    })
    void subjectTransformStrictRefusesWhatNatsServerRefuses(String source, String destination, Reason reason,
                                                            String message) {
        assertThatThrownBy(() -> SubjectTransform.parseStrict(source, destination))
                .isInstanceOfSatisfying(SubjectTransformException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e).hasMessage(message);
                });
        // The same transform is fine when it need not be reversible.
        assertThat(SubjectTransform.parse(source, destination)).isNotNull();
    }

    @Test
    void subjectTransformReverseUndoesAStrictTransform() {
        // nats-server's TestSubjectTransformHelpers
        SubjectTransform t = SubjectTransform.parseStrict("foo.*.*", "bar.$2.{{Wildcard(1)}}");
        assertThat(t.apply("foo.b.a")).isEqualTo("bar.a.b");
        SubjectTransform back = t.reverse();
        assertThat(back.source()).isEqualTo("bar.*.*");
        assertThat(back.apply("bar.a.b")).isEqualTo("foo.b.a");

        SubjectTransform tail = SubjectTransform.parseStrict("a.*.>", "b.x.$1.>");
        assertThat(tail.reverse().apply(tail.apply("a.1.2.3"))).isEqualTo("a.1.2.3");
        assertThat(SubjectTransform.parseStrict("foo", "bar").reverse().apply("bar")).isEqualTo("foo");
    }

    @Test
    void subjectTransformReverseOfAFunctionIsNull() {
        assertThat(SubjectTransform.parse("foo.*", "bar.{{partition(3,1)}}").reverse()).isNull();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    @Test
    void subjectTransformGoAtoiReadsWhatGoReads() {
        assertThat(SubjectTransform.goAtoi("42")).isEqualTo(42L);
        assertThat(SubjectTransform.goAtoi("+7")).isEqualTo(7L);
        assertThat(SubjectTransform.goAtoi("-0")).isEqualTo(0L);
        assertThat(SubjectTransform.goAtoi("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(SubjectTransform.goAtoi("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        for (String bad : new String[] {"", "+", "-", " 1", "1 ", "1_000", "0x10", "٣", "9223372036854775808",
                "-9223372036854775809"}) {
            assertThat(SubjectTransform.goAtoi(bad)).as(bad).isNull();
        }
    }

    /** Reference FNV-1a over the UTF-8 bytes, written independently of the production loop. */
    private static int fnv(String s) {
        int h = 0x811c9dc5;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return h;
    }

    private static String slices(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (; i + 2 <= s.length(); i += 2) {
            out.append(i > 0 ? "." : "").append(s, i, i + 2);
        }
        if (i < s.length()) {
            out.append('.').append(s.substring(i));
        }
        return out.toString();
    }
}
