package io.natrix.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every rule of {@link ConsumerConfigs} with the error nats-server returns for it. */
class ConsumerConfigsTest {
    private static final StreamConfig ORDERS = stream(StreamConfig.builder("ORDERS").subjects("orders.>"));
    private static final StreamConfig JOBS = stream(StreamConfig.builder("JOBS").subjects("jobs.>")
            .retention(RetentionPolicy.WORK_QUEUE));
    private static final long SECOND = 1_000_000_000L;
    private static final Instant T = Instant.parse("2024-01-02T03:04:05Z");

    private static StreamConfig stream(StreamConfig.Builder b) {
        try {
            return StreamConfigs.checkCreate(b.build(), false, JsServerLimits.NONE, JsAccountLimits.UNLIMITED,
                    StreamConfigs.Lookup.NONE);
        } catch (JsApiException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ConsumerConfig.Builder pull() {
        return ConsumerConfig.builder().durableName("C").ackPolicy(AckPolicy.EXPLICIT);
    }

    private static ConsumerConfig.Builder push() {
        return ConsumerConfig.builder().durableName("C").deliverSubject("deliver.c");
    }

    private static ConsumerConfig check(ConsumerConfig.Builder b) throws JsApiException {
        return ConsumerConfigs.checkAndDefault(b.build(), ORDERS, false, JsServerLimits.NONE,
                JsAccountLimits.UNLIMITED);
    }

    private static void assertRefused(ConsumerConfig.Builder b, StreamConfig stream, boolean pedantic,
            JsServerLimits server, JsAccountLimits account, int errCode, String description) {
        assertThatThrownBy(() -> ConsumerConfigs.checkAndDefault(b.build(), stream, pedantic, server, account))
                .isInstanceOfSatisfying(JsApiException.class, e -> {
                    assertThat(e.error().errCode()).isEqualTo(errCode);
                    assertThat(e.error().description()).isEqualTo(description);
                });
    }

    private static void assertRefused(ConsumerConfig.Builder b, int errCode, String description) {
        assertRefused(b, ORDERS, false, JsServerLimits.NONE, JsAccountLimits.UNLIMITED, errCode, description);
    }

    @Test
    void consumerDefaultsAreNatsServers() throws JsApiException {
        ConsumerConfig pull = check(pull());
        assertThat(pull.maxDeliver()).isEqualTo(-1);
        assertThat(pull.maxWaiting()).isEqualTo(512);
        assertThat(pull.ackWaitNanos()).isEqualTo(30 * SECOND);
        assertThat(pull.maxAckPending()).isEqualTo(1000);
        assertThat(pull.inactiveThresholdNanos()).isZero();
        assertThat(pull.metadata()).isEqualTo(Map.of(JsVersioning.REQUIRED_LEVEL_KEY, "0"));

        ConsumerConfig push = check(push().durableName("").ackPolicy(AckPolicy.NONE));
        assertThat(push.maxWaiting()).isZero();
        assertThat(push.ackWaitNanos()).isZero();
        assertThat(push.maxAckPending()).isZero();
        assertThat(push.inactiveThresholdNanos()).isEqualTo(5 * SECOND);

        ConsumerConfig all = check(push().ackPolicy(AckPolicy.ALL).backoffNanos(List.of(SECOND, 2 * SECOND)));
        assertThat(all.ackWaitNanos()).isEqualTo(SECOND);
        assertThat(all.maxAckPending()).isEqualTo(1000);

        ConsumerConfig pinned = check(pull().priorityPolicy(PriorityPolicy.PINNED_CLIENT).priorityGroups("g"));
        assertThat(pinned.priorityTimeoutNanos()).isEqualTo(120 * SECOND);
        assertThat(pinned.metadata()).containsEntry(JsVersioning.REQUIRED_LEVEL_KEY, "1");
    }

    @Test
    void consumerDefaultsFollowLimits() throws JsApiException {
        StreamConfig limited = ORDERS.toBuilder()
                .consumerLimits(new StreamConfig.ConsumerLimits(60 * SECOND, 50)).build();
        ConsumerConfig fromStream = ConsumerConfigs.checkAndDefault(pull().build(), limited, false,
                JsServerLimits.NONE, JsAccountLimits.UNLIMITED);
        assertThat(fromStream.maxAckPending()).isEqualTo(50);
        assertThat(fromStream.inactiveThresholdNanos()).isEqualTo(60 * SECOND);

        JsServerLimits server = new JsServerLimits(100, 300, 0, 0);
        ConsumerConfig fromServer = ConsumerConfigs.checkAndDefault(pull().build(), ORDERS, false, server,
                JsAccountLimits.UNLIMITED);
        assertThat(fromServer.maxAckPending()).isEqualTo(300);
        assertThat(fromServer.maxBatch()).isEqualTo(100);

        JsAccountLimits account = new JsAccountLimits(-1, -1, -1, -1, 200, -1, -1, false);
        assertThat(ConsumerConfigs.checkAndDefault(pull().build(), ORDERS, false, server, account).maxAckPending())
                .isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource({"max_deliver,-5,-1,max_deliver must be set to -1",
            "max_waiting,-1,512,max_waiting must not be negative",
            "max_ack_pending,-5,-1,max_ack_pending must be set to -1",
            "max_batch,-1,0,max_batch must not be negative",
            "max_expires,-1,0,max_expires must not be negative",
            "max_bytes,-1,0,max_bytes must not be negative",
            "inactive_threshold,-1,0,inactive_threshold must not be negative"})
    void consumerNegativeLimitsBecomeDefaultsOrPedanticErrors(String field, long value, long defaulted,
            String pedantic) throws JsApiException {
        UnaryOperator<ConsumerConfig.Builder> set = switch (field) {
            case "max_deliver" -> b -> b.maxDeliver(value);
            case "max_waiting" -> b -> b.maxWaiting(value);
            case "max_ack_pending" -> b -> b.maxAckPending(value);
            case "max_batch" -> b -> b.maxBatch(value);
            case "max_expires" -> b -> b.maxExpiresNanos(value);
            case "max_bytes" -> b -> b.maxBytes(value);
            default -> b -> b.inactiveThresholdNanos(value);
        };
        String json = JsJson.writeString(check(set.apply(pull())));
        if (defaulted == 0) {
            assertThat(json).doesNotContain("\"" + field + "\"");
        } else {
            assertThat(json).contains("\"" + field + "\":" + defaulted);
        }
        assertRefused(set.apply(pull()), ORDERS, true, JsServerLimits.NONE, JsAccountLimits.UNLIMITED, 10157,
                "pedantic mode: " + pedantic);
    }

    @Test
    void consumerPedanticModeRefusesAdjustments() {
        assertRefused(push().idleHeartbeatNanos(-1), ORDERS, true, JsServerLimits.NONE, JsAccountLimits.UNLIMITED,
                10157, "pedantic mode: idle_heartbeat must not be negative");
        assertRefused(pull().priorityTimeoutNanos(-1), ORDERS, true, JsServerLimits.NONE, JsAccountLimits.UNLIMITED,
                10157, "pedantic mode: priority_timeout must not be negative");
        assertRefused(pull().backoffNanos(List.of(SECOND)), ORDERS, true, JsServerLimits.NONE,
                JsAccountLimits.UNLIMITED, 10157, "pedantic mode: first backoff value has to equal batch AckWait");
        StreamConfig limited = ORDERS.toBuilder()
                .consumerLimits(new StreamConfig.ConsumerLimits(60 * SECOND, 50)).build();
        assertRefused(pull().maxAckPending(0), limited, true, JsServerLimits.NONE, JsAccountLimits.UNLIMITED,
                10157, "pedantic mode: max_ack_pending must be set if it's configured in stream limits");
        assertRefused(pull().maxAckPending(10), limited, true, JsServerLimits.NONE, JsAccountLimits.UNLIMITED,
                10157, "pedantic mode: inactive_threshold must be set if it's configured in stream limits");
        assertRefused(pull(), ORDERS, true, new JsServerLimits(10, 0, 0, 0), JsAccountLimits.UNLIMITED, 10157,
                "pedantic mode: max_request_batch must be set if it's JetStream limits are set");
    }

    @Test
    void consumerNamesAndReplicas() {
        assertRefused(pull().numReplicas(3), 10074, "replicas > 1 not supported in non-clustered mode");
        assertRefused(pull().durableName("").name("a/b"), 10052,
                "consumer name can not contain '.', '*', '>', '\\', '/'");
        assertRefused(pull().durableName("a.b"), 10052,
                "consumer durable name can not contain '.', '*', '>', '\\', '/'");
        assertRefused(pull().numReplicas(-1), 10133, "replicas count cannot be negative");
        StreamConfig unreplicated = ORDERS.toBuilder().numReplicas(0).build();
        assertRefused(pull().numReplicas(1), unreplicated, false, JsServerLimits.NONE, JsAccountLimits.UNLIMITED,
                10126, "consumer config replica count exceeds parent stream");
        StreamConfig interestR3 = ORDERS.toBuilder().retention(RetentionPolicy.INTEREST).numReplicas(3).build();
        assertRefused(pull().numReplicas(1), interestR3, false, JsServerLimits.NONE, JsAccountLimits.UNLIMITED,
                10134, "consumer config replicas must match interest retention stream's replicas");
        assertRefused(pull().name("D"), 10132, "Consumer Durable and Name have to be equal if both are provided");
    }

    @Test
    void consumerAckWaitBackoffAndDescription() {
        assertRefused(pull().backoffNanos(List.of(SECOND, -1L)), 10184, "consumer backoff needs to be positive");
        assertRefused(pull().ackPolicy(AckPolicy.NONE).ackWaitNanos(-1), 10183,
                "consumer ack wait needs to be positive");
        assertRefused(pull().backoffNanos(List.of(SECOND, SECOND, SECOND)).maxDeliver(2), 10116,
                "max deliver is required to be > length of backoff values");
        assertRefused(pull().description("x".repeat(4097)), 10107,
                "consumer description is too long, maximum allowed is 4096");
    }

    @Test
    void consumerPushRules() {
        assertRefused(push().deliverSubject("d.*"), 10079, "consumer deliver subject has wildcards");
        assertRefused(push().deliverSubject("d..x"), 10112, "invalid push consumer deliver subject");
        assertRefused(push().deliverSubject("orders.loop"), 10081, "consumer deliver subject forms a cycle");
        assertRefused(push().maxWaiting(5), 10080, "consumer in push mode can not set max waiting");
        assertRefused(push().maxAckPending(5), 10082, "consumer requires ack policy for max ack pending");
        assertRefused(push().idleHeartbeatNanos(50_000_000), 10083, "consumer idle heartbeat needs to be >= 100ms");
        assertRefused(push().flowControl(true), 10108, "consumer with flow control also needs heartbeats");
        assertRefused(push().priorityPolicy(PriorityPolicy.OVERFLOW).priorityGroups("g"), 10178,
                "priority groups can not be used with push consumers");
        assertRefused(push().direct(true), 10091, "consumer direct requires an ephemeral consumer");
    }

    @Test
    void consumerPullRules() {
        assertRefused(pull().ackPolicy(AckPolicy.NONE), JOBS, false, JsServerLimits.NONE, JsAccountLimits.UNLIMITED,
                10084, "consumer in pull mode requires explicit ack policy on workqueue stream");
        assertRefused(pull().rateLimitBps(100), 10086, "consumer in pull mode can not have rate limit set");
        assertRefused(pull().idleHeartbeatNanos(SECOND), 10088,
                "consumer idle heartbeat requires a push based consumer");
        assertRefused(pull().flowControl(true), 10089, "consumer flow control requires a push based consumer");
        assertRefused(pull().maxExpiresNanos(999_999), 10115, "consumer max request expires needs to be >= 1ms");
        assertRefused(pull().maxBatch(11), ORDERS, false, new JsServerLimits(10, 0, 0, 0), JsAccountLimits.UNLIMITED,
                10125, "consumer max request batch exceeds server limit of 10");
        assertRefused(pull().direct(true), 10090, "consumer direct requires a push based consumer");
    }

    @Test
    void consumerLimitsOfServerAccountAndStream() {
        assertRefused(pull().maxAckPending(301), ORDERS, false, new JsServerLimits(0, 300, 0, 0),
                JsAccountLimits.UNLIMITED, 10121, "consumer max ack pending exceeds system limit of 300");
        assertRefused(pull().maxAckPending(201), ORDERS, false, JsServerLimits.NONE,
                new JsAccountLimits(-1, -1, -1, -1, 200, -1, -1, false), 10121,
                "consumer max ack pending exceeds system limit of 200");
        StreamConfig limited = ORDERS.toBuilder()
                .consumerLimits(new StreamConfig.ConsumerLimits(60 * SECOND, 50)).build();
        assertRefused(pull().maxAckPending(51), limited, false, JsServerLimits.NONE, JsAccountLimits.UNLIMITED,
                10121, "consumer max ack pending exceeds system limit of 50");
        assertRefused(pull().inactiveThresholdNanos(61 * SECOND), limited, false, JsServerLimits.NONE,
                JsAccountLimits.UNLIMITED, 10153, "consumer inactive threshold exceeds system limit of 1m0s");
    }

    @Test
    void consumerFilters() throws JsApiException {
        assertRefused(pull().filterSubject("a").filterSubjects("b"), 10136,
                "consumer cannot have both FilterSubject and FilterSubjects specified");
        assertRefused(pull().filterSubject("a..b"), 10052, "invalid subject");
        assertRefused(pull().filterSubjects("a", ""), 10139, "consumer filter in FilterSubjects cannot be empty");
        assertRefused(pull().filterSubjects("a", "b..c"), 10052, "invalid subject");
        assertRefused(pull().filterSubjects("orders.*", "orders.>"), 10138,
                "consumer subject filters cannot overlap");
        // 2.12 refuses only filters that are subsets of each other; these merely collide.
        assertThat(check(pull().filterSubjects("orders.*.eu", "orders.us.*")).filters())
                .containsExactly("orders.*.eu", "orders.us.*");
        // 2.10+ accept filters outside the stream's subjects.
        assertThat(check(pull().filterSubject("elsewhere")).filters()).containsExactly("elsewhere");
    }

    @Test
    void consumerDeliverPolicyAgainstStart() throws JsApiException {
        String also = "consumer delivery policy is deliver %s, but optional start %s is also set";
        String notSet = "consumer delivery policy is deliver %s, but optional %s is not set";
        for (DeliverPolicy p : List.of(DeliverPolicy.ALL, DeliverPolicy.LAST, DeliverPolicy.NEW,
                DeliverPolicy.LAST_PER_SUBJECT)) {
            String name = p == DeliverPolicy.LAST_PER_SUBJECT ? "last per subject" : p.json();
            assertRefused(pull().deliverPolicy(p).optStartSeq(3).filterSubject("orders.x"), 10094,
                    also.formatted(name, "sequence"));
            assertRefused(pull().deliverPolicy(p).optStartTime(T).filterSubject("orders.x"), 10094,
                    also.formatted(name, "time"));
        }
        assertRefused(pull().deliverPolicy(DeliverPolicy.LAST_PER_SUBJECT), 10094,
                notSet.formatted("last per subject", "filter subject"));
        assertRefused(pull().deliverPolicy(DeliverPolicy.BY_START_SEQUENCE), 10094,
                notSet.formatted("by start sequence", "start sequence"));
        assertRefused(pull().deliverPolicy(DeliverPolicy.BY_START_SEQUENCE).optStartSeq(1).optStartTime(T), 10094,
                also.formatted("by start sequence", "time"));
        assertRefused(pull().deliverPolicy(DeliverPolicy.BY_START_TIME), 10094,
                notSet.formatted("by start time", "start time"));
        assertRefused(pull().deliverPolicy(DeliverPolicy.BY_START_TIME).optStartTime(T).optStartSeq(1), 10094,
                also.formatted("by start time", "start sequence"));
        assertThat(check(pull().deliverPolicy(DeliverPolicy.BY_START_TIME).optStartTime(T)).optStartTime())
                .isEqualTo(T);
    }

    @Test
    void consumerSampleFrequency() throws JsApiException {
        String prefix = "failed to parse consumer sampling configuration: ";
        assertRefused(pull().sampleFreq("abc"), 10095, prefix + "strconv.Atoi: parsing \"abc\": invalid syntax");
        assertRefused(pull().sampleFreq("%"), 10095, prefix + "strconv.Atoi: parsing \"\": invalid syntax");
        assertRefused(pull().sampleFreq("-5%"), 10095, prefix + "<nil>");
        assertRefused(pull().sampleFreq("99999999999999999999"), 10095,
                prefix + "strconv.Atoi: parsing \"99999999999999999999\": value out of range");
        assertThat(check(pull().sampleFreq("50%")).sampleFreq()).isEqualTo("50%");
        assertThat(check(pull().sampleFreq("+7")).sampleFreq()).isEqualTo("+7");
    }

    @Test
    void consumerMetadataPriorityAndPlacement() {
        assertRefused(pull().metadata(Map.of("k", "v".repeat(128 * 1024))), 10135,
                "consumer metadata exceeds maximum size of 128KB");
        assertRefused(pull().priorityPolicy(PriorityPolicy.OVERFLOW), 10159,
                "Setting PriorityPolicy requires at least one PriorityGroup to be set");
        assertRefused(pull().priorityPolicy(PriorityPolicy.OVERFLOW).priorityGroups("a", ""), 10161,
                "Group name cannot be an empty string");
        assertRefused(pull().priorityPolicy(PriorityPolicy.OVERFLOW).priorityGroups("x".repeat(17)), 10162,
                "Valid priority group name must match A-Z, a-z, 0-9, -_/=)+ and may not exceed 16 characters");
        assertRefused(pull().priorityPolicy(PriorityPolicy.OVERFLOW).priorityGroups("a b"), 10162,
                "Valid priority group name must match A-Z, a-z, 0-9, -_/=)+ and may not exceed 16 characters");
        assertRefused(pull().priorityGroups("g"), 10196, "consumer can not have priority groups when policy is none");
        assertRefused(pull().priorityTimeoutNanos(SECOND), 10197,
                "PinnedTTL cannot be set when PriorityPolicy is none");
        StreamConfig preferred = ORDERS.toBuilder().placement(new StreamConfig.Placement("", List.of(), "s1"))
                .build();
        assertRefused(pull(), preferred, false, JsServerLimits.NONE, JsAccountLimits.UNLIMITED, 10052,
                "preferred server not permitted in placement");
    }

    @Test
    void consumerNewOnlyRules() throws JsApiException {
        ConsumerConfig ackAll = pull().ackPolicy(AckPolicy.ALL).build();
        assertThatThrownBy(() -> ConsumerConfigs.checkNew(ackAll, JOBS))
                .isInstanceOfSatisfying(JsApiException.class, e -> assertThat(e.error().errCode()).isEqualTo(10098));
        ConsumerConfig last = pull().deliverPolicy(DeliverPolicy.LAST).filterSubject("jobs.a").build();
        List<List<String>> asked = new ArrayList<>();
        assertThatThrownBy(() -> ConsumerConfigs.checkNew(last, JOBS, asked::add))
                .isInstanceOfSatisfying(JsApiException.class, e -> assertThat(e.error().errCode()).isEqualTo(10101));
        assertThat(asked).containsExactly(List.of("jobs.a"));
        // The other consumers' check comes before the deliver policy's.
        assertThatThrownBy(() -> ConsumerConfigs.checkNew(last, JOBS, filters -> {
            throw new JsApiException(JsErrors.get("JSConsumerWQConsumerNotUniqueErr"));
        })).isInstanceOfSatisfying(JsApiException.class, e -> assertThat(e.error().errCode()).isEqualTo(10100));
        ConsumerConfigs.checkNew(ackAll.toBuilder().direct(true).build(), JOBS);
        ConsumerConfigs.checkNew(ackAll, ORDERS);

        assertThatThrownBy(() -> ConsumerConfigs.checkNew(pull().durableName("x".repeat(256)).build(), ORDERS))
                .isInstanceOfSatisfying(JsApiException.class, e -> assertThat(e.error()).isEqualTo(
                        new JsApiError(400, 10102, "consumer name is too long, maximum allowed is 255")));
        assertThatThrownBy(() -> ConsumerConfigs.checkNew(pull().durableName("a b").build(), ORDERS))
                .isInstanceOfSatisfying(JsApiException.class, e -> assertThat(e.error().errCode()).isEqualTo(10103));
    }

    @Test
    void consumerUpdateRules() throws JsApiException {
        ConsumerConfig pull = check(pull());
        ConsumerConfig push = check(push().ackPolicy(AckPolicy.EXPLICIT).idleHeartbeatNanos(SECOND)
                .flowControl(true));
        ConsumerConfigs.checkUpdate(pull, pull);
        ConsumerConfigs.checkUpdate(pull, check(pull().description("new").maxDeliver(5).ackWaitNanos(SECOND)));
        assertUpdateRefused(pull, check(pull().deliverPolicy(DeliverPolicy.NEW)), "deliver policy can not be updated");
        assertUpdateRefused(pull, check(pull().deliverPolicy(DeliverPolicy.BY_START_SEQUENCE).optStartSeq(1)),
                "deliver policy can not be updated");
        ConsumerConfig bySeq = check(pull().deliverPolicy(DeliverPolicy.BY_START_SEQUENCE).optStartSeq(1));
        assertUpdateRefused(bySeq, bySeq.toBuilder().optStartSeq(2).build(), "start sequence can not be updated");
        ConsumerConfig byTime = check(pull().deliverPolicy(DeliverPolicy.BY_START_TIME).optStartTime(T));
        assertUpdateRefused(byTime, byTime.toBuilder().optStartTime(T.plusSeconds(1)).build(),
                "start time can not be updated");
        assertUpdateRefused(pull, check(pull().ackPolicy(AckPolicy.ALL)), "ack policy can not be updated");
        assertUpdateRefused(pull, check(pull().replayPolicy(ReplayPolicy.ORIGINAL)),
                "replay policy can not be updated");
        assertUpdateRefused(push, push.toBuilder().idleHeartbeatNanos(2 * SECOND).build(),
                "heart beats can not be updated");
        assertUpdateRefused(push, push.toBuilder().flowControl(false).build(), "flow control can not be updated");
        assertUpdateRefused(pull, pull.toBuilder().deliverSubject("d").maxWaiting(0).build(),
                "can not update pull consumer to push based");
        assertUpdateRefused(push, push.toBuilder().deliverSubject("").idleHeartbeatNanos(SECOND).build(),
                "can not update push consumer to pull based");
        assertUpdateRefused(pull, pull.toBuilder().maxWaiting(7).build(), "max waiting can not be updated");

        ConsumerConfig moved = push.toBuilder().deliverSubject("deliver.other").build();
        ConsumerConfigs.checkUpdate(push, moved);
        assertThatThrownBy(() -> ConsumerConfigs.checkUpdate(push, moved, true))
                .isInstanceOfSatisfying(JsApiException.class, e -> assertThat(e.error()).isEqualTo(
                        new JsApiError(400, 10013, "consumer name already in use")));
        assertThatThrownBy(() -> ConsumerConfigs.checkUpdate(pull,
                pull.toBuilder().backoffNanos(List.of(SECOND, SECOND)).maxDeliver(1).build()))
                .isInstanceOfSatisfying(JsApiException.class, e -> assertThat(e.error().errCode()).isEqualTo(10116));
    }

    private static void assertUpdateRefused(ConsumerConfig existing, ConsumerConfig next, String text) {
        assertThatThrownBy(() -> ConsumerConfigs.checkUpdate(existing, next))
                .isInstanceOfSatisfying(JsApiException.class,
                        e -> assertThat(e.error()).isEqualTo(new JsApiError(500, 10012, text)));
    }

    @Test
    void consumerCreateActionComparesWithoutVersioningMetadata() throws JsApiException {
        ConsumerConfig existing = check(pull()).toBuilder().metadata(Map.of("team", "a")).build();
        ConsumerConfig again = ConsumerConfigs.withDynamicMetadata(check(pull().metadata(Map.of("team", "a"))),
                "2.11.0");
        assertThat(ConsumerConfigs.sameForCreate(again, existing)).isTrue();
        assertThat(ConsumerConfigs.sameForCreate(check(pull().description("x")), existing)).isFalse();
        assertThat(ConsumerConfigs.withDynamicMetadata(existing, "2.11.0").metadata())
                .containsEntry(JsVersioning.SERVER_VERSION_KEY, "2.11.0")
                .containsEntry(JsVersioning.SERVER_LEVEL_KEY, "1");
        assertThat(ConsumerConfigs.requiredLevel(pull().pauseUntil(T).build())).isEqualTo(1);
        assertThat(ConsumerConfigs.requiredLevel(pull().pauseUntil(GoTime.ZERO).build())).isZero();
    }

    @Test
    void consumerCreateSubjectForms() throws JsApiException {
        ConsumerConfig named = request("{\"stream_name\":\"ORDERS\",\"config\":{\"filter_subject\":\"orders.eu\"}}")
                .checkSubject("$JS.API.CONSUMER.CREATE.ORDERS.C.orders.eu");
        assertThat(named.name()).isEqualTo("C");
        ConsumerConfig legacy = request("{\"stream_name\":\"ORDERS\",\"config\":{\"durable_name\":\"D\"}}")
                .checkSubject("$JS.API.CONSUMER.DURABLE.CREATE.ORDERS.D");
        assertThat(legacy.name()).isEmpty();
        assertSubjectRefused("{\"stream_name\":\"ORDERS\",\"config\":{\"filter_subjects\":[\"orders.eu\"]}}",
                "$JS.API.CONSUMER.CREATE.ORDERS.C.orders.eu", 10137);
        assertSubjectRefused("{\"stream_name\":\"ORDERS\",\"config\":{\"durable_name\":\"D\"}}",
                "$JS.API.CONSUMER.DURABLE.CREATE.ORDERS.D.X", 10016);
        assertSubjectRefused("{\"stream_name\":\"ORDERS\",\"config\":{\"num_replicas\":3}}",
                "$JS.API.CONSUMER.CREATE.ORDERS.C", 10074);
        assertThatThrownBy(() -> request("{}").checkSubject("$JS.API.CONSUMER"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static ConsumerApi.CreateConsumerRequest request(String json) throws JsApiException {
        return ConsumerApi.CreateConsumerRequest.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertSubjectRefused(String json, String subject, int errCode) {
        assertThatThrownBy(() -> request(json).checkSubject(subject))
                .isInstanceOfSatisfying(JsApiException.class, e -> assertThat(e.error().errCode()).isEqualTo(errCode));
    }
}
