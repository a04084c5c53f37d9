package io.natrix.server.subject;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Subject rules, as nats-server's sublist.go has them: tokens are non-empty and separated by '.'; '*' and '>' are
 * wildcards only as whole tokens; '>' only last; no whitespace (space, tab, CR, LF, FF) anywhere.
 */
class SubjectsTest {

    @ParameterizedTest
    @ValueSource(strings = {"foo", "foo.bar", "foo.bar.baz", "*", ">", "foo.*", "foo.>", "*.*.>", "foo.*.bar",
            "*.bar", "$SYS.ACCOUNT.>", "_INBOX.abc123", "f*o", "foo>", "foo.b>r", "*foo.bar*", "a-b_c~d",
            "föö.bär", "1.2.3"})
    void subjectsValidSubscribeSubjectIsAccepted(String subject) {
        assertThat(Subjects.isValidSubscribeSubject(subject)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "foo.", ".foo", "foo..bar", "foo. .bar", "foo bar", "foo\tbar", "foo\rbar",
            "foo\nbar", "foo\fbar", " ", "foo ", " foo", ">.foo", "foo.>.bar", ">.>", "foo.>.", "*.>.*"})
    void subjectsInvalidSubscribeSubjectIsRefused(String subject) {
        assertThat(Subjects.isValidSubscribeSubject(subject)).isFalse();
        assertThat(Subjects.isValidPublishSubject(subject)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
        "a.b, a.b, true", "a.b, a.*, true", "a.*, a.*, true", "a.*, a.>, true", "a.b.c, a.>, true",
        "a.>, a.>, true", "a.*.c, a.>, true", "a.>, a.*, false", "a.*, a.b, false", "a, a.>, false",
        "a.b, a.b.c, false", "a.b.c, a.*, false", "b.c, a.>, false", "*.b, a.*, false", ">, a.>, false",
        "a.b, >, true", "*, *, true", "a.>, *.>, true",
    })
    void isSubsetOf(String sub, String of, boolean expected) {
        assertThat(Subjects.isSubsetOf(sub, of)).isEqualTo(expected);
    }

    @Test
    void subjectsNullIsInvalid() {
        assertThat(Subjects.isValidSubscribeSubject(null)).isFalse();
        assertThat(Subjects.isValidPublishSubject(null)).isFalse();
        assertThat(Subjects.isValidQueueName(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo", "foo.bar", "f*o", "foo>", "foo.b*r", ">foo", "foo.*bar", "$SYS.x", "a.b.c.d.e"})
    void subjectsLiteralIsAValidPublishSubject(String subject) {
        assertThat(Subjects.isValidPublishSubject(subject)).isTrue();
        assertThat(Subjects.hasWildcard(subject)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", ">", "foo.*", "foo.>", "*.foo", "foo.*.bar", "*.*"})
    void subjectsWildcardIsNoPublishSubject(String subject) {
        assertThat(Subjects.isValidSubscribeSubject(subject)).isTrue();
        assertThat(Subjects.isValidPublishSubject(subject)).isFalse();
        assertThat(Subjects.hasWildcard(subject)).isTrue();
    }

    @Test
    void subjectsQueueNameRules() {
        assertThat(Subjects.isValidQueueName("workers")).isTrue();
        assertThat(Subjects.isValidQueueName("q.1")).isTrue();
        assertThat(Subjects.isValidQueueName("")).isFalse();
        assertThat(Subjects.isValidQueueName("a b")).isFalse();
        assertThat(Subjects.isValidQueueName("a\tb")).isFalse();
    }

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
            "foo, foo, true",
            "foo, bar, false",
            "foo, foo.bar, false",
            "foo.bar, foo, false",
            "foo.bar, foo.bar, true",
            "foo.bar, foo.baz, false",
            "foo.bar, foo.barx, false",
            "foo.barx, foo.bar, false",
            "*, foo, true",
            "*, foo.bar, false",
            "foo.*, foo.bar, true",
            "foo.*, foo, false",
            "foo.*, foo.bar.baz, false",
            "*.bar, foo.bar, true",
            "*.*, foo.bar, true",
            "*.*, foo, false",
            "foo.*.baz, foo.bar.baz, true",
            "foo.*.baz, foo.bar.bax, false",
            ">, foo, true",
            ">, foo.bar.baz, true",
            "foo.>, foo.bar, true",
            "foo.>, foo.bar.baz, true",
            "foo.>, foo, false",
            "foo.>, bar.baz, false",
            "*.>, foo.bar, true",
            "*.>, foo, false",
            "foo.*.>, foo.bar.baz, true",
            "foo.*.>, foo.bar, false",
            "f*o, foo, false",
            "f*o, f*o, true",
            "foo>, foo.bar, false",
            "foo>, foo>, true",
    })
    void subjectsMatchesFollowsTokenRules(String filter, String subject, boolean expected) {
        assertThat(Subjects.matches(filter, subject)).isEqualTo(expected);
        assertThat(referenceMatches(filter, subject)).as("the reference agrees").isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} ^ {1} = {2}")
    @CsvSource({
            "foo, foo, true",
            "foo, bar, false",
            "foo.*, foo.bar, true",
            "foo.*, *.bar, true",
            "foo.*, bar.*, false",
            "foo.>, foo, false",
            "foo.>, foo.bar.baz, true",
            "foo.>, *.*.baz, true",
            "foo.>, *, false",
            ">, foo, true",
            ">, *.*.*, true",
            "*.>, foo, false",
            "*.>, *, false",
            "*.>, *.*, true",
            "foo.*.baz, foo.bar.*, true",
            "foo.*.baz, foo.bar.bax, false",
            "foo.bar.>, foo.>, true",
            "foo.bar, foo.bar.baz, false",
            "*, *.*, false",
    })
    void subjectsIntersectIsSymmetricAndFollowsTokenRules(String a, String b, boolean expected) {
        assertThat(Subjects.intersect(a, b)).isEqualTo(expected);
        assertThat(Subjects.intersect(b, a)).isEqualTo(expected);
    }

    @Test
    void subjectsMatchesAndIntersectAgreeWithBruteForceOnRandomSubjects() {
        long seed = Long.getLong("natrix.subjects.seed", 77L);
        Random random = new Random(seed);
        // Every literal of 1..5 tokens over {a, b, z}; 'z' never appears in the filters, so it stands for "any other
        // token", which makes the enumeration a complete witness search for filters over {a, b}.
        List<String> literals = literals(new String[] {"a", "b", "z"}, 5);
        for (int i = 0; i < 3000; i++) {
            String f = randomFilter(random);
            String g = randomFilter(random);
            boolean witness = false;
            for (String literal : literals) {
                boolean fm = Subjects.matches(f, literal);
                assertThat(fm).as("seed %d: matches(%s, %s)", seed, f, literal)
                        .isEqualTo(referenceMatches(f, literal));
                witness |= fm && Subjects.matches(g, literal);
            }
            assertThat(Subjects.intersect(f, g)).as("seed %d: intersect(%s, %s)", seed, f, g).isEqualTo(witness);
        }
    }

    /** A filter of 1..4 tokens over {a, b, *}, possibly ending in '>'. */
    static String randomFilter(Random random) {
        int tokens = 1 + random.nextInt(4);
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < tokens; t++) {
            if (t > 0) {
                sb.append('.');
            }
            if (t == tokens - 1 && random.nextInt(4) == 0) {
                sb.append('>');
            } else {
                sb.append(switch (random.nextInt(3)) {
                    case 0 -> "a";
                    case 1 -> "b";
                    default -> "*";
                });
            }
        }
        return sb.toString();
    }

    static List<String> literals(String[] alphabet, int maxTokens) {
        List<String> out = new ArrayList<>();
        List<String> level = List.of("");
        for (int n = 1; n <= maxTokens; n++) {
            List<String> next = new ArrayList<>();
            for (String prefix : level) {
                for (String token : alphabet) {
                    next.add(prefix.isEmpty() ? token : prefix + "." + token);
                }
            }
            out.addAll(next);
            level = next;
        }
        return out;
    }

    /** Token-by-token matching, written as plainly as possible to serve as the reference. */
    static boolean referenceMatches(String filter, String subject) {
        String[] f = filter.split("\\.", -1);
        String[] s = subject.split("\\.", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals(">")) {
                return s.length > i;
            }
            if (i >= s.length || !(f[i].equals("*") || f[i].equals(s[i]))) {
                return false;
            }
        }
        return f.length == s.length;
    }
}
