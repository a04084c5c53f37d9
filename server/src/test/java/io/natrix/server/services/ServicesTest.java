package io.natrix.server.services;

import static io.natrix.server.jetstream.JsTests.bytes;
import static io.natrix.server.jetstream.JsTests.connect;
import static io.natrix.server.jetstream.JsTests.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.nats.service.Discovery;
import io.nats.service.Endpoint;
import io.nats.service.EndpointStats;
import io.nats.service.Group;
import io.nats.service.InfoResponse;
import io.nats.service.PingResponse;
import io.nats.service.Service;
import io.nats.service.ServiceEndpoint;
import io.nats.service.ServiceMessage;
import io.nats.service.ServiceMessageHandler;
import io.nats.service.StatsResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * jnats' micro services framework ({@code io.nats.service}, ADR-32) against Natrix, unchanged. A service is plain core
 * messaging: endpoints are queue subscriptions answering requests, errors travel in the {@code Nats-Service-Error}
 * headers, and discovery ({@code $SRV.PING|INFO|STATS[.name[.id]]}) is a request answered by every instance. So these
 * tests prove request/reply, queue groups, headers and no-responders as the framework relies on them.
 */
class ServicesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final long DISCOVERY_MILLIS = 5000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Answers "echo:" and the request's text on {@code nc}, copying the request's {@code X-Trace} header back. */
    private static ServiceMessageHandler echo(Connection nc) {
        return m -> {
            Headers h = new Headers();
            if (m.hasHeaders() && m.getHeaders().containsKey("X-Trace")) {
                h.put("X-Trace", m.getHeaders().getFirst("X-Trace"));
            }
            m.respond(nc, ("echo:" + new String(m.getData(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8),
                    h);
        };
    }

    /**
     * Service "Calc" on {@code nc}: {@code add} (default queue group {@code q}), {@code math.mul} in a group with
     * endpoint metadata, {@code calc.v2.divide} in a nested group with its own queue group {@code divq} answering a
     * standard error, and {@code fail}, whose handler throws.
     */
    private static Service calc(Connection nc) {
        Group math = new Group("math");
        Group v2 = new Group("calc").appendGroup(new Group("v2"));
        return Service.builder().connection(nc).name("Calc").version("1.2.3").description("arithmetic")
                .metadata(Map.of("team", "numbers"))
                .addServiceEndpoint(ServiceEndpoint.builder().endpointName("add").handler(echo(nc)).build())
                .addServiceEndpoint(ServiceEndpoint.builder().group(math).endpointName("mul")
                        .endpointMetadata(Map.of("unit", "none")).handler(echo(nc)).build())
                .addServiceEndpoint(ServiceEndpoint.builder().group(v2)
                        .endpoint(Endpoint.builder().name("div").subject("divide").queueGroup("divq").build())
                        .handler(m -> m.respondStandardError(nc, "division by zero", 400)).build())
                .addServiceEndpoint(ServiceEndpoint.builder().endpointName("fail")
                        .handler(m -> {
                            throw new IllegalStateException("boom");
                        }).build())
                .build();
    }

    /**
     * Starts {@code service} and flushes its connection {@code nc}: the flush's PONG proves the server has every
     * subscription the service made.
     */
    private static Service started(Service service, Connection nc) throws Exception {
        service.startService();
        assertThat(service.isStarted(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        nc.flush(TIMEOUT);
        return service;
    }

    @Test
    void servicesEndpointsGroupsHeadersAndErrors() throws Exception {
        try (TestServer server = TestServer.start(); Connection svc = connect(server);
             Connection client = connect(server)) {
            Service service = started(calc(svc), svc);
            client.flush(TIMEOUT);

            Message added = client.request("add", bytes("1 2"), TIMEOUT);
            assertThat(text(added)).isEqualTo("echo:1 2");
            Headers h = new Headers().put("X-Trace", "t-1");
            Message mul = client.request(NatsMessage.builder().subject("math.mul").headers(h)
                    .data(bytes("3 4")).build(), TIMEOUT);
            assertThat(text(mul)).isEqualTo("echo:3 4");
            assertThat(mul.getHeaders().getFirst("X-Trace")).isEqualTo("t-1");

            // Errors go back in headers, with whatever body the handler gave (none for a standard error).
            Message div = client.request("calc.v2.divide", bytes("1 0"), TIMEOUT);
            assertThat(div.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR)).isEqualTo("division by zero");
            assertThat(div.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR_CODE)).isEqualTo("400");
            assertThat(div.getData()).isEmpty();
            Message failed = client.request("fail", bytes("x"), TIMEOUT);
            assertThat(failed.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR))
                    .isEqualTo("java.lang.IllegalStateException: boom");
            assertThat(failed.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR_CODE)).isEqualTo("500");

            // Stopped: its subscriptions are gone (the flush proves the server saw the UNSUBs), so a request meets no
            // responders at once.
            service.stop(false);
            svc.flush(TIMEOUT);
            long start = System.nanoTime();
            CompletableFuture<Message> none = client.requestWithTimeout("add", bytes("x"), Duration.ofSeconds(30));
            assertThatThrownBy(() -> none.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(CancellationException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
        }
    }

    @Test
    void servicesTwoInstancesShareTheLoadOfOneQueueGroup() throws Exception {
        int requests = 200;
        try (TestServer server = TestServer.start(); Connection a = connect(server); Connection b = connect(server);
             Connection client = connect(server)) {
            Service first = started(calc(a), a);
            Service second = started(calc(b), b);
            client.flush(TIMEOUT);
            for (int i = 0; i < requests; i++) {
                assertThat(text(client.request("add", bytes("n" + i), TIMEOUT))).isEqualTo("echo:n" + i);
            }
            long one = first.getEndpointStats("add").getNumRequests();
            long two = second.getEndpointStats("add").getNumRequests();
            assertThat(one + two).isEqualTo(requests);
            assertThat(one).isPositive();
            assertThat(two).isPositive();

            // The custom queue group is one group too: each request reaches exactly one of the two instances.
            for (int i = 0; i < 20; i++) {
                assertThat(client.request("calc.v2.divide", bytes("1 0"), TIMEOUT)).isNotNull();
            }
            assertThat(first.getEndpointStats("div").getNumRequests()
                    + second.getEndpointStats("div").getNumRequests()).isEqualTo(20);
            assertThat(first.getEndpointStats("div").getQueueGroup()).isEqualTo("divq");
            first.stop(false);
            second.stop(false);
        }
    }

    @Test
    void servicesDistinctQueueGroupsOnOneSubjectEachGetEveryRequest() throws Exception {
        try (TestServer server = TestServer.start(); Connection nc = connect(server);
             Connection client = connect(server)) {
            AtomicInteger left = new AtomicInteger();
            AtomicInteger right = new AtomicInteger();
            Service one = started(fanService(nc, "g1", left), nc);
            Service two = started(fanService(nc, "g2", right), nc);
            Service plain = started(Service.builder().connection(nc).name("Plain").version("0.0.1")
                    .addServiceEndpoint(ServiceEndpoint.builder()
                            .endpoint(Endpoint.builder().name("fan").noQueueGroup().build())
                            .handler(m -> m.respond(nc, "plain")).build())
                    .build(), nc);
            client.flush(TIMEOUT);

            // One request, three answers: one per queue group and one from the subscription without a group.
            Subscription inbox = client.subscribe("fan.replies");
            client.flush(TIMEOUT);
            client.publish("fan", "fan.replies", bytes("hi"));
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Message m = inbox.nextMessage(TIMEOUT);
                assertThat(m).isNotNull();
                answers.add(text(m));
            }
            assertThat(answers).containsExactlyInAnyOrder("g1", "g2", "plain");
            assertThat(left.get()).isEqualTo(1);
            assertThat(right.get()).isEqualTo(1);
            assertThat(plain.getEndpointStats("fan").getQueueGroup()).isNull();
            one.stop(false);
            two.stop(false);
            plain.stop(false);
        }
    }

    private static Service fanService(Connection nc, String queueGroup, AtomicInteger count) {
        return Service.builder().connection(nc).name("Fan" + queueGroup).version("0.0.1")
                .addServiceEndpoint(ServiceEndpoint.builder()
                        .endpoint(Endpoint.builder().name("fan").queueGroup(queueGroup).build())
                        .handler(m -> {
                            count.incrementAndGet();
                            m.respond(nc, queueGroup);
                        }).build())
                .build();
    }

    @Test
    void servicesDiscoveryPingInfoAndStatsByAllNameAndId() throws Exception {
        try (TestServer server = TestServer.start(); Connection a = connect(server); Connection b = connect(server);
             Connection client = connect(server)) {
            Service calcA = started(calc(a), a);
            Service calcB = started(calc(b), b);
            Service other = started(Service.builder().connection(b).name("Other").version("0.1.0")
                    .addServiceEndpoint(ServiceEndpoint.builder().endpointName("noop")
                            .handler(m -> m.respond(b, "ok")).build())
                    .build(), b);
            client.flush(TIMEOUT);
            for (int i = 0; i < 3; i++) {
                assertThat(client.request("add", bytes("x"), TIMEOUT)).isNotNull();
            }
            assertThat(client.request("fail", bytes("x"), TIMEOUT)).isNotNull();
            assertThat(client.request("fail", bytes("y"), TIMEOUT)).isNotNull();

            // All: every instance answers once; by name: only that service's instances.
            List<PingResponse> all = new Discovery(client, DISCOVERY_MILLIS, 3).ping();
            assertThat(all).extracting(PingResponse::getId)
                    .containsExactlyInAnyOrder(calcA.getId(), calcB.getId(), other.getId());
            List<PingResponse> calcs = new Discovery(client, DISCOVERY_MILLIS, 2).ping("Calc");
            assertThat(calcs).extracting(PingResponse::getId).containsExactlyInAnyOrder(calcA.getId(), calcB.getId());
            assertThat(calcs).allSatisfy(p -> {
                assertThat(p.getName()).isEqualTo("Calc");
                assertThat(p.getVersion()).isEqualTo("1.2.3");
                assertThat(p.getMetadata()).containsEntry("team", "numbers");
                assertThat(p.getType()).isEqualTo(PingResponse.TYPE);
            });
            // Nothing beyond the two: waiting the whole window collects no third answer. The window is long enough
            // for both real answers to arrive on a busy machine.
            assertThat(new Discovery(client, 2000, 3).ping("Calc")).hasSize(2);
            PingResponse one = new Discovery(client, DISCOVERY_MILLIS, 1).ping("Calc", calcB.getId());
            assertThat(one.getId()).isEqualTo(calcB.getId());
            assertThat(new Discovery(client, 500, 1).ping("Calc", "NOSUCHID")).isNull();

            List<InfoResponse> infos = new Discovery(client, DISCOVERY_MILLIS, 3).info();
            assertThat(infos).extracting(InfoResponse::getName).containsExactlyInAnyOrder("Calc", "Calc", "Other");
            InfoResponse info = new Discovery(client, DISCOVERY_MILLIS, 1).info("Calc", calcA.getId());
            assertThat(info.getDescription()).isEqualTo("arithmetic");
            assertThat(info.getEndpoints()).extracting(Endpoint::getName, Endpoint::getSubject,
                            Endpoint::getQueueGroup)
                    .containsExactlyInAnyOrder(
                            tuple("add", "add", "q"),
                            tuple("mul", "math.mul", "q"),
                            tuple("div", "calc.v2.divide", "divq"),
                            tuple("fail", "fail", "q"));
            assertThat(info.getEndpoints()).filteredOn(e -> e.getName().equals("mul")).singleElement()
                    .satisfies(e -> assertThat(e.getMetadata()).containsEntry("unit", "none"));
            assertThat(new Discovery(client, DISCOVERY_MILLIS, 2).info("Calc")).hasSize(2);

            List<StatsResponse> stats = new Discovery(client, DISCOVERY_MILLIS, 2).stats("Calc");
            assertThat(stats).hasSize(2);
            assertThat(stats.stream().mapToLong(s -> endpoint(s, "add").getNumRequests()).sum()).isEqualTo(3);
            assertThat(stats.stream().mapToLong(s -> endpoint(s, "fail").getNumErrors()).sum()).isEqualTo(2);
            assertThat(stats).filteredOn(s -> endpoint(s, "fail").getNumErrors() > 0).allSatisfy(s ->
                    assertThat(endpoint(s, "fail").getLastError())
                            .isEqualTo("java.lang.IllegalStateException: boom"));
            StatsResponse statsB = new Discovery(client, DISCOVERY_MILLIS, 1).stats("Calc", calcB.getId());
            assertThat(statsB.getId()).isEqualTo(calcB.getId());
            assertThat(statsB.getEndpointStatsList()).hasSize(4);
            assertThat(new Discovery(client, DISCOVERY_MILLIS, 3).stats()).hasSize(3);

            calcA.stop(false);
            calcB.stop(false);
            other.stop(false);
        }
    }

    private static EndpointStats endpoint(StatsResponse stats, String name) {
        return stats.getEndpointStatsList().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void servicesDiscoveryJsonOnTheWire() throws Exception {
        try (TestServer server = TestServer.start(); Connection svc = connect(server);
             Connection client = connect(server)) {
            Service service = started(calc(svc), svc);
            client.flush(TIMEOUT);
            assertThat(client.request("add", bytes("x"), TIMEOUT)).isNotNull();
            assertThat(client.request("fail", bytes("x"), TIMEOUT)).isNotNull();
            String id = service.getId();

            JsonNode ping = json(client.request("$SRV.PING.Calc." + id, null, TIMEOUT));
            assertThat(ping.path("type").asText()).isEqualTo("io.nats.micro.v1.ping_response");
            assertThat(ping.path("name").asText()).isEqualTo("Calc");
            assertThat(ping.path("id").asText()).isEqualTo(id);
            assertThat(ping.path("version").asText()).isEqualTo("1.2.3");
            assertThat(ping.path("metadata").path("team").asText()).isEqualTo("numbers");

            JsonNode info = json(client.request("$SRV.INFO.Calc", null, TIMEOUT));
            assertThat(info.path("type").asText()).isEqualTo("io.nats.micro.v1.info_response");
            assertThat(info.path("description").asText()).isEqualTo("arithmetic");
            List<JsonNode> endpoints = new ArrayList<>();
            info.path("endpoints").forEach(endpoints::add);
            endpoints.sort(Comparator.comparing(e -> e.path("name").asText()));
            assertThat(endpoints).extracting(e -> e.path("name").asText())
                    .containsExactly("add", "div", "fail", "mul");
            assertThat(endpoints.get(1).path("subject").asText()).isEqualTo("calc.v2.divide");
            assertThat(endpoints.get(1).path("queue_group").asText()).isEqualTo("divq");
            assertThat(endpoints.get(3).path("metadata").path("unit").asText()).isEqualTo("none");

            JsonNode stats = json(client.request("$SRV.STATS", null, TIMEOUT));
            assertThat(stats.path("type").asText()).isEqualTo("io.nats.micro.v1.stats_response");
            assertThat(stats.path("id").asText()).isEqualTo(id);
            assertThat(stats.path("started").asText()).isNotEmpty();
            JsonNode fail = null;
            JsonNode add = null;
            for (JsonNode e : stats.path("endpoints")) {
                if (e.path("name").asText().equals("fail")) {
                    fail = e;
                } else if (e.path("name").asText().equals("add")) {
                    add = e;
                }
            }
            assertThat(add).isNotNull();
            assertThat(add.path("num_requests").asLong()).isEqualTo(1);
            assertThat(add.path("num_errors").asLong()).isZero();
            assertThat(add.path("processing_time").isNumber()).isTrue();
            assertThat(fail).isNotNull();
            assertThat(fail.path("num_requests").asLong()).isEqualTo(1);
            assertThat(fail.path("num_errors").asLong()).isEqualTo(1);
            assertThat(fail.path("last_error").asText()).isEqualTo("java.lang.IllegalStateException: boom");

            // Reset clears the counters; the next STATS says so.
            service.reset();
            JsonNode reset = json(client.request("$SRV.STATS.Calc." + id, null, TIMEOUT));
            for (JsonNode e : reset.path("endpoints")) {
                assertThat(e.path("num_requests").asLong()).isZero();
            }
            service.stop(false);
        }
    }

    private static JsonNode json(Message m) throws Exception {
        assertThat(m).isNotNull();
        return JSON.readTree(m.getData());
    }
}
