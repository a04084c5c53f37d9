package io.natrix.nex.node;

import io.natrix.cli.support.GoDuration;
import io.natrix.nex.api.AuctionRequest;
import io.natrix.nex.api.CloneWorkloadRequest;
import io.natrix.nex.api.LameduckRequest;
import io.natrix.nex.api.Names;
import io.natrix.nex.api.NexSubjects;
import io.natrix.nex.api.PingRequest;
import io.natrix.nex.api.StartWorkloadRequest;
import io.natrix.nex.api.StopWorkloadRequest;
import io.natrix.nex.api.WireJson;
import io.natrix.nex.workload.WorkloadException;
import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import io.nats.service.Service;
import io.nats.service.ServiceEndpoint;
import io.nats.service.ServiceMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A node's control API as a NATS micro service named {@code nexnode} (see {@link NexSubjects} for the subjects),
 * on the node's namespace and on {@code system}, the administrators' namespace, which sees and may deploy into
 * every namespace.
 * Each node subscribes in a queue group of its own id, so every node sees the broadcast requests (PING, AUCTION,
 * WPING) and stays silent where it has nothing to say (no bid, no such workload).
 *
 * <p>Errors are answered as micro services answer them: headers {@code Nats-Service-Error} and
 * {@code Nats-Service-Error-Code} (400 bad request, 404 unknown, 409 refused, 500 node failure), with the body
 * {@code {"error":"..."}} so plain {@code req} shows the reason too.
 *
 * <p>Handlers run on a small pool, not on the connection's dispatcher: a deploy that fetches a large artifact
 * does not hold up pings. The pool's queue is bounded; past it a request is answered 503.
 */
final class ControlService {

    private static final int HANDLER_THREADS = 4;
    private static final int HANDLER_QUEUE_MAX = 256;

    private final NexNode node;
    private final Connection connection;
    private final ThreadPoolExecutor handlers;
    private Service service;

    ControlService(NexNode node, Connection connection) {
        this.node = node;
        this.connection = connection;
        this.handlers = new ThreadPoolExecutor(HANDLER_THREADS, HANDLER_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(HANDLER_QUEUE_MAX),
                r -> Thread.ofPlatform().daemon().name("nex-control").unstarted(r));
        handlers.allowCoreThreadTimeOut(true);
    }

    private interface Handler {
        void handle(ServiceMessage message) throws Exception;
    }

    void start() {
        String id = node.id();
        var builder = Service.builder()
                .connection(connection)
                .name(NexSubjects.SERVICE_NAME)
                .version(NexNode.VERSION)
                .description("Natrix Nex node " + node.config().nodeName())
                .metadata(Map.of("node_id", id, "nexus", node.config().nexus(), "namespace", node.config().namespace()));
        for (String ns : namespaces()) {
            String suffix = ns.equals(node.config().namespace()) ? "" : "_" + ns.toUpperCase(java.util.Locale.ROOT);
            builder.addServiceEndpoint(endpoint("PING" + suffix, NexSubjects.control(ns, NexSubjects.PING), this::ping))
                    .addServiceEndpoint(endpoint("PINGNODE" + suffix, NexSubjects.control(ns, NexSubjects.PING, id), this::ping))
                    .addServiceEndpoint(endpoint("INFO" + suffix, NexSubjects.control(ns, NexSubjects.INFO, id), this::info))
                    .addServiceEndpoint(endpoint("AUCTION" + suffix, NexSubjects.control(ns, NexSubjects.AUCTION), this::auction))
                    .addServiceEndpoint(endpoint("ADEPLOY" + suffix, NexSubjects.control(ns, NexSubjects.ADEPLOY, id), this::deploy))
                    .addServiceEndpoint(endpoint("UNDEPLOY" + suffix, NexSubjects.control(ns, NexSubjects.UNDEPLOY, "*"),
                            this::undeploy))
                    .addServiceEndpoint(endpoint("CLONE" + suffix, NexSubjects.control(ns, NexSubjects.CLONE, "*"), this::cloneOf))
                    .addServiceEndpoint(endpoint("WPING" + suffix, NexSubjects.control(ns, NexSubjects.WPING), this::wping))
                    .addServiceEndpoint(endpoint("WPINGONE" + suffix, NexSubjects.control(ns, NexSubjects.WPING, "*"), this::wping))
                    .addServiceEndpoint(endpoint("LAMEDUCK" + suffix, NexSubjects.control(ns, NexSubjects.LAMEDUCK, id),
                            this::lameduck));
        }
        service = builder.build();
        service.startService();
    }

    /** The node's own namespace, and {@code system} (the administrators', which sees every namespace). */
    private List<String> namespaces() {
        String own = node.config().namespace();
        return own.equals(NexNode.SYSTEM_NAMESPACE) ? List.of(own) : List.of(own, NexNode.SYSTEM_NAMESPACE);
    }

    /** The namespace a control request came in on: {@code $NEX.SVC.<ns>.control...}. */
    private static String controlNamespace(ServiceMessage m) {
        String subject = m.getSubject();
        int start = "$NEX.SVC.".length();
        return subject.substring(start, subject.indexOf('.', start));
    }

    void stop() {
        if (service != null) {
            service.stop(false);
        }
        handlers.shutdown();
    }

    private ServiceEndpoint endpoint(String name, String subject, Handler handler) {
        return ServiceEndpoint.builder()
                .endpointName(name)
                .endpointSubject(subject)
                .endpointQueueGroup(node.id())
                .handler(message -> dispatch(message, handler))
                .build();
    }

    private void dispatch(ServiceMessage message, Handler handler) {
        try {
            handlers.execute(() -> {
                try {
                    handler.handle(message);
                } catch (IllegalArgumentException e) {
                    error(message, e.getMessage(), 400);
                } catch (WorkloadException e) {
                    error(message, e.getMessage(), 409);
                } catch (Exception | LinkageError e) {
                    error(message, "node failure: " + e, 500);
                }
            });
        } catch (RejectedExecutionException e) {
            error(message, "node is busy: too many control requests waiting", 503);
        }
    }

    private void error(ServiceMessage message, String error, int code) {
        String text = Names.oneLine(error);
        Headers headers = new Headers()
                .put(ServiceMessage.NATS_SERVICE_ERROR, text)
                .put(ServiceMessage.NATS_SERVICE_ERROR_CODE, Integer.toString(code));
        message.respond(connection, WireJson.encode(Map.of("error", text)), headers);
    }

    private void reply(ServiceMessage message, Object body) {
        message.respond(connection, WireJson.encode(body));
    }

    private void ping(ServiceMessage m) {
        node.ping(WireJson.decode(m.getData(), PingRequest.class)).ifPresent(p -> reply(m, p));
    }

    private void info(ServiceMessage m) {
        reply(m, node.info(controlNamespace(m)));
    }

    private void auction(ServiceMessage m) {
        node.bid(WireJson.decode(m.getData(), AuctionRequest.class)).ifPresent(b -> reply(m, b));
    }

    private void deploy(ServiceMessage m) throws WorkloadException {
        StartWorkloadRequest request = WireJson.decode(m.getData(), StartWorkloadRequest.class);
        reply(m, node.deploy(request, controlNamespace(m)));
    }

    private void undeploy(ServiceMessage m) {
        String wid = lastToken(m.getSubject());
        WireJson.decode(m.getData(), StopWorkloadRequest.class); // checked for form; the subject says the namespace
        node.undeploy(wid, controlNamespace(m)).ifPresent(r -> reply(m, r));
    }

    private void cloneOf(ServiceMessage m) throws WorkloadException {
        String wid = lastToken(m.getSubject());
        WireJson.decode(m.getData(), CloneWorkloadRequest.class);
        node.cloneOf(wid, controlNamespace(m)).ifPresent(r -> reply(m, r));
    }

    private void wping(ServiceMessage m) {
        String subject = m.getSubject();
        boolean one = !subject.endsWith("." + NexSubjects.WPING);
        List<?> found = node.summaries(one ? lastToken(subject) : null, controlNamespace(m));
        if (!found.isEmpty() || !one) {
            reply(m, found);
        }
    }

    private void lameduck(ServiceMessage m) {
        LameduckRequest request = WireJson.decode(m.getData(), LameduckRequest.class);
        Duration delay = request.delay() == null || request.delay().isEmpty() ? Duration.ZERO
                : GoDuration.parse(request.delay());
        if (delay.isNegative()) {
            throw new IllegalArgumentException("lameduck delay must not be negative");
        }
        reply(m, node.lameduck(delay));
    }

    private static String lastToken(String subject) {
        return subject.substring(subject.lastIndexOf('.') + 1);
    }
}
