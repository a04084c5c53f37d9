package io.natrix.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Reply grants under allow_responses, on a clock the test moves by hand. */
class PermissionsReplyTrackerTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private PermissionsReplyTracker tracker(int max, Duration expires, int capacity) {
        return new PermissionsReplyTracker(new PermissionsPolicy.Responses(max, expires), capacity, now::get);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Nested
    class Grants {
        @Test
        void aGrantAllowsMaxResponsesThenIsGone() {
            PermissionsReplyTracker t = tracker(2, Duration.ofMinutes(1), 16);
            t.granted("inbox.1");
            assertThat(t.tryUse("inbox.1")).isTrue();
            assertThat(t.tryUse("inbox.1")).isTrue();
            assertThat(t.tryUse("inbox.1")).isFalse();
            assertThat(t.size()).isZero();
            assertThat(t.tryUse("inbox.1")).isFalse();
        }

        @Test
        void ungrantedSubjectsAreRefused() {
            PermissionsReplyTracker t = tracker(1, Duration.ofMinutes(1), 16);
            assertThat(t.tryUse("inbox.9")).isFalse();
            t.granted("inbox.1");
            assertThat(t.tryUse("inbox.2")).isFalse();
        }

        @Test
        void aGrantExpiresOnlyAfterItsTime() {
            PermissionsReplyTracker t = tracker(-1, Duration.ofSeconds(1), 16);
            t.granted("r");
            advance(Duration.ofSeconds(1));
            assertThat(t.tryUse("r")).isTrue(); // exactly at the limit is still in time, as in nats-server
            advance(Duration.ofNanos(1));
            assertThat(t.tryUse("r")).isFalse();
            assertThat(t.size()).isZero();
        }

        @Test
        void aNewDeliveryRestartsCountAndClock() {
            PermissionsReplyTracker t = tracker(1, Duration.ofSeconds(10), 16);
            t.granted("r");
            assertThat(t.tryUse("r")).isTrue();
            advance(Duration.ofSeconds(9));
            t.granted("r");
            advance(Duration.ofSeconds(9));
            assertThat(t.tryUse("r")).isTrue();
            assertThat(t.tryUse("r")).isFalse();
        }

        @Test
        void negativeLimitsNeverRunOut() {
            PermissionsReplyTracker t = tracker(-1, Duration.ofSeconds(-1), 16);
            t.granted("r");
            advance(Duration.ofDays(365 * 100));
            for (int i = 0; i < 1000; i++) {
                assertThat(t.tryUse("r")).isTrue();
            }
        }

        @Test
        void hugeExpiriesSaturate() {
            PermissionsReplyTracker t = tracker(1, Duration.ofSeconds(Long.MAX_VALUE), 16);
            t.granted("r");
            advance(Duration.ofDays(365 * 200));
            assertThat(t.tryUse("r")).isTrue();
        }

        @Test
        void capacityMustBePositive() {
            assertThatThrownBy(() -> tracker(1, Duration.ofSeconds(1), 0))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Bounds {
        @Test
        void usedUpAndExpiredGrantsGoFirst() {
            PermissionsReplyTracker t = tracker(1, Duration.ofSeconds(10), 8);
            for (int i = 0; i < 4; i++) {
                t.granted("used." + i);
                assertThat(t.tryUse("used." + i)).isTrue();
            }
            t.granted("old.0");
            t.granted("old.1");
            advance(Duration.ofSeconds(11));
            t.granted("live.0");
            t.granted("live.1");
            t.granted("live.2"); // the ninth grant: prune
            assertThat(t.size()).isEqualTo(3);
            assertThat(t.tryUse("live.0")).isTrue();
            assertThat(t.tryUse("live.2")).isTrue();
        }

        @Test
        void whenAllAreLiveTheOldestQuarterGoes() {
            PermissionsReplyTracker t = tracker(1, Duration.ofMinutes(2), 8);
            for (int i = 0; i < 9; i++) {
                t.granted("r." + i);
            }
            assertThat(t.size()).isEqualTo(6);
            assertThat(t.tryUse("r.0")).isFalse();
            assertThat(t.tryUse("r.2")).isFalse();
            assertThat(t.tryUse("r.3")).isTrue();
            assertThat(t.tryUse("r.8")).isTrue();
        }

        @Test
        void aFloodStaysBounded() {
            PermissionsReplyTracker t = tracker(1, Duration.ofMinutes(2), PermissionsReplyTracker.DEFAULT_CAPACITY);
            for (int i = 0; i < 100_000; i++) {
                t.granted("_INBOX." + i);
                assertThat(t.size()).isLessThanOrEqualTo(PermissionsReplyTracker.DEFAULT_CAPACITY);
            }
            assertThat(t.tryUse("_INBOX.99999")).isTrue();
        }

        @Test
        void grantsFromManyThreadsAndUsesFromOneStayConsistent() throws Exception {
            PermissionsReplyTracker t = tracker(1, Duration.ofMinutes(2), 256);
            int threads = 4;
            CountDownLatch start = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> granters = new ArrayList<>();
            for (int n = 0; n < threads; n++) {
                int id = n;
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < 20_000; i++) {
                            t.granted("r." + id + "." + i);
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                });
                thread.start();
                granters.add(thread);
            }
            start.countDown();
            int uses = 0;
            for (int i = 0; i < 20_000; i++) {
                if (t.tryUse("r.0." + i)) {
                    uses++;
                }
                assertThat(t.size()).isLessThanOrEqualTo(256);
            }
            for (Thread thread : granters) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(thread.isAlive()).isFalse();
            }
            assertThat(failure.get()).isNull();
            assertThat(uses).isLessThanOrEqualTo(20_000);
            t.granted("last");
            assertThat(t.tryUse("last")).isTrue();
        }
    }

    @Nested
    class Sessions {
        @Test
        void staticRulesFirstThenGrants() {
            // nats-server 2.9.10, user with allow_responses {max: 2, expires: "1s"} and publish allow ["ok"],
            // subscribed to "req", after requests with replies inbox.1 and inbox.2: PUB inbox.1 passed twice and
            // failed the third time; PUB inbox.9 failed; PUB ok passed; PUB inbox.2 1.2 s after its request
            // failed; a fresh request's inbox.3 passed.
            PermissionsPolicy policy = PermissionsPolicy.of(SubjectPermission.forPublish(List.of("ok"), List.of()),
                    null, new PermissionsPolicy.Responses(2, Duration.ofSeconds(1)));
            PermissionsSession s = new PermissionsSession(policy, now::get);
            assertThat(s.tracksReplies()).isTrue();
            s.replyDelivered("inbox.1");
            byte[] inbox2 = "MSG req 1 inbox.2 0".getBytes(StandardCharsets.US_ASCII);
            s.replyDelivered(inbox2, 10, 7);
            assertThat(s.canPublish("inbox.1")).isTrue();
            byte[] inbox1 = "inbox.1".getBytes(StandardCharsets.US_ASCII);
            assertThat(s.canPublish(inbox1, 0, inbox1.length)).isTrue();
            assertThat(s.canPublish("inbox.1")).isFalse();
            assertThat(s.canPublish("inbox.9")).isFalse();
            for (int i = 0; i < 5; i++) {
                assertThat(s.canPublish("ok")).isTrue(); // static permission: no grant involved
            }
            advance(Duration.ofMillis(1200));
            assertThat(s.canPublish("inbox.2")).isFalse();
            s.replyDelivered("inbox.3");
            assertThat(s.canPublish("inbox.3")).isTrue();
        }

        @Test
        void withoutResponsesNothingIsTracked() {
            PermissionsPolicy policy = PermissionsPolicy.of(SubjectPermission.forPublish(List.of("ok"), List.of()),
                    null, null);
            PermissionsSession s = new PermissionsSession(policy, now::get);
            assertThat(s.tracksReplies()).isFalse();
            s.replyDelivered("inbox.1");
            assertThat(s.canPublish("inbox.1")).isFalse();
            assertThat(s.canPublish("ok")).isTrue();
            assertThat(s.policy()).isSameAs(policy);
        }

        @Test
        void aStaticallyDeniedReplyIsStillAllowedByItsGrant() {
            // nats-server checks the grants whenever the static rules refuse, deny entries included.
            PermissionsPolicy policy = PermissionsPolicy.of(
                    SubjectPermission.forPublish(List.of(), List.of("_INBOX.>")), null,
                    PermissionsPolicy.Responses.DEFAULT);
            PermissionsSession s = new PermissionsSession(policy, now::get);
            s.replyDelivered("_INBOX.abc");
            assertThat(s.canPublish("_INBOX.abc")).isTrue();
            assertThat(s.canPublish("_INBOX.abc")).isFalse();
        }
    }
}
