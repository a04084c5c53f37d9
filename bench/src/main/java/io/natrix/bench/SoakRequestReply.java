package io.natrix.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Request/reply through a service: {@value #SERVICES} service connections answer in the queue group
 * {@value #QUEUE} on {@value #SUBJECT} by echoing the request, and one connection sends {@code requestRate} requests
 * a second, one at a time, each timed from sending to the reply (the latency the report follows). A request without a
 * reply within {@link #TIMEOUT} is an error.
 */
final class SoakRequestReply implements SoakPart {
    static final String SUBJECT = "soak.service";
    private static final String QUEUE = "echo";
    private static final int SERVICES = 2;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final SoakConfig config;
    private final String url;
    private final SoakStats stats;
    private final List<Connection> connections = new ArrayList<>();
    private SoakLoop requester;

    SoakRequestReply(SoakConfig config, String url, SoakStats stats) {
        this.config = config;
        this.url = url;
        this.stats = stats;
    }

    @Override
    public String name() {
        return "reqrep";
    }

    @Override
    public void start() throws Exception {
        for (int i = 0; i < SERVICES; i++) {
            Connection service = SoakConnections.connect(url, name(), "service-" + i, stats);
            connections.add(service);
            Dispatcher dispatcher = service.createDispatcher(request -> {
                if (request.getReplyTo() != null) {
                    service.publish(request.getReplyTo(), request.getData());
                }
            });
            dispatcher.subscribe(SUBJECT, QUEUE);
            service.flush(Duration.ofSeconds(5));
        }
        Connection client = SoakConnections.connect(url, name(), "requester", stats);
        connections.add(client);
        byte[] payload = JnatsSupport.payload(config.payloadBytes());
        requester = SoakLoop.start(name(), "requester", config.requestRate(), () -> {
            long start = System.nanoTime();
            Message reply = client.request(SUBJECT, payload, TIMEOUT);
            long elapsed = System.nanoTime() - start;
            if (reply == null) {
                stats.error(name(), "request timed out after " + TIMEOUT.toMillis() + " ms");
            } else if (reply.getData().length != payload.length) {
                stats.error(name(), "reply of " + reply.getData().length + " bytes, expected " + payload.length);
            } else {
                stats.requestLatency(elapsed);
                stats.operations(name(), 1);
            }
        }, stats);
    }

    @Override
    public void stop() {
        if (requester != null) {
            requester.stop();
        }
        connections.forEach(SoakConnections::closeQuietly);
    }
}
