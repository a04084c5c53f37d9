package io.natrix.server.jetstream;

import static io.natrix.server.jetstream.JsTests.bytes;
import static io.natrix.server.jetstream.JsTests.connect;
import static io.natrix.server.jetstream.JsTests.jetStreamServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON fuzz of the JetStream API (the reliability plan's C4): thousands of requests to every API subject, their
 * bodies valid requests with values swapped for hostile ones (negative, huge and fractional numbers, wrong types,
 * names with {@code . * > / ..}, control characters, deep nesting), fields dropped or added, or bytes flipped and
 * cut; the object names in the subjects hostile too. Every request is answered; every answer is JSON, an error
 * with nats-server's shape (code, err_code, description) or a result; none is the general error that stands for
 * an unexpected exception inside the server; and afterwards JetStream serves a normal client as before.
 *
 * <p>The seed is fixed so that the suite is repeatable; another one is set with {@code -Dnatrix.fuzz.seed} (it is
 * printed).
 */
class JsApiFuzzTest {
    private static final int REQUESTS = 2000;
    private static final Duration ANSWER = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** nats-server's JSStreamGeneralErrorF: what an unexpected exception in an API handler turns into. */
    private static final int GENERAL_ERROR = 10051;

    private static final String STREAM_CONFIG = "{\"name\":\"S\",\"subjects\":[\"s.>\"],\"retention\":\"limits\","
            + "\"max_consumers\":-1,\"max_msgs\":-1,\"max_bytes\":-1,\"max_age\":0,\"max_msgs_per_subject\":-1,"
            + "\"max_msg_size\":-1,\"discard\":\"old\",\"storage\":\"file\",\"num_replicas\":1,"
            + "\"duplicate_window\":120000000000,\"sealed\":false,\"deny_delete\":false,\"deny_purge\":false,"
            + "\"allow_rollup_hdrs\":true,\"allow_direct\":true,\"mirror_direct\":false,"
            + "\"subject_transform\":{\"src\":\"s.>\",\"dest\":\"s.>\"},"
            + "\"republish\":{\"src\":\"s.>\",\"dest\":\"r.>\"},"
            + "\"sources\":[{\"name\":\"O\",\"opt_start_seq\":1,\"filter_subject\":\"o.>\"}],"
            + "\"metadata\":{\"a\":\"b\"},\"allow_msg_ttl\":true,\"first_seq\":1,\"compression\":\"none\"}";
    private static final String CONSUMER_CONFIG = "{\"durable_name\":\"C\",\"name\":\"C\",\"deliver_policy\":\"all\","
            + "\"ack_policy\":\"explicit\",\"ack_wait\":30000000000,\"max_deliver\":-1,\"filter_subject\":\"s.a\","
            + "\"replay_policy\":\"instant\",\"max_ack_pending\":1000,\"max_waiting\":512,\"headers_only\":false,"
            + "\"backoff\":[1000000000],\"inactive_threshold\":5000000000,\"metadata\":{\"x\":\"y\"},"
            + "\"opt_start_seq\":0,\"sample_freq\":\"\",\"num_replicas\":0,\"mem_storage\":false}";

    /** An API subject after {@code $JS.API.} ({@code %s}, {@code %c}: stream, consumer) and a valid body. */
    private record Call(String subject, String body) {
    }

    private static final List<Call> CALLS = List.of(
            new Call("INFO", ""),
            new Call("STREAM.CREATE.%s", STREAM_CONFIG),
            new Call("STREAM.UPDATE.%s", STREAM_CONFIG),
            new Call("STREAM.INFO.%s", "{\"deleted_details\":true,\"subjects_filter\":\">\",\"offset\":0}"),
            new Call("STREAM.DELETE.%s", ""),
            new Call("STREAM.PURGE.%s", "{\"filter\":\"s.a\",\"keep\":5,\"seq\":3}"),
            new Call("STREAM.NAMES", "{\"offset\":0,\"subject\":\"s.>\"}"),
            new Call("STREAM.LIST", "{\"offset\":0,\"subject\":\"s.>\"}"),
            new Call("STREAM.MSG.GET.%s", "{\"seq\":1,\"last_by_subj\":\"s.a\",\"next_by_subj\":\"s.>\"}"),
            new Call("STREAM.MSG.DELETE.%s", "{\"seq\":2,\"no_erase\":true}"),
            new Call("STREAM.SNAPSHOT.%s", "{\"deliver_subject\":\"snap.x\",\"no_consumers\":false,"
                    + "\"chunk_size\":1024,\"jsck\":false}"),
            new Call("STREAM.RESTORE.%s", "{\"config\":" + STREAM_CONFIG + ",\"state\":{\"messages\":0,\"bytes\":0,"
                    + "\"first_seq\":1,\"last_seq\":0,\"consumer_count\":0}}"),
            new Call("DIRECT.GET.%s", "{\"seq\":1,\"batch\":3,\"multi_last\":[\"s.a\"],\"up_to_seq\":5,"
                    + "\"next_by_subj\":\"s.>\"}"),
            new Call("DIRECT.GET.%s.s.a", ""),
            new Call("CONSUMER.CREATE.%s", "{\"stream_name\":\"S\",\"config\":" + CONSUMER_CONFIG + "}"),
            new Call("CONSUMER.CREATE.%s.%c", "{\"stream_name\":\"S\",\"config\":" + CONSUMER_CONFIG
                    + ",\"action\":\"create\"}"),
            new Call("CONSUMER.CREATE.%s.%c.s.a", "{\"stream_name\":\"S\",\"config\":" + CONSUMER_CONFIG + "}"),
            new Call("CONSUMER.DURABLE.CREATE.%s.%c", "{\"stream_name\":\"S\",\"config\":" + CONSUMER_CONFIG + "}"),
            new Call("CONSUMER.INFO.%s.%c", ""),
            new Call("CONSUMER.DELETE.%s.%c", ""),
            new Call("CONSUMER.NAMES.%s", "{\"offset\":0}"),
            new Call("CONSUMER.LIST.%s", "{\"offset\":0}"),
            new Call("CONSUMER.PAUSE.%s.%c", "{\"pause_until\":\"2030-01-01T00:00:00Z\"}"),
            new Call("CONSUMER.UNPIN.%s.%c", "{\"group\":\"g\"}"));

    private static final String[] NAMES = {"S", "S", "S", "X", "", "*", ">", "..", "a/b", "a\\b", "S\u0000",
            "\u00e9t\u00e9", "n".repeat(300), "S.T", " "};
    private static final String[] CONSUMERS = {"C", "C", "C", "D", "", "*", ">", "..", "a/b", "c".repeat(300)};
    private static final String[] HOSTILE_STRINGS = {"", " ", "a.*.>", ">", "*", "..", "../../etc", "/tmp/x",
            "s.>", "\u0000", "\r\n", "x y", "$JS.API.>", "_INBOX.>", "\u00ff\u00fe", "9999-99-99T99:99:99Z",
            "2030-01-01T00:00:00Z", "-1", "1e9", "file", "memory", "limits", "interest", "workqueue", "all",
            "explicit", "none", "new", "old", "s2", "\"", "\\"};
    private static final String[] HOSTILE_NUMBERS = {"-1", "0", "1", "-9223372036854775808", "9223372036854775807",
            "18446744073709551615", "18446744073709551616", "1e9", "1e30", "-1e30", "0.5", "-0.0", "1E+400"};

    @TempDir
    Path dir;

    @Test
    void everyMutatedApiRequestGetsAWellFormedAnswerAndJetStreamCarriesOn() throws Exception {
        long seed = Long.getLong("natrix.fuzz.seed", 20261126L);
        System.out.println("JsApiFuzzTest seed " + seed);
        Random random = new Random(seed);
        try (TestServer server = jetStreamServer(dir); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            for (int i = 0; i < REQUESTS; i++) {
                if (i % 200 == 0) {
                    restock(nc, jsm);
                }
                Call call = CALLS.get(random.nextInt(CALLS.size()));
                String subject = "$JS.API." + call.subject()
                        .replace("%s", random.nextInt(4) == 0 ? pick(random, NAMES) : "S")
                        .replace("%c", random.nextInt(4) == 0 ? pick(random, CONSUMERS) : "C");
                byte[] body = body(call.body(), random);
                String what = "seed " + seed + ", request " + i + ": " + subject + " "
                        + new String(body, StandardCharsets.UTF_8);
                // A request by hand, so that a status answer (503: no responders) is seen rather than turned into null.
                String inbox = nc.createInbox();
                Subscription replies = nc.subscribe(inbox);
                try {
                    nc.publish(subject, inbox, body);
                } catch (IllegalArgumentException badSubject) {
                    replies.unsubscribe();
                    continue; // jnats refuses to send it (whitespace in the subject): nothing reaches the server
                }
                Message answer = replies.nextMessage(ANSWER);
                replies.unsubscribe();
                if (answer == null) {
                    fail("no answer within %s; %s", ANSWER, what);
                }
                check(answer, subject, what);
            }
            // JetStream serves as before.
            restock(nc, jsm);
            assertThat(jsm.getStreamInfo("S").getStreamState().getMsgCount()).isPositive();
            assertThat(jsm.getAccountStatistics().getStreams()).isPositive();
        }
    }

    @Test
    void namesAFileSystemCannotHoldAreRefusedWithNatsServersErrors() throws Exception {
        // Found by the fuzz above: a NUL in a file stream's or a durable consumer's name cannot name a directory.
        try (TestServer server = jetStreamServer(dir); Connection nc = connect(server)) {
            JsonNode stream = request(nc, "$JS.API.STREAM.CREATE.F\u0000", "{\"name\":\"F\\u0000\"}");
            assertThat(stream.at("/error/code").asInt()).isEqualTo(500);
            assertThat(stream.at("/error/err_code").asInt()).isEqualTo(10049);
            JsonNode memory = request(nc, "$JS.API.STREAM.CREATE.M\u0000",
                    "{\"name\":\"M\\u0000\",\"storage\":\"memory\"}");
            assertThat(memory.at("/error/err_code").asInt()).as("%s", memory).isEqualTo(10049);

            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("S").subjects("s.>")
                    .storageType(StorageType.File).build());
            JsonNode consumer = request(nc, "$JS.API.CONSUMER.CREATE.S.C\u0000",
                    "{\"stream_name\":\"S\",\"config\":{\"durable_name\":\"C\\u0000\",\"ack_policy\":\"explicit\"}}");
            assertThat(consumer.at("/error/code").asInt()).as("%s", consumer).isEqualTo(500);
            assertThat(consumer.at("/error/err_code").asInt()).isEqualTo(10104);
            assertThat(nc.jetStreamManagement().getConsumerNames("S")).isEmpty();
        }
    }

    private static JsonNode request(Connection nc, String subject, String body) throws Exception {
        Message m = nc.request(subject, bytes(body), ANSWER);
        assertThat(m).as("an answer to %s", subject).isNotNull();
        return JSON.readTree(m.getData());
    }

    /** Starts the next stretch of requests from a known state: only the stream S, with a few messages and C. */
    private static void restock(Connection nc, JetStreamManagement jsm) throws Exception {
        for (String name : jsm.getStreamNames()) {
            jsm.deleteStream(name);
        }
        jsm.addStream(StreamConfiguration.builder().name("S").subjects("s.>").storageType(StorageType.File)
                .allowDirect(true).allowRollup(true).build());
        for (int i = 0; i < 5; i++) {
            nc.jetStream().publish("s." + (char) ('a' + i), bytes("m" + i));
        }
        jsm.addOrUpdateConsumer("S", ConsumerConfiguration.builder().durable("C").filterSubject("s.a").build());
    }

    private static void check(Message answer, String subject, String what) throws Exception {
        if (subject.startsWith("$JS.API.DIRECT.GET.") && (answer.hasHeaders() || answer.isStatusMessage())) {
            // A direct get answers with the message itself or a status (404, 408, 413) in the headers; nobody
            // answers (503) when the stream is gone or does not allow direct gets, as with nats-server.
            return;
        }
        assertThat(answer.isStatusMessage()).as("an API answer, not a status (%s); %s",
                answer.isStatusMessage() ? answer.getStatus() : null, what).isFalse();
        JsonNode json;
        try {
            json = JSON.readTree(answer.getData());
        } catch (Exception e) {
            fail("the answer is not JSON (%s); %s", new String(answer.getData(), StandardCharsets.UTF_8), what);
            return;
        }
        assertThat(json.isObject()).as("a JSON object; %s", what).isTrue();
        JsonNode error = json.get("error");
        if (error != null) {
            assertThat(error.path("code").isInt()).as("error code; %s -> %s", what, json).isTrue();
            assertThat(error.path("code").asInt()).as("%s -> %s", what, json).isBetween(400, 599);
            assertThat(error.path("err_code").asInt()).as("err_code; %s -> %s", what, json).isPositive()
                    .isNotEqualTo(GENERAL_ERROR);
            assertThat(error.path("description").asText()).as("description; %s -> %s", what, json).isNotBlank();
        } else if (!subject.startsWith("$JS.API.DIRECT.GET.")) {
            assertThat(json.path("type").asText()).as("a result's type; %s -> %s", what, json)
                    .startsWith("io.nats.jetstream.api.v1.");
        }
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    /** A hostile variant of {@code valid}: values swapped, fields dropped or added, or its bytes damaged. */
    private static byte[] body(String valid, Random random) throws Exception {
        int kind = random.nextInt(10);
        if (valid.isEmpty() || kind == 0) {
            return bytes(pick(random, new String[] {"", "{}", "[]", "null", "{", "}", "\"x\"", "1", "{\"a\":",
                    "[" .repeat(2000), "{\"offset\":" + "9".repeat(400) + "}", valid}));
        }
        if (kind <= 2) {
            byte[] b = bytes(valid);
            for (int m = 1 + random.nextInt(3); m > 0 && b.length > 0; m--) {
                int at = random.nextInt(b.length);
                if (random.nextBoolean()) {
                    b[at] = (byte) random.nextInt(256);
                } else {
                    b = java.util.Arrays.copyOf(b, at);
                }
            }
            return b;
        }
        JsonNode tree = JSON.readTree(valid);
        for (int m = 1 + random.nextInt(3); m > 0; m--) {
            mutate(tree, random);
        }
        return JSON.writeValueAsBytes(tree);
    }

    /** Replaces, drops or adds one value somewhere in {@code node}. */
    private static void mutate(JsonNode node, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collect(node, containers);
        JsonNode target = containers.get(random.nextInt(containers.size()));
        if (target instanceof ObjectNode o) {
            List<String> fields = new ArrayList<>();
            o.fieldNames().forEachRemaining(fields::add);
            int what = random.nextInt(8);
            if (fields.isEmpty() || what == 0) {
                o.set(random.nextBoolean() ? "unknown_field" : pick(random, new String[] {"name", "config",
                        "subjects", "seq", "batch", "filter_subjects", "mirror", "pedantic"}), hostile(random));
            } else if (what == 1) {
                o.remove(fields.get(random.nextInt(fields.size())));
            } else {
                o.set(fields.get(random.nextInt(fields.size())), hostile(random));
            }
        } else if (target instanceof ArrayNode a) {
            if (a.isEmpty() || random.nextBoolean()) {
                a.add(hostile(random));
            } else {
                a.set(random.nextInt(a.size()), hostile(random));
            }
        }
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                collect(it.next(), containers);
            }
        }
    }

    private static JsonNode hostile(Random random) {
        return switch (random.nextInt(8)) {
            case 0, 1 -> NODES.textNode(pick(random, HOSTILE_STRINGS));
            case 2, 3 -> {
                try {
                    yield JSON.readTree(pick(random, HOSTILE_NUMBERS));
                } catch (Exception e) {
                    yield NODES.numberNode(-1);
                }
            }
            case 4 -> random.nextBoolean() ? NODES.booleanNode(true) : NODES.nullNode();
            case 5 -> NODES.arrayNode().add(pick(random, HOSTILE_STRINGS)).add(-1);
            case 6 -> NODES.objectNode().put("a", 1).set("name", NODES.textNode(".."));
            default -> {
                ArrayNode deep = NODES.arrayNode();
                ArrayNode at = deep;
                for (int i = 0; i < 200; i++) {
                    ArrayNode next = NODES.arrayNode();
                    at.add(next);
                    at = next;
                }
                yield random.nextBoolean() ? deep : NODES.textNode("x".repeat(20_000));
            }
        };
    }
}
