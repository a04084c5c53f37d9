package io.natrix.server.auth;

import static io.natrix.server.auth.PermissionsPolicy.SubscribeDecision.ALLOWED;
import static io.natrix.server.auth.PermissionsPolicy.SubscribeDecision.DENIED;
import static io.natrix.server.auth.PermissionsPolicy.SubscribeDecision.FILTERED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.subject.LookupKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The permission rules one by one. Cases marked "nats-server 2.9.10" were run against that server on loopback (a
 * user with the same permissions sending SUB/PUB) and the outcome recorded here; where we deliberately differ the
 * comment says what 2.9.10 does and why we do not.
 */
class PermissionsPolicyTest {

    private static PermissionsPolicy publish(List<String> allow, List<String> deny) {
        return PermissionsPolicy.of(SubjectPermission.forPublish(allow, deny), null, null);
    }

    private static PermissionsPolicy subscribe(List<String> allow, List<String> deny) {
        return PermissionsPolicy.of(null, SubjectPermission.forSubscribe(allow, deny), null);
    }

    @Nested
    class Publishing {
        @Test
        void noPermissionsAllowEverything() {
            assertThat(PermissionsPolicy.UNRESTRICTED.canPublish("anything.at.all")).isTrue();
            assertThat(PermissionsPolicy.UNRESTRICTED.publishRestricted()).isFalse();
            assertThat(PermissionsPolicy.of(null, null, null)).isSameAs(PermissionsPolicy.UNRESTRICTED);
        }

        @Test
        void allowListRestrictsToItsSubjects() {
            PermissionsPolicy p = publish(List.of("foo.*", "bar.>", "baz"), List.of());
            assertThat(p.canPublish("foo.x")).isTrue();
            assertThat(p.canPublish("bar.x.y")).isTrue();
            assertThat(p.canPublish("baz")).isTrue();
            assertThat(p.canPublish("foo")).isFalse();
            assertThat(p.canPublish("foo.x.y")).isFalse();
            assertThat(p.canPublish("bar")).isFalse();
            assertThat(p.canPublish("other")).isFalse();
        }

        @Test
        void denyWinsOverAllow() {
            PermissionsPolicy p = publish(List.of(">"), List.of("secret.>", "*.private"));
            assertThat(p.canPublish("public")).isTrue();
            assertThat(p.canPublish("secret.x")).isFalse();
            assertThat(p.canPublish("secret")).isTrue(); // secret.> needs a token after "secret"
            assertThat(p.canPublish("a.private")).isFalse();
        }

        @Test
        void anEmptyAllowListDoesNotRestrict() {
            // nats-server 2.9.10: publish: [] and publish: {allow: []} both let the user publish anywhere.
            assertThat(publish(List.of(), List.of()).canPublish("anything")).isTrue();
            assertThat(publish(List.of(), List.of("x")).canPublish("anything")).isTrue();
        }

        @Test
        void allowResponsesTurnAnEmptyAllowListIntoNothing() {
            // nats-server 2.9.10: allow_responses: true alone, or with publish {deny: x}, refuses PUB anything.
            PermissionsPolicy alone = PermissionsPolicy.of(null, null, PermissionsPolicy.Responses.DEFAULT);
            assertThat(alone.canPublish("anything")).isFalse();
            PermissionsPolicy withDeny = PermissionsPolicy.of(SubjectPermission.forPublish(List.of(), List.of("x")),
                    null, PermissionsPolicy.Responses.DEFAULT);
            assertThat(withDeny.canPublish("anything")).isFalse();
            PermissionsPolicy withAllow = PermissionsPolicy.of(SubjectPermission.forPublish(List.of("ok"),
                    List.of()), null, PermissionsPolicy.Responses.DEFAULT);
            assertThat(withAllow.canPublish("ok")).isTrue();
            assertThat(withAllow.canPublish("other")).isFalse();
        }

        @Test
        void bytesAndStringsGiveTheSameAnswerAndRepeatsHitTheCache() {
            PermissionsPolicy p = publish(List.of("foo.*"), List.of("foo.bad"));
            LookupKey key = new LookupKey();
            byte[] line = "PUB foo.ok 5".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 3; i++) {
                assertThat(p.canPublish(line, 4, 6, key)).isTrue();
            }
            byte[] bad = "xxfoo.badxx".getBytes(StandardCharsets.UTF_8);
            assertThat(p.canPublish(bad, 2, 7, key)).isFalse();
            assertThat(p.canPublish("foo.bad")).isFalse();
        }

        @Test
        void unusualSubjectsAreReadAsNatsServerReadsThem() {
            // nats-server 2.9.10 (no pedantic mode): with publish deny ">", PUB foo..bar passes (a subject with an
            // empty token matches no entry) and PUB foo is refused. Wildcards in a published subject are plain
            // tokens: deny foo.* covers "foo.>" as a two-token subject.
            PermissionsPolicy denyAll = publish(List.of(), List.of(">"));
            assertThat(denyAll.canPublish("foo..bar")).isTrue();
            assertThat(denyAll.canPublish("foo")).isFalse();
            assertThat(publish(List.of(), List.of("foo.*")).canPublish("foo.>")).isFalse();
            assertThat(publish(List.of("foo.*"), List.of()).canPublish("foo..")).isFalse();
            assertThat(publish(List.of("foo.*"), List.of()).canPublish("")).isFalse();
            LookupKey key = new LookupKey();
            byte[] wild = "foo.*".getBytes(StandardCharsets.UTF_8);
            assertThat(publish(List.of("foo.*"), List.of()).canPublish(wild, 0, wild.length, key)).isTrue();
        }
    }

    @Nested
    class Subscribing {
        @Test
        void allowEntriesMustContainTheSubscription() {
            // nats-server 2.9.10 with subscribe allow ["foo.*"]: SUB foo.* and foo.bar pass, foo, * and > fail.
            PermissionsPolicy p = subscribe(List.of("foo.*"), List.of());
            assertThat(p.checkSubscribe("foo.*", null)).isEqualTo(ALLOWED);
            assertThat(p.checkSubscribe("foo.bar", null)).isEqualTo(ALLOWED);
            assertThat(p.checkSubscribe("foo.bar", "q")).isEqualTo(ALLOWED);
            assertThat(p.checkSubscribe("foo", null)).isEqualTo(DENIED);
            assertThat(p.checkSubscribe("*", null)).isEqualTo(DENIED);
            assertThat(p.checkSubscribe(">", null)).isEqualTo(DENIED);
        }

        @Test
        void aFullWildcardIsNotWithinASingleTokenWildcard() {
            // We differ from every nats-server here. nats-server 2.9.10 lets allow ["foo.*"] take SUB foo.> (and
            // SUB foo.> q), and allow ["*"] take SUB >, after which that user received "deep.sub.ject": the allow
            // list is never consulted at delivery. We refuse those subscriptions.
            assertThat(subscribe(List.of("foo.*"), List.of()).checkSubscribe("foo.>", null)).isEqualTo(DENIED);
            assertThat(subscribe(List.of("foo.*"), List.of()).checkSubscribe("foo.>", "q")).isEqualTo(DENIED);
            assertThat(subscribe(List.of("*"), List.of()).checkSubscribe(">", null)).isEqualTo(DENIED);
            assertThat(subscribe(List.of("bar.* q.*"), List.of()).checkSubscribe("bar.>", "q.x")).isEqualTo(DENIED);
            // Within is fine however deep: foo.> contains foo.*.> and foo.*.
            assertThat(subscribe(List.of("foo.>"), List.of()).checkSubscribe("foo.*.>", null)).isEqualTo(ALLOWED);
            assertThat(subscribe(List.of("*.*"), List.of()).checkSubscribe("foo.*", null)).isEqualTo(ALLOWED);
            assertThat(subscribe(List.of(">"), List.of()).checkSubscribe(">", null)).isEqualTo(ALLOWED);
        }

        @Test
        void queueQualifiedAllowEntriesBindTheQueue() {
            // nats-server 2.9.10 with allow ["foo", "foo q1"]: SUB foo and SUB foo q1 pass, SUB foo q2 fails.
            PermissionsPolicy both = subscribe(List.of("foo", "foo q1"), List.of());
            assertThat(both.checkSubscribe("foo", null)).isEqualTo(ALLOWED);
            assertThat(both.checkSubscribe("foo", "q1")).isEqualTo(ALLOWED);
            assertThat(both.checkSubscribe("foo", "q2")).isEqualTo(DENIED);
            // nats-server 2.9.10 with allow ["foo q1", "bar.* q.*"]: SUB foo fails, foo q1 passes, foo q2 fails,
            // bar.x q.y passes, bar.x q fails, bar.x q.y.z fails, bar.* q.* passes (the same text).
            PermissionsPolicy queues = subscribe(List.of("foo q1", "bar.* q.*"), List.of());
            assertThat(queues.checkSubscribe("foo", null)).isEqualTo(DENIED);
            assertThat(queues.checkSubscribe("foo", "q1")).isEqualTo(ALLOWED);
            assertThat(queues.checkSubscribe("foo", "q2")).isEqualTo(DENIED);
            assertThat(queues.checkSubscribe("bar.x", "q.y")).isEqualTo(ALLOWED);
            assertThat(queues.checkSubscribe("bar.x", "q")).isEqualTo(DENIED);
            assertThat(queues.checkSubscribe("bar.x", "q.y.z")).isEqualTo(DENIED);
            assertThat(queues.checkSubscribe("bar.*", "q.*")).isEqualTo(ALLOWED);
        }

        @Test
        void plainDenyCoveringTheSubscriptionRefusesIt() {
            // nats-server 2.9.10 with deny ["foo.*"]: SUB foo.> and SUB foo.* fail, SUB *.* passes (filtered).
            PermissionsPolicy p = subscribe(List.of(), List.of("foo.*"));
            assertThat(p.checkSubscribe("foo.>", null)).isEqualTo(DENIED);
            assertThat(p.checkSubscribe("foo.*", null)).isEqualTo(DENIED);
            assertThat(p.checkSubscribe("foo.x", "q")).isEqualTo(DENIED);
            assertThat(p.checkSubscribe("*.*", null)).isEqualTo(FILTERED);
            assertThat(p.checkSubscribe("bar.*", null)).isEqualTo(ALLOWED);
        }

        @Test
        void queueDeniesOnlyTheirQueue() {
            // nats-server 2.9.10 with allow [">"], deny ["*.bar", "admin.>", "> restricted", "q.* q1", "x.> w.*"]:
            // SUB q.x q1, q.> q1, q.* q1, x.y w.z, x.y w.*, abc restricted, foo.bar fail; SUB q.x q2, x.y w,
            // x.y w.> and foo.* pass.
            PermissionsPolicy p = subscribe(List.of(">"),
                    List.of("*.bar", "admin.>", "> restricted", "q.* q1", "x.> w.*"));
            assertThat(p.checkSubscribe("q.x", "q1")).isEqualTo(DENIED);
            assertThat(p.checkSubscribe("q.>", "q1")).isEqualTo(DENIED);
            assertThat(p.checkSubscribe("q.*", "q1")).isEqualTo(DENIED);
            assertThat(p.checkSubscribe("x.y", "w.z")).isEqualTo(DENIED);
            assertThat(p.checkSubscribe("x.y", "w.*")).isEqualTo(DENIED);
            assertThat(p.checkSubscribe("abc", "restricted")).isEqualTo(DENIED);
            assertThat(p.checkSubscribe("foo.bar", null)).isEqualTo(DENIED);
            assertThat(p.checkSubscribe("q.x", "q2")).isEqualTo(ALLOWED);
            assertThat(p.checkSubscribe("q.x", null)).isEqualTo(ALLOWED);
            assertThat(p.checkSubscribe("x.y", "w")).isEqualTo(ALLOWED);
            assertThat(p.checkSubscribe("x.y", "w.>")).isEqualTo(ALLOWED);
            assertThat(p.checkSubscribe("foo.*", null)).isEqualTo(FILTERED);
        }

        @Test
        void aQueueCannotSlipPastAPlainDeny() {
            // nats-server 2.9.10 allowed SUB admin.secret workers under the deny list above: the non-matching
            // queue deny "> restricted" overwrote the plain deny's verdict. Fixed in nats-server 2.14.0; refused here.
            PermissionsPolicy p = subscribe(List.of(">"), List.of("admin.>", "> restricted"));
            assertThat(p.checkSubscribe("admin.secret", "workers")).isEqualTo(DENIED);
            assertThat(p.checkSubscribe("admin.secret", null)).isEqualTo(DENIED);
        }

        @Test
        void theServersQueueGroupIsNeverAvailable() {
            // nats-server 2.9.10 refuses SUB foo _sys_ with "Permissions Violation" even without permissions.
            assertThat(PermissionsPolicy.UNRESTRICTED.checkSubscribe("foo", "_sys_")).isEqualTo(DENIED);
            assertThat(subscribe(List.of("foo _sys_"), List.of()).canSubscribe("foo", "_sys_")).isFalse();
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "foo..bar", "foo.", ".foo", "foo.>.bar", "foo bar", "foo\tbar"})
        void invalidSubjectsAreRefused(String subject) {
            assertThat(PermissionsPolicy.UNRESTRICTED.checkSubscribe(subject, null)).isEqualTo(DENIED);
            assertThat(subscribe(List.of(">"), List.of()).canSubscribe(subject, null)).isFalse();
        }
    }

    @Nested
    class Delivering {
        @Test
        void wildcardSubscriptionsOverlappingADenyAreFiltered() {
            // nats-server 2.9.10 with deny ["*.bar"] delivered foo.bar to a lone SUB foo.* (the overlap is no
            // subset, so its filter never switched on); fixed in nats-server 2.14.0. Filtered here.
            PermissionsPolicy p = subscribe(List.of(), List.of("*.bar"));
            assertThat(p.checkSubscribe("foo.*", null)).isEqualTo(FILTERED);
            assertThat(p.deliveryAllowed(null, "foo.bar")).isFalse();
            assertThat(p.deliveryAllowed(null, "foo.baz")).isTrue();
        }

        @Test
        void aFullWildcardSubscriptionIsFilteredByEveryDenyBelowIt() {
            // nats-server 2.9.10 with deny ["*.bar", "admin.>"]: SUB > received foo.baz but neither foo.bar,
            // admin.x nor x.bar.
            PermissionsPolicy p = subscribe(List.of(), List.of("*.bar", "admin.>"));
            assertThat(p.checkSubscribe(">", null)).isEqualTo(FILTERED);
            assertThat(p.deliveryAllowed(null, "foo.baz")).isTrue();
            assertThat(p.deliveryAllowed(null, "foo.bar")).isFalse();
            assertThat(p.deliveryAllowed(null, "admin.x")).isFalse();
            assertThat(p.deliveryAllowed(null, "x.bar")).isFalse();
        }

        @Test
        void queueDeniesFilterOnlyTheirQueue() {
            // nats-server 2.9.10 did not apply queue-qualified denies at delivery at all (SUB foo.* q1 received
            // foo.baz under deny "foo.baz q1"); current nats-server does, and so do we.
            PermissionsPolicy p = subscribe(List.of(), List.of("foo.baz q1", "foo.* q.*"));
            assertThat(p.checkSubscribe("foo.*", "q1")).isEqualTo(FILTERED);
            assertThat(p.deliveryAllowed("q1", "foo.baz")).isFalse();
            assertThat(p.deliveryAllowed("q1", "foo.bar")).isTrue();
            assertThat(p.checkSubscribe("foo.*", "q.a")).isEqualTo(DENIED); // covered with a matching queue
            assertThat(p.checkSubscribe("foo.*", null)).isEqualTo(ALLOWED); // no plain deny to filter by
            assertThat(p.checkSubscribe("foo.*", "q2")).isEqualTo(ALLOWED);
            assertThat(p.checkSubscribe(">", "q.b")).isEqualTo(FILTERED);
            assertThat(p.deliveryAllowed("q.b", "foo.x")).isFalse();
            assertThat(p.deliveryAllowed("q.b", "foo")).isTrue();
            LookupKey key = new LookupKey();
            byte[] subject = "foo.baz".getBytes(StandardCharsets.UTF_8);
            assertThat(p.deliveryAllowed("q1", subject, 0, subject.length, key)).isFalse();
            assertThat(p.deliveryAllowed("q9", subject, 0, subject.length, key)).isTrue();
        }

        @Test
        void literalSubscriptionsNeverNeedTheFilter() {
            PermissionsPolicy p = subscribe(List.of(), List.of("foo.bar", "foo.baz q"));
            assertThat(p.checkSubscribe("foo.qux", null)).isEqualTo(ALLOWED);
            assertThat(p.checkSubscribe("foo.baz", null)).isEqualTo(ALLOWED);
            assertThat(p.checkSubscribe("foo.baz", "other")).isEqualTo(ALLOWED);
            assertThat(p.checkSubscribe("foo.baz", "q")).isEqualTo(DENIED);
            assertThat(PermissionsPolicy.UNRESTRICTED.deliveryAllowed("q", "anything")).isTrue();
        }
    }

    @Nested
    class QueueNames {
        @ParameterizedTest
        @CsvSource({
            "q1, q1, true",
            "q1, q2, false",
            "q.a, q.*, true",
            "q.*, q.*, true",
            "q.>, q.*, false",
            "q.a.b, q.>, true",
            "q.>, q.>, true",
            "q, q.>, false",
            "x, *, true",
            "x.y, *, false",
            "anything.at.all, >, true",
            "q.*, q.a, false",
            "q1.a, q1.*, true",
            "'q..a', 'q.>', true", // empty tokens stop a match only where they are compared
            "'q..a', 'q.*.a', false",
        })
        void queueNamesMatchQualifiersTokenByToken(String queue, String qualifier, boolean matches) {
            assertThat(PermissionsPolicy.queueMatches(queue, qualifier)).isEqualTo(matches);
        }
    }

    @Nested
    class Entries {
        @Test
        void subscribeEntriesTakeAQueueAfterWhiteSpace() {
            SubjectPermission p = SubjectPermission.forSubscribe(List.of("foo.* q", " bar  q.* ", "baz\tq"),
                    List.of());
            assertThat(p.allowEntries()).extracting(SubjectPermission.Entry::subject)
                    .containsExactly("foo.*", "bar", "baz");
            assertThat(p.allowEntries()).extracting(SubjectPermission.Entry::queue).containsExactly("q", "q.*", "q");
            assertThat(p.allow()).containsExactly("foo.* q", " bar  q.* ", "baz\tq"); // as written
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            // Texts as nats-server 2.9.10 printed them at start-up (the last one as current nats-server does).
            "foo..bar|subject \"foo..bar\" is not a valid subject",
            "foo bar baz|subject \"foo bar baz\" is not a valid subject",
            "foo. bar|subject \"foo.\" is not a valid subject",
            "foo q..x|queue \"q..x\" is not a valid queue",
            "''|subject \"\" is not a valid subject",
            "'   '|subject \"   \" is not a valid subject",
            "foo.>.bar|subject \"foo.>.bar\" is not a valid subject",
        })
        void invalidSubscribeEntriesAreRefusedWithNatsServersWords(String entry, String message) {
            assertThatThrownBy(() -> SubjectPermission.forSubscribe(List.of(entry), List.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
            assertThatThrownBy(() -> SubjectPermission.forSubscribe(List.of(), List.of(entry)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        }

        @Test
        void publishEntriesTakeNoQueue() {
            // nats-server 2.9.10 accepted publish deny ["foo q"] and then never matched it: the deny denied
            // nothing. Current nats-server refuses the entry, as we do.
            assertThatThrownBy(() -> SubjectPermission.forPublish(List.of(), List.of("foo q")))
                    .hasMessage("subject \"foo q\" is not a valid subject");
            assertThatThrownBy(() -> SubjectPermission.forPublish(List.of("a..b"), List.of()))
                    .hasMessage("subject \"a..b\" is not a valid subject");
        }

        @Test
        void listsAndEntriesAreBounded() {
            List<String> many = java.util.Collections.nCopies(SubjectPermission.ENTRIES_MAX + 1, "a");
            assertThatThrownBy(() -> SubjectPermission.forPublish(many, List.of()))
                    .hasMessageContaining("at most " + SubjectPermission.ENTRIES_MAX);
            String huge = "a".repeat(SubjectPermission.ENTRY_LENGTH_MAX + 1);
            assertThatThrownBy(() -> SubjectPermission.forSubscribe(List.of(huge), List.of()))
                    .hasMessageContaining("longer than");
            assertThat(SubjectPermission.forPublish(java.util.Collections.nCopies(SubjectPermission.ENTRIES_MAX,
                    "a.b"), List.of()).allow()).hasSize(SubjectPermission.ENTRIES_MAX);
        }

        @Test
        void equalListsMakeEqualPolicies() {
            PermissionsPolicy a = publish(List.of("x"), List.of("y"));
            PermissionsPolicy b = publish(List.of("x"), List.of("y"));
            assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
            assertThat(a).isNotEqualTo(publish(List.of("x"), List.of()));
            assertThat(SubjectPermission.forPublish(List.of(), List.of())).isSameAs(SubjectPermission.NONE);
        }
    }

    @Nested
    class ResponseDefaults {
        @Test
        void zeroTakesNatsServersDefaultsAndNegativeMeansNoLimit() {
            PermissionsPolicy.Responses defaults = new PermissionsPolicy.Responses(0, Duration.ZERO);
            assertThat(defaults.maxMessages()).isEqualTo(1);
            assertThat(defaults.expires()).isEqualTo(Duration.ofMinutes(2));
            assertThat(defaults).isEqualTo(PermissionsPolicy.Responses.DEFAULT);
            PermissionsPolicy.Responses unlimited = new PermissionsPolicy.Responses(-5, Duration.ofSeconds(-1));
            assertThat(unlimited.limitsMessages()).isFalse();
            assertThat(unlimited.limitsTime()).isFalse();
            assertThat(unlimited.maxMessages()).isEqualTo(-1);
        }
    }
}
