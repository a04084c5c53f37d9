package io.natrix.server.subject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.config.ConfigException;
import io.natrix.server.config.ConfigParser;
import io.natrix.server.subject.SubjectMapping.Destination;
import io.natrix.server.subject.SubjectTransformException.Reason;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Weighted subject mappings and the {@code mappings} configuration block, after nats-server's accounts.go
 * (AddWeightedMappings, selectMappedSubject), opts.go (parseAccountMappings) and their tests in accounts_test.go.
 */
class SubjectMappingsTest {

    private static final int DRAWS = 100_000;

    // ---- weights ----------------------------------------------------------------------------------------------

    @Test
    void subjectMappingsWeightsSplitDrawsAndTheRestStaysUnchanged() {
        // nats-server's TestAccountMultiWeightedRouteMappings: 50 + 30, the missing 20 stays on the source.
        SubjectMapping m = SubjectMapping.of("foo", List.of(new Destination("bar", 50), new Destination("baz", 30)));
        Map<String, Integer> counts = draw(m, "foo");
        assertShare(counts, "bar", 50);
        assertShare(counts, "baz", 30);
        assertShare(counts, "foo", 20);
        assertThat(counts).containsOnlyKeys("foo", "bar", "baz");
    }

    @Test
    void subjectMappingsWeightedWildcardDestinationsTransform() {
        SubjectMapping m = SubjectMapping.of("foo.*",
                List.of(new Destination("bar.v1.$1", 40), new Destination("baz.v2.$1", 20)));
        Map<String, Integer> counts = draw(m, "foo.22");
        assertShare(counts, "bar.v1.22", 40);
        assertShare(counts, "baz.v2.22", 20);
        assertShare(counts, "foo.22", 40);
    }

    @Test
    void subjectMappingsDrawsGoToDestinationsByRunningTotalsOfAscendingWeights() {
        // Sorted by weight: the unchanged 20 takes draws 0..19, baz 30 takes 20..49, bar 50 takes 50..99.
        SubjectMapping m = SubjectMapping.of("foo", List.of(new Destination("bar", 50), new Destination("baz", 30)));
        assertThat(m.mapWithDraw("foo", 0, "")).isEqualTo("foo");
        assertThat(m.mapWithDraw("foo", 19, "")).isEqualTo("foo");
        assertThat(m.mapWithDraw("foo", 20, "")).isEqualTo("baz");
        assertThat(m.mapWithDraw("foo", 49, "")).isEqualTo("baz");
        assertThat(m.mapWithDraw("foo", 50, "")).isEqualTo("bar");
        assertThat(m.mapWithDraw("foo", 99, "")).isEqualTo("bar");
    }

    @Test
    void subjectMappingsSourceAsDestinationMeansTheRestIsDropped() {
        // nats-server's TestAccountRouteMappingsWithLossInjection.
        SubjectMapping lossy = SubjectMapping.of("foo", List.of(new Destination("foo", 80)));
        Map<String, Integer> counts = draw(lossy, "foo");
        assertShare(counts, "foo", 80);
        assertShare(counts, SubjectMapping.DROPPED, 20);

        SubjectMapping black = SubjectMapping.of("bar", List.of(new Destination("bar", 0)));
        assertThat(draw(black, "bar")).containsOnlyKeys(SubjectMapping.DROPPED);
    }

    @Test
    void subjectMappingsZeroWeightIsNeverChosen() {
        SubjectMapping m = SubjectMapping.of("foo", List.of(new Destination("bar", 0), new Destination("baz", 100)));
        assertThat(draw(m, "foo")).containsOnlyKeys("baz");
    }

    @Test
    void subjectMappingsClusterScopedDestinationsApplyOnlyInTheirCluster() {
        // nats-server's TestAccountRouteMappingsWithOriginClusterFilter.
        SubjectMapping m = SubjectMapping.of("foo", List.of(new Destination("bar", 100, "SYN")));
        assertThat(m.map("foo")).isEqualTo("foo");
        assertThat(m.map("foo", "OTHER")).isEqualTo("foo");
        assertThat(m.map("foo", "SYN")).isEqualTo("bar");

        SubjectMapping both = SubjectMapping.of("foo",
                List.of(new Destination("east", 100, "E"), new Destination("anywhere", 100)));
        assertThat(both.map("foo")).isEqualTo("anywhere");
        assertThat(both.map("foo", "E")).isEqualTo("east");
        assertThat(both.map("foo", "W")).isEqualTo("anywhere");
    }

    @Test
    void subjectMappingsWeightRulesAreNatsServers() {
        // nats-server's TestAccountMultiWeightedRouteMappings: shouldErr
        assertRefused(() -> SubjectMapping.of("foo", List.of(new Destination("bar", 150))),
                Reason.WEIGHT_OUT_OF_RANGE, "individual weights need to be <= 100");
        assertRefused(() -> SubjectMapping.of("foo", List.of(new Destination("bar", 50), new Destination("bar", 50))),
                Reason.DUPLICATE_DESTINATION, "duplicate entry for \"bar\"");
        assertRefused(() -> SubjectMapping.of("foo", List.of(new Destination("bar", 50), new Destination("baz", 60))),
                Reason.TOTAL_WEIGHT_TOO_LARGE, "total weight needs to be <= 100");
        // Totals count per cluster.
        assertThat(SubjectMapping.of("foo", List.of(new Destination("a", 100), new Destination("b", 100, "E"),
                new Destination("c", 100, "W")))).isNotNull();
        assertRefused(() -> SubjectMapping.of("foo", List.of(new Destination("a", 60, "E"),
                new Destination("b", 60, "E"))), Reason.TOTAL_WEIGHT_TOO_LARGE, "total weight needs to be <= 100");
        assertRefused(() -> SubjectMapping.of("foo bar", List.of(new Destination("a", 100))), Reason.BAD_SUBJECT,
                "invalid subject");
        assertRefused(() -> SubjectMapping.of("foo.*", List.of(new Destination("a.$2", 100))),
                Reason.INDEX_OUT_OF_RANGE, "invalid mapping destination: wildcard index out of range in $2: [2]");
    }

    @Test
    void subjectMappingMapGivesNullForOtherSubjects() {
        SubjectMapping m = SubjectMapping.of("foo.*", List.of(new Destination("bar.$1", 100)));
        assertThat(m.map("foo.x")).isEqualTo("bar.x");
        assertThat(m.map("foo")).isNull();
        assertThat(m.map("foo.x.y")).isNull();
        assertThat(SubjectMapping.of("foo", List.of(new Destination("bar", 100))).map("fo")).isNull();
    }

    // ---- a set of mappings ------------------------------------------------------------------------------------

    @Test
    void subjectMappingsLiteralSourcesWinThenWildcardsInOrder() {
        SubjectMappings ms = SubjectMappings.of(List.of(
                SubjectMapping.of("foo.*", List.of(new Destination("wild.$1", 100))),
                SubjectMapping.of("foo.>", List.of(new Destination("tail.>", 100))),
                SubjectMapping.of("foo.bar", List.of(new Destination("exact", 100)))));
        assertThat(ms.map("foo.bar")).isEqualTo("exact");
        assertThat(ms.map("foo.baz")).isEqualTo("wild.baz");
        assertThat(ms.map("foo.baz.qux")).isEqualTo("tail.baz.qux");
        assertThat(ms.map("other")).isEqualTo("other");
        assertThat(ms.map("foo..bar")).isEqualTo("foo..bar");
        assertThat(SubjectMappings.EMPTY.map("foo")).isEqualTo("foo");
        assertThat(SubjectMappings.EMPTY.isEmpty()).isTrue();
    }

    @Test
    void subjectMappingsLaterMappingOfTheSameSourceReplacesTheEarlier() {
        SubjectMappings ms = SubjectMappings.of(List.of(
                SubjectMapping.of("a", List.of(new Destination("one", 100))),
                SubjectMapping.of("b", List.of(new Destination("two", 100))),
                SubjectMapping.of("a", List.of(new Destination("three", 100)))));
        assertThat(ms.mappings()).extracting(SubjectMapping::source).containsExactly("a", "b");
        assertThat(ms.map("a")).isEqualTo("three");
    }

    @Test
    void subjectMappingsPartitionOfALiteralSourceHashesTheSubject() {
        SubjectMappings ms = SubjectMappings.fromConfig(
                ConfigParser.parse("mappings { foo.bar: \"baz.{{partition(10)}}\" }").get("mappings"), "mappings");
        assertThat(ms.map("foo.bar")).isEqualTo("baz.6");
    }

    @Test
    void subjectMappingsAcceptLeftAndRight() {
        // nats-server's ValidateMapping leaves left and right out of its list of known functions, so its account
        // mappings refuse them although its transforms (stream republish) run them; we take them everywhere.
        SubjectMappings ms = SubjectMappings.fromConfig(ConfigParser.parse("""
                mappings { "l.*": "{{left(1,2)}}", "r.*": "{{Right(1,2)}}" }
                """).get("mappings"), "mappings");
        assertThat(ms.map("l.abcd")).isEqualTo("ab");
        assertThat(ms.map("r.abcd")).isEqualTo("cd");
    }

    // ---- configuration ----------------------------------------------------------------------------------------

    @Test
    void subjectMappingsReadNatsServersConfigurationExample() {
        // nats-server's TestGlobalAccountRouteMappingsConfiguration.
        Map<String, Object> raw = ConfigParser.parse("""
                port: -1
                mappings = {
                    foo: bar
                    foo.*: [ { dest: bar.v1.$1, weight: 40% }, { destination: baz.v2.$1, weight: 20 } ]
                    bar.*.*: RAB.$2.$1
                }
                """);
        SubjectMappings ms = SubjectMappings.fromConfig(raw.get("mappings"), "mappings");
        assertThat(ms.mappings()).hasSize(3);
        assertThat(ms.map("foo")).isEqualTo("bar");
        assertThat(ms.map("bar.11.22")).isEqualTo("RAB.22.11");
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < DRAWS; i++) {
            counts.merge(ms.map("foo.22"), 1, Integer::sum);
        }
        assertShare(counts, "bar.v1.22", 40);
        assertShare(counts, "baz.v2.22", 20);
        assertShare(counts, "foo.22", 40);
    }

    @Test
    void subjectMappingsReadSingleMapsClustersAndWeightForms() {
        Map<String, Object> raw = ConfigParser.parse("""
                mappings {
                    foo: { dest: foo, weight: 80% }
                    bar: { DESTINATION: baz, Weight: "100", cluster: SYN }
                    qux: [ { dest: a, weight: "+50%" }, { dest: b, weight: 50 } ]
                }
                """);
        SubjectMappings ms = SubjectMappings.fromConfig(raw.get("mappings"), "mappings");
        assertThat(ms.mappings().get(0).destinations()).containsExactly(new Destination("foo", 80));
        assertThat(ms.mappings().get(1).destinations()).containsExactly(new Destination("baz", 100, "SYN"));
        assertThat(ms.mappings().get(2).destinations()).containsExactly(new Destination("a", 50),
                new Destination("b", 50));
        assertThat(ms.map("bar")).isEqualTo("bar");
        assertThat(ms.mappings().get(1).map("bar", "SYN")).isEqualTo("baz");
    }

    @Test
    void subjectMappingsConfigErrorsNameTheKeyAndLine() {
        assertConfigError("""
                mappings {
                  foo: { dest: bar, weight: 150% }
                }
                """, "<string>:2:", "mappings.foo.weight: invalid weight 150 for mapping destination");
        assertConfigError("""
                mappings {
                  foo: { dest: bar, weight: abc }
                }
                """, "<string>:2:", "mappings.foo.weight: invalid weight \"abc\" for mapping destination");
        assertConfigError("""
                mappings {
                  foo: { dest: bar, weight: 50.5 }
                }
                """, "<string>:2:", "mappings.foo.weight: expected a weight such as 50% or 50, got float 50.5");
        assertConfigError("""
                mappings {
                  foo: [ { dest: a, weight: 10 }, { dest: bar, weigth: 50 } ]
                }
                """, "<string>:2:", "mappings.foo[1]: unknown field \"weigth\" for mapping destination");
        assertConfigError("""
                mappings {
                  foo: { dest: bar }
                }
                """, "<string>:2:", "mappings.foo: missing weight for mapping destination \"bar\"");
        assertConfigError("""
                mappings {
                  foo: { weight: 10 }
                }
                """, "<string>:2:", "mappings.foo: missing destination");
        assertConfigError("""
                mappings {
                  foo: [ bar ]
                }
                """, "<string>:2:", "mappings.foo[0]: expected a destination subject or a map with destination and "
                + "weight, got string \"bar\"");
        assertConfigError("""
                mappings {
                  foo: 42
                }
                """, "<string>:2:", "mappings.foo: expected a destination subject or a map with destination and "
                + "weight, got integer 42");
        assertConfigError("""
                mappings {
                  "foo bar": baz
                }
                """, "<string>:2:", "mappings.foo bar: subject \"foo bar\" is not a valid subject");
        assertConfigError("""
                mappings {

                  "foo.*": "bar.{{nope(1)}}"
                }
                """, "<string>:3:", "mappings.foo.*: error adding mapping for \"foo.*\" to \"bar.{{nope(1)}}\": "
                + "invalid mapping destination: unknown function in {{nope(1)}}");
        assertConfigError("""
                mappings {
                  foo: [ { dest: a, weight: 60 }, { dest: b, weight: 60 } ]
                }
                """, "<string>:2:", "mappings.foo: error adding mapping for \"foo\": total weight needs to be <= 100");
        assertConfigError("""
                mappings {
                  foo: ""
                }
                """, "<string>:2:", "mappings.foo: error adding mapping for \"foo\" to \"\": invalid subject");
        assertConfigError("""
                mappings: [ foo ]
                """, "<config>", "mappings: expected a map of source subjects to destinations, got an array");
    }

    @Test
    void subjectMappingsConfigReportsEveryBadEntry() {
        Map<String, Object> raw = ConfigParser.parse("""
                mappings {
                  a: { dest: x, weight: 101 }
                  b: "$1"
                  c: ok
                }
                """);
        assertThatThrownBy(() -> SubjectMappings.fromConfig(raw.get("mappings"), "mappings"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.reason()).startsWith("mappings.a.weight:");
                    assertThat(e.getSuppressed()).hasSize(1);
                    assertThat(e.getSuppressed()[0].getMessage()).startsWith("<string>:3:")
                            .contains("mappings.b: error adding mapping for \"b\" to \"$1\"");
                });
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static Map<String, Integer> draw(SubjectMapping m, String subject) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < DRAWS; i++) {
            counts.merge(m.map(subject), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * The share of {@code key} is {@code percent} within 1.5 percentage points: over 100,000 draws the standard
     * deviation is at most 0.16 points, so this fails only on a real bias.
     */
    private static void assertShare(Map<String, Integer> counts, String key, int percent) {
        double share = 100.0 * counts.getOrDefault(key, 0) / DRAWS;
        assertThat(share).as("share of %s in %s", key, counts).isBetween(percent - 1.5, percent + 1.5);
    }

    private static void assertRefused(Runnable build, Reason reason, String message) {
        assertThatThrownBy(build::run).isInstanceOfSatisfying(SubjectTransformException.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e).hasMessage(message);
        });
    }

    private static void assertConfigError(String config, String place, String reason) {
        Map<String, Object> raw = ConfigParser.parse(config);
        assertThatThrownBy(() -> SubjectMappings.fromConfig(raw.get("mappings"), "mappings"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).startsWith(place);
                });
    }
}
