package io.natrix.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Stream configuration checks: nats-server's defaults, and its exact error for each refusal. */
class StreamConfigsTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long MINUTE = 60 * SECOND;

    private final Map<String, StreamConfig> streams = new HashMap<>();
    private final StreamConfigs.Lookup lookup = streams::get;

    @Test
    void streamDefaultsAreNatsServers() throws JsApiException {
        StreamConfig c = check("{\"name\":\"ORDERS\"}");
        assertThat(c.subjects()).containsExactly("ORDERS");
        assertThat(c.storage()).isEqualTo(StorageType.FILE);
        assertThat(c.numReplicas()).isEqualTo(1);
        assertThat(c.maxMsgs()).isEqualTo(-1);
        assertThat(c.maxBytes()).isEqualTo(-1);
        assertThat(c.maxMsgsPerSubject()).isEqualTo(-1);
        assertThat(c.maxMsgSize()).isEqualTo(-1);
        assertThat(c.maxConsumers()).isEqualTo(-1);
        assertThat(c.maxAgeNanos()).isZero();
        assertThat(c.duplicateWindowNanos()).isEqualTo(2 * MINUTE);
        assertThat(c.retention()).isEqualTo(RetentionPolicy.LIMITS);
        assertThat(c.discard()).isEqualTo(DiscardPolicy.OLD);
        assertThat(c.compression()).isEqualTo(Compression.NONE);
        // What nats-server 2.9.10 answered for the same request (the config of stream_create_minimal.json).
        assertThat(JsJson.writeString(c.toBuilder().subjects("orders.>").name("ORDERS").build()))
                .startsWith("{\"name\":\"ORDERS\",\"subjects\":[\"orders.\\u003e\"],\"retention\":\"limits\","
                        + "\"max_consumers\":-1,\"max_msgs\":-1,\"max_bytes\":-1,\"max_age\":0,"
                        + "\"max_msgs_per_subject\":-1,\"max_msg_size\":-1,\"discard\":\"old\",\"storage\":\"file\","
                        + "\"num_replicas\":1,\"duplicate_window\":120000000000,");
    }

    @Test
    void streamDuplicateWindowFollowsAgeAndServerLimit() throws JsApiException {
        assertThat(check("{\"name\":\"A\",\"max_age\":60000000000}").duplicateWindowNanos()).isEqualTo(MINUTE);
        assertThat(check("{\"name\":\"A\",\"max_age\":600000000000}").duplicateWindowNanos()).isEqualTo(2 * MINUTE);
        JsServerLimits limit = new JsServerLimits(0, 0, 0, 30 * SECOND);
        assertThat(StreamConfigs.checkAndDefault(StreamConfig.builder("A").build(), false, limit,
                JsAccountLimits.UNLIMITED, lookup).duplicateWindowNanos()).isEqualTo(30 * SECOND);
        assertRefused(() -> StreamConfigs.checkAndDefault(StreamConfig.builder("A").build(), true, limit,
                JsAccountLimits.UNLIMITED, lookup), 400, 10157,
                "pedantic mode: duplicate window limits are higher than current limits");
        assertRefused(() -> StreamConfigs.checkAndDefault(StreamConfig.builder("A").duplicateWindowNanos(MINUTE)
                .build(), false, limit, JsAccountLimits.UNLIMITED, lookup), 500, 10052,
                "duplicates window can not be larger then server limit of 30s");
        assertRefused(() -> checkPedantic("{\"name\":\"A\",\"max_age\":60000000000}"), 400, 10157,
                "pedantic mode: duplicate window cannot be bigger than max age");
        // A mirror keeps what it is given.
        assertThat(check("{\"name\":\"M\",\"mirror\":{\"name\":\"O\"}}").duplicateWindowNanos()).isZero();
    }

    @Test
    void streamLimitsBelowMinusOneMeanUnlimitedOrArePedanticErrors() throws JsApiException {
        StreamConfig c = check("{\"name\":\"A\",\"max_msgs\":-5,\"max_bytes\":-2,\"max_msgs_per_subject\":-9,"
                + "\"max_msg_size\":-3,\"max_consumers\":-7}");
        assertThat(List.of(c.maxMsgs(), c.maxBytes(), c.maxMsgsPerSubject(), (long) c.maxMsgSize(), c.maxConsumers()))
                .containsOnly(-1L);
        assertRefused(() -> checkPedantic("{\"name\":\"A\",\"max_msgs\":-5}"), 400, 10157,
                "pedantic mode: max_msgs must be set to -1");
        assertRefused(() -> checkPedantic("{\"name\":\"A\",\"max_consumers\":-2}"), 400, 10157,
                "pedantic mode: max_consumers must be set to -1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"name":""}                                         | 500 | 10052 | stream name is required and can not contain '.', '*', '>', '\\', '/'
            {"name":"a.b"}                                      | 500 | 10052 | stream name is required and can not contain '.', '*', '>', '\\', '/'
            {"name":"a*"}                                       | 500 | 10052 | stream name is required and can not contain '.', '*', '>', '\\', '/'
            {"name":"a>"}                                       | 500 | 10052 | stream name is required and can not contain '.', '*', '>', '\\', '/'
            {"name":"a b"}                                      | 500 | 10052 | stream name is required and can not contain '.', '*', '>', '\\', '/'
            {"name":"a\\tb"}                                    | 500 | 10052 | stream name is required and can not contain '.', '*', '>', '\\', '/'
            {"name":"a/b"}                                      | 500 | 10052 | stream name is required and can not contain '.', '*', '>', '\\', '/'
            {"name":"..\\\\x"}                                  | 500 | 10052 | stream name is required and can not contain '.', '*', '>', '\\', '/'
            {"name":"A","num_replicas":6}                       | 500 | 10052 | maximum replicas is 5
            {"name":"A","num_replicas":1000000000000}           | 500 | 10052 | maximum replicas is 5
            {"name":"A","num_replicas":-1}                      | 400 | 10133 | replicas count cannot be negative
            {"name":"A","max_age":-1}                           | 500 | 10052 | max age can not be negative
            {"name":"A","max_age":99999999}                     | 500 | 10052 | max age needs to be >= 100ms
            {"name":"A","duplicate_window":-1}                  | 500 | 10052 | duplicates window can not be negative
            {"name":"A","duplicate_window":50000000}            | 500 | 10052 | duplicates window needs to be >= 100ms
            {"name":"A","max_age":1000000000,"duplicate_window":2000000000} | 500 | 10052 | duplicates window can not be larger then max age
            {"name":"A","deny_purge":true,"allow_rollup_hdrs":true} | 500 | 10052 | roll-ups require the purge permission
            {"name":"A","discard_new_per_subject":true}         | 500 | 10052 | discard new per subject requires discard new policy to be set
            {"name":"A","discard_new_per_subject":true,"discard":"new"} | 500 | 10052 | discard new per subject requires max msgs per subject > 0
            {"name":"A","subject_delete_marker_ttl":999999999}  | 500 | 10052 | subject delete marker TTL must be at least 1 second
            {"name":"A","subject_delete_marker_ttl":-1}         | 500 | 10052 | subject delete marker TTL must not be negative
            {"name":"A","subjects":["a..b"]}                    | 500 | 10052 | invalid subject
            {"name":"A","subjects":["a.>.b"]}                   | 500 | 10052 | invalid subject
            {"name":"A","subjects":["a","a"]}                   | 500 | 10052 | subject "a" overlaps with "a"
            {"name":"A","subjects":["a.*","a.b"]}               | 500 | 10052 | subject "a.*" overlaps with "a.b"
            {"name":"A","subjects":["a.b","a.>"]}               | 500 | 10052 | subject "a.b" overlaps with "a.>"
            {"name":"A","subjects":[">"]}                       | 500 | 10052 | capturing all subjects requires no-ack to be true
            {"name":"A","subjects":["$JS.API.>"]}               | 500 | 10052 | subjects that overlap with jetstream api require no-ack to be true
            {"name":"A","subjects":["$NRG.x"]}                  | 500 | 10052 | subjects that overlap with jetstream api require no-ack to be true
            {"name":"A","subjects":["$SYS.REQ.>"]}              | 500 | 10052 | subjects that overlap with system api require no-ack to be true
            {"name":"A","subjects":["*.>"]}                     | 500 | 10052 | subjects that overlap with jetstream api require no-ack to be true
            {"name":"A","mirror":{"name":"O"},"subjects":["x"]} | 400 | 10034 | stream mirrors can not contain subjects
            {"name":"A","mirror":{"name":"O"},"first_seq":5}    | 400 | 10143 | stream mirrors can not have first sequence configured
            {"name":"A","mirror":{"name":"O"},"sources":[{"name":"P"}]} | 400 | 10031 | stream mirrors can not also contain other sources
            {"name":"A","mirror":{"name":"O","filter_subject":"a","subject_transforms":[{"src":"b","dest":"c"}]}} | 400 | 10150 | mirror with multiple subject transforms cannot also have a single subject filter
            {"name":"A","mirror":{"name":"O"},"subject_delete_marker_ttl":1000000000} | 500 | 10052 | subject delete markers forbidden on mirrors
            {"name":"A","mirror":{"name":"O","subject_transforms":[{"src":"a..b","dest":"c"}]}} | 400 | 10151 | mirror transform source: invalid subject a..b
            {"name":"A","mirror":{"name":"O","subject_transforms":[{"src":"a.*","dest":"c.$2"}]}} | 400 | 10154 | mirror transform: invalid mapping destination: wildcard index out of range in $2: [2]
            {"name":"A","mirror":{"name":"O","subject_transforms":[{"src":"a.*","dest":"c.>.d"}]}} | 400 | 10154 | mirror transform: invalid mapping destination: invalid transform in d
            {"name":"A","mirror":{"name":"O","subject_transforms":[{"src":"a.*","dest":"c"},{"src":"a.b","dest":"d"}]}} | 400 | 10152 | mirror subject filters can not overlap
            {"name":"A","mirror":{"name":"a.b"}}                | 400 | 10142 | mirrored stream name is invalid
            {"name":"A","sources":[{"name":""}]}                | 400 | 10141 | sourced stream name is invalid
            {"name":"A","sources":[null]}                       | 400 | 10141 | sourced stream name is invalid
            {"name":"A","sources":[{"name":"S"},{"name":"S","filter_subject":">"}]} | 400 | 10140 | duplicate source configuration detected
            {"name":"A","sources":[{"name":"S","filter_subject":"a","subject_transforms":[{"src":"b","dest":"c"}]}]} | 400 | 10144 | source with multiple subject transforms cannot also have a single subject filter
            {"name":"A","sources":[{"name":"S","subject_transforms":[{"src":"a b","dest":"c"}]}]} | 400 | 10145 | source transform source: invalid subject a b
            {"name":"A","sources":[{"name":"S","subject_transforms":[{"src":"a","dest":"{{nope(1)}}"}]}]} | 400 | 10146 | source transform: invalid mapping destination: unknown function in {{nope(1)}}
            {"name":"A","sources":[{"name":"S","subject_transforms":[{"src":"a.>","dest":"x.>"},{"src":"a.b","dest":"y"}]}]} | 400 | 10147 | source filters can not overlap
            {"name":"A","sources":[{"name":"S","external":{"api":"$JS.h.API","deliver":"d.*"}}]} | 400 | 10024 | stream external delivery prefix d.* must not contain wildcards
            {"name":"A","sources":[{"name":"S","external":{"api":"$JS.API","deliver":""}}]} | 400 | 10021 | stream external api prefix $JS.API must not overlap with $JS.API
            {"name":"A","sources":[{"name":"S","external":{"api":"a.>","deliver":""}}]} | 500 | 10052 | stream external api prefix "a.>" must be a valid subject without wildcards
            {"name":"A","subject_transform":{"src":"a..b","dest":"x"}} | 400 | 10155 | stream transform source: invalid subject a..b
            {"name":"A","subject_transform":{"src":"a.*","dest":"x.$3"}} | 400 | 10156 | stream transform: invalid mapping destination: wildcard index out of range in $3: [3]
            {"name":"A","subjects":["a.>"],"republish":{"src":"a.>","dest":"a.b"}} | 500 | 10052 | stream configuration for republish destination forms a cycle
            {"name":"A","subjects":["a.>"],"republish":{"src":"a.*","dest":"b.$2"}} | 500 | 10052 | stream configuration for republish with transform from 'a.*' to 'b.$2' not valid
            {"name":"A","placement":{"preferred":"n1"}}         | 500 | 10052 | preferred server not permitted in placement
            """)
    void streamRefusalsCarryNatsServersError(String json, int code, int errCode, String description) {
        assertRefused(() -> check(json), code, errCode, description);
    }

    @Test
    void streamNameLengthsAreCountedInBytes() throws JsApiException {
        check("{\"name\":\"" + "a".repeat(255) + "\"}");
        assertRefused(() -> check("{\"name\":\"" + "a".repeat(256) + "\"}"), 500, 10052,
                "stream name is too long, maximum allowed is 255");
        assertRefused(() -> check("{\"name\":\"" + "\u00e9".repeat(128) + "\"}"), 500, 10052,
                "stream name is too long, maximum allowed is 255");
        assertRefused(() -> check("{\"name\":\"A\",\"description\":\"" + "d".repeat(4097) + "\"}"), 500, 10052,
                "stream description is too long, maximum allowed is 4096");
        assertRefused(() -> check("{\"name\":\"A\",\"metadata\":{\"k\":\"" + "v".repeat(128 * 1024) + "\"}}"), 500,
                10052, "stream metadata exceeds maximum size of 131072 bytes");
    }

    @Test
    void streamCaptureAllNeedsNoAckAndOneReplica() throws JsApiException {
        assertThat(check("{\"name\":\"A\",\"subjects\":[\">\"],\"no_ack\":true}").subjects()).containsExactly(">");
        assertRefused(() -> check("{\"name\":\"A\",\"subjects\":[\">\"],\"no_ack\":true,\"num_replicas\":3}"), 500,
                10052, "capturing all subjects requires replicas of 1");
        // $JS.EVENT.> and $SYS.ACCOUNT.> may be captured with acknowledgements.
        check("{\"name\":\"A\",\"subjects\":[\"$JS.EVENT.>\",\"$SYS.ACCOUNT.>\"]}");
    }

    @Test
    void streamSubjectDeleteMarkersTurnOnTtlsAndRollups() throws JsApiException {
        StreamConfig c = check("{\"name\":\"A\",\"subject_delete_marker_ttl\":1000000000,\"deny_purge\":true}");
        assertThat(c.allowMsgTtl()).isTrue();
        assertThat(c.allowRollupHdrs()).isTrue();
        assertThat(c.denyPurge()).isFalse();
        assertRefused(() -> checkPedantic("{\"name\":\"A\",\"subject_delete_marker_ttl\":1000000000}"), 500, 10052,
                "subject delete marker cannot be set if message TTLs are disabled");
        assertRefused(() -> checkPedantic("{\"name\":\"A\",\"subject_delete_marker_ttl\":1000000000,"
                + "\"allow_msg_ttl\":true}"), 500, 10052, "subject delete marker cannot be set if roll-ups are disabled");
    }

    @Test
    void streamRepublishDefaultsItsSourceAndFollowsTheTransform() throws JsApiException {
        assertThat(check("{\"name\":\"A\",\"subjects\":[\"a\"],\"republish\":{\"dest\":\"b.>\"}}").republish().src())
                .isEqualTo(">");
        // Without a '>' of its own the destination can not take the defaulted source.
        assertRefused(() -> check("{\"name\":\"A\",\"subjects\":[\"a\"],\"republish\":{\"dest\":\"b\"}}"), 500,
                10052, "stream configuration for republish with transform from '>' to 'b' not valid");
        assertRefused(() -> checkPedantic("{\"name\":\"A\",\"subjects\":[\"a\"],\"republish\":{\"dest\":\"b.>\"}}"),
                400, 10157, "pedantic mode: republish source can not be empty");
        String implicit = "{\"name\":\"A\",\"subjects\":[\"in\"],\"subject_transform\":{\"src\":\"in\","
                + "\"dest\":\"out\"},\"republish\":{\"src\":\">\",\"dest\":\">\"}}";
        assertThat(check(implicit).republish()).isEqualTo(new StreamConfig.RePublish("out", "out", false));
        assertRefused(() -> checkPedantic(implicit), 400, 10157,
                "pedantic mode: implicit republish based on subject transform");
        // As in nats-server, the transformed subjects must themselves make a valid transform.
        assertRefused(() -> check(implicit.replace("\"in\"", "\"in.*\"").replace("\"out\"", "\"out.$1\"")), 500, 10052,
                "stream configuration for republish with transform from 'out.$1' to 'out.$1' not valid");
    }

    @Test
    void streamEmptyPlacementIsDropped() throws JsApiException {
        assertThat(check("{\"name\":\"A\",\"placement\":{}}").placement()).isNull();
        assertThat(check("{\"name\":\"A\",\"placement\":{\"tags\":[\"ssd\"]}}").placement().tags())
                .containsExactly("ssd");
    }

    @Test
    void streamMirrorsAndSourcesAreCheckedAgainstTheirOrigins() throws JsApiException {
        streams.put("O", check("{\"name\":\"O\",\"subjects\":[\"o.>\"],\"max_msg_size\":1024,\"allow_direct\":true}"));
        StreamConfig mirror = check("{\"name\":\"M\",\"mirror\":{\"name\":\"O\"}}");
        assertThat(mirror.mirrorDirect()).isTrue();
        assertThat(mirror.subjects()).isEmpty();
        assertRefused(() -> checkPedantic("{\"name\":\"M\",\"mirror\":{\"name\":\"O\"}}"), 400, 10157,
                "pedantic mode: origin stream has direct get set, mirror has it disabled");
        assertRefused(() -> check("{\"name\":\"M\",\"max_msg_size\":512,\"mirror\":{\"name\":\"O\"}}"), 400, 10030,
                "stream mirror must have max message size >= source");
        assertRefused(() -> check("{\"name\":\"S\",\"max_msg_size\":512,\"sources\":[{\"name\":\"O\"}]}"), 400, 10046,
                "stream source must have max message size >= target");
        assertRefused(() -> check("{\"name\":\"S\",\"sources\":[{\"name\":\"O\",\"external\":{\"api\":\"$JS.h.API\","
                + "\"deliver\":\"o\"}},{\"name\":\"O\"}]}"), 400, 10022,
                "stream external delivery prefix o overlaps with stream subject o.>");
    }

    @Test
    void streamCyclesThroughSourcesAndMirrorsAreRefused() throws JsApiException {
        streams.put("B", check("{\"name\":\"B\",\"subjects\":[\"b\"],\"sources\":[{\"name\":\"A\"}]}"));
        assertRefused(() -> check("{\"name\":\"A\",\"subjects\":[\"a\"],\"sources\":[{\"name\":\"B\"}]}"), 500, 10052,
                "detected cycle");
        // When B takes from A only subjects B does not capture itself, nothing goes round.
        streams.put("B", check("{\"name\":\"B\",\"subjects\":[\"b\"],\"sources\":[{\"name\":\"A\",\"filter_subject\":\"a\"}]}"));
        check("{\"name\":\"A\",\"subjects\":[\"a\"],\"sources\":[{\"name\":\"B\"}]}");
        streams.put("M", check("{\"name\":\"M\",\"mirror\":{\"name\":\"C\"}}"));
        assertRefused(() -> check("{\"name\":\"C\",\"mirror\":{\"name\":\"M\"}}"), 500, 10052, "detected cycle");
    }

    @Test
    void streamAccountByteLimitsAreChecked() throws JsApiException {
        JsAccountLimits required = new JsAccountLimits(-1, -1, -1, -1, -1, -1, 1000, true);
        assertRefused(() -> StreamConfigs.checkAndDefault(StreamConfig.builder("A").build(), false,
                JsServerLimits.NONE, required, lookup), 400, 10113,
                "account requires a stream config to have max bytes set");
        assertRefused(() -> StreamConfigs.checkAndDefault(StreamConfig.builder("A").maxBytes(2000).build(), false,
                JsServerLimits.NONE, required, lookup), 400, 10122,
                "stream max bytes exceeds account limit max stream bytes");
        assertThat(StreamConfigs.checkAndDefault(StreamConfig.builder("A").maxBytes(1000).build(), false,
                JsServerLimits.NONE, required, lookup).maxBytes()).isEqualTo(1000);
        // The file ceiling does not bind memory streams.
        StreamConfigs.checkAndDefault(StreamConfig.builder("A").maxBytes(5000).storage(StorageType.MEMORY).build(),
                false, JsServerLimits.NONE, required, lookup);
    }

    @Test
    void streamCreateRefusesWhatOnlyCreateRefuses() throws JsApiException {
        assertRefused(() -> create("{\"name\":\"A/B\"}"), 400, 10128, "Stream name can not contain path separators");
        assertRefused(() -> create("{\"name\":\"A\\\\B\"}"), 400, 10128, "Stream name can not contain path separators");
        // A stream's directory can not be named with NUL: nats-server's mkdir fails, and so does this.
        assertRefused(() -> create("{\"name\":\"A\\u0000\"}"), 500, 10049,
                "stream directory for A\\x00: invalid argument (a file name can not hold NUL)");
        assertRefused(() -> create("{\"name\":\"A\\u0000\",\"storage\":\"memory\"}"), 500, 10049,
                "stream directory for A\\x00: invalid argument (a file name can not hold NUL)");
        assertRefused(() -> create("{\"name\":\"A\",\"sealed\":true}"), 500, 10052,
                "stream configuration for create can not be sealed");
        assertRefused(() -> create("{\"name\":\"A\",\"mirror_direct\":true}"), 500, 10052,
                "stream has no mirror but does have mirror direct");
        assertRefused(() -> create("{\"name\":\"A\",\"num_replicas\":3}"), 500, 10074,
                "replicas > 1 not supported in non-clustered mode");
        // The maximum is checked first, as in nats-server.
        assertRefused(() -> create("{\"name\":\"A\",\"num_replicas\":9}"), 500, 10052, "maximum replicas is 5");
        StreamConfig c = create("{\"name\":\"A\",\"allow_msg_ttl\":true,\"metadata\":{\"_nats.ver\":\"x\",\"k\":\"v\"}}");
        assertThat(c.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("k", "v", "_nats.req.level", "1"));
        assertThat(create("{\"name\":\"B\"}").metadata()).containsExactlyEntriesOf(Map.of("_nats.req.level", "0"));
    }

    @Test
    void streamUpdateKeepsWhatMayNotChange() throws JsApiException {
        StreamConfig old = create("{\"name\":\"A\",\"subjects\":[\"a\"],\"deny_delete\":true,\"allow_msg_ttl\":true}");
        String same = "\"name\":\"A\",\"subjects\":[\"a\"],\"deny_delete\":true,\"allow_msg_ttl\":true";
        assertThat(update(old, "{" + same + ",\"max_msgs\":10}").maxMsgs()).isEqualTo(10);
        assertRefused(() -> update(old, "{\"name\":\"B\",\"subjects\":[\"a\"],\"deny_delete\":true}"), 500, 10052,
                "stream configuration name must match original");
        assertRefused(() -> update(old, "{" + same + ",\"storage\":\"memory\"}"), 500, 10052,
                "stream configuration update can not change storage type");
        assertRefused(() -> update(old, "{" + same + ",\"retention\":\"workqueue\"}"), 500, 10052,
                "stream configuration update can not change retention policy to/from workqueue");
        assertThat(update(old, "{" + same + ",\"retention\":\"interest\"}").retention())
                .isEqualTo(RetentionPolicy.INTEREST);
        assertRefused(() -> update(old, "{\"name\":\"A\",\"subjects\":[\"a\"],\"allow_msg_ttl\":true}"), 500, 10052,
                "stream configuration update can not cancel deny message deletes");
        assertRefused(() -> update(old, "{\"name\":\"A\",\"subjects\":[\"a\"],\"deny_delete\":true}"), 500, 10052,
                "message TTL status can not be disabled");
        assertRefused(() -> update(old, "{" + same + ",\"num_replicas\":3}"), 500, 10074,
                "replicas > 1 not supported in non-clustered mode");
        assertRefused(() -> update(old, "{" + same + ",\"template_owner\":\"T\"}"), 500, 10052,
                "stream configuration update can not be owned by a template");

        StreamConfig purgeDenied = create("{\"name\":\"A\",\"deny_purge\":true}");
        assertRefused(() -> update(purgeDenied, "{\"name\":\"A\"}"), 500, 10052,
                "stream configuration update can not cancel deny purge");
    }

    @Test
    void streamUpdateSealingLocksTheStream() throws JsApiException {
        StreamConfig old = create("{\"name\":\"P\",\"subjects\":[\"p.>\"]}");
        // nats-server 2.9.10 answered this update with max_age 0, discard new, both denials, roll-ups off.
        StreamConfig sealed = update(old, "{\"name\":\"P\",\"subjects\":[\"p.>\"],\"sealed\":true,"
                + "\"max_age\":5000000000}");
        assertThat(sealed.maxAgeNanos()).isZero();
        assertThat(sealed.discard()).isEqualTo(DiscardPolicy.NEW);
        assertThat(sealed.denyDelete()).isTrue();
        assertThat(sealed.denyPurge()).isTrue();
        assertThat(sealed.allowRollupHdrs()).isFalse();
        assertThat(sealed.duplicateWindowNanos()).isEqualTo(5 * SECOND);
        assertRefused(() -> update(sealed, "{\"name\":\"P\",\"subjects\":[\"p.>\"],\"deny_delete\":true,"
                + "\"deny_purge\":true}"), 500, 10052, "stream configuration update can not unseal a sealed stream");
    }

    @Test
    void streamUpdateLeavesMirrorsAsTheyAreOrPromotesThem() throws JsApiException {
        StreamConfig old = create("{\"name\":\"M\",\"mirror\":{\"name\":\"O\"}}");
        assertRefused(() -> update(old, "{\"name\":\"M\",\"mirror\":{\"name\":\"P\"}}"), 400, 10055,
                "stream mirror configuration can not be updated");
        assertThat(update(old, "{\"name\":\"M\",\"mirror\":{\"name\":\"O\"}}").mirror()).isEqualTo(old.mirror());
        StreamConfig promoted = update(old, "{\"name\":\"M\",\"subjects\":[\"m\"]}");
        assertThat(promoted.mirror()).isNull();
    }

    @Test
    void streamSubjectsMayNotOverlapAnotherStreams() throws JsApiException {
        StreamConfig orders = check("{\"name\":\"O\",\"subjects\":[\"orders.>\"]}");
        StreamConfigs.checkNoOverlap(check("{\"name\":\"P\",\"subjects\":[\"payments.*\"]}"), List.of(orders));
        assertRefused(() -> StreamConfigs.checkNoOverlap(check("{\"name\":\"P\",\"subjects\":[\"orders.*\"]}"),
                List.of(orders)), 400, 10065, "subjects overlap with an existing stream");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ORDERS", "a-b_c", "\u00e9t\u00e9", "x"})
    void streamValidNamesPass(String name) {
        assertThat(StreamConfigs.isValidName(name)).isTrue();
    }

    @Test
    void streamVersioningMetadataIsNatsServers() {
        StreamConfig stored = JsVersioning.withStaticMetadata(StreamConfig.builder("A").build());
        StreamConfig shown = JsVersioning.withDynamicMetadata(stored, "2.11.0");
        assertThat(JsJson.writeString(shown)).contains(
                "\"metadata\":{\"_nats.level\":\"1\",\"_nats.req.level\":\"0\",\"_nats.ver\":\"2.11.0\"}");
        assertThat(JsVersioning.withStaticMetadata(shown).metadata()).containsOnlyKeys("_nats.req.level");
        assertThat(JsVersioning.supportsRequiredLevel(null)).isTrue();
        assertThat(JsVersioning.supportsRequiredLevel("1")).isTrue();
        assertThat(JsVersioning.supportsRequiredLevel("2")).isFalse();
        assertThat(JsVersioning.supportsRequiredLevel("x")).isFalse();
    }

    private StreamConfig check(String json) throws JsApiException {
        return StreamConfigs.checkAndDefault(parse(json), false, JsServerLimits.NONE, JsAccountLimits.UNLIMITED, lookup);
    }

    private StreamConfig checkPedantic(String json) throws JsApiException {
        return StreamConfigs.checkAndDefault(parse(json), true, JsServerLimits.NONE, JsAccountLimits.UNLIMITED, lookup);
    }

    private StreamConfig create(String json) throws JsApiException {
        return StreamConfigs.checkCreate(parse(json), false, JsServerLimits.NONE, JsAccountLimits.UNLIMITED, lookup);
    }

    private StreamConfig update(StreamConfig old, String json) throws JsApiException {
        return StreamConfigs.checkUpdate(old, parse(json), false, JsServerLimits.NONE, JsAccountLimits.UNLIMITED,
                lookup);
    }

    private static StreamConfig parse(String json) throws JsApiException {
        return StreamConfigRequest.parse(json.getBytes(StandardCharsets.UTF_8)).config();
    }

    private interface Check {
        void run() throws JsApiException;
    }

    private static void assertRefused(Check check, int code, int errCode, String description) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(JsApiException.class,
                e -> assertThat(e.error()).isEqualTo(new JsApiError(code, errCode, description)));
    }
}
