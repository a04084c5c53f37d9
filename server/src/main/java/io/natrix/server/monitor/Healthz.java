package io.natrix.server.monitor;

import io.natrix.server.NatsServer;
import io.natrix.server.jetstream.JetStream;
import io.natrix.server.jetstream.JetStreamUsage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * /healthz as nats-server 2.11 answers it on a single server, written on one line.
 *
 * <p>In order: {@code stream} needs {@code account} and {@code consumer} needs {@code stream} (400); a server not
 * serving is 500; {@code js-server-only} stops there (200); with JetStream off in the configuration the server is
 * healthy; asked for (-js) but not running, it is 503 "JetStream not enabled"; {@code js-enabled-only} (or the
 * deprecated {@code js-enabled}) stops there. Then every account directory in the store and every stream directory
 * in it (only those named by {@code account} and {@code stream}, when given) must belong to a known account and a
 * loaded stream: otherwise 503, "could not be resolved" or "could not be recovered". Last, the {@code account},
 * {@code stream} and {@code consumer} asked for must exist: otherwise 404 with nats-server's texts.
 *
 * <p>Where nats-server looks for the named account and stream among the directories of the store only (so that it
 * finds neither an account without file streams nor a memory stream), Natrix looks at what JetStream holds.
 *
 * <p>{@code details=1} lists every error with its type ({@code BAD_REQUEST}, {@code CONNECTION},
 * {@code JETSTREAM}, {@code ACCOUNT}, {@code STREAM}, {@code CONSUMER}) and the names involved, with status
 * {@code "error"}; otherwise the first error is the {@code error} text and the status is {@code "error"} for bad
 * requests and a server not serving, {@code "unavailable"} for the rest.
 *
 * <p>Stateless apart from the server it reads; safe on any thread.
 */
final class Healthz {
    private static final String UNAVAILABLE = "unavailable";

    /** One of nats-server's {@code HealthzError}s. */
    private record Problem(String type, String account, String stream, String consumer, String error) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", type);
            putIfSet(m, "account", account);
            putIfSet(m, "stream", stream);
            putIfSet(m, "consumer", consumer);
            m.put("error", error);
            return m;
        }

        private static void putIfSet(Map<String, Object> m, String key, String value) {
            if (!value.isEmpty()) {
                m.put(key, value);
            }
        }
    }

    private final NatsServer server;

    Healthz(NatsServer server) {
        this.server = server;
    }

    MonitorServer.Reply answer(Query q) {
        boolean jsEnabled = q.bool("js-enabled");
        boolean jsEnabledOnly = q.bool("js-enabled-only");
        boolean jsServerOnly = q.bool("js-server-only");
        q.bool("js-meta-only");
        boolean details = q.bool("details");
        String account = q.get("account");
        String stream = q.get("stream");
        String consumer = q.get("consumer");
        if (account.isEmpty() && !stream.isEmpty()) {
            return failed(400, "error", details, problem("BAD_REQUEST",
                    "\"account\" must not be empty when checking stream health"));
        }
        if (stream.isEmpty() && !consumer.isEmpty()) {
            return failed(400, "error", details, problem("BAD_REQUEST",
                    "\"stream\" must not be empty when checking consumer health"));
        }
        if (!server.isRunning()) {
            return failed(500, "error", details, problem("CONNECTION", "server is shutting down"));
        }
        if (jsServerOnly || !server.options().jetstream()) {
            return ok();
        }
        JetStream js = server.jetStream();
        if (js == null) {
            return failed(503, UNAVAILABLE, details, problem("JETSTREAM", "JetStream not enabled"));
        }
        if (jsEnabledOnly || jsEnabled) {
            return ok();
        }
        List<Problem> problems = new ArrayList<>();
        for (Problem p : unrecovered(js, account, stream)) {
            if (!details) {
                return failed(503, UNAVAILABLE, false, p);
            }
            problems.add(p);
        }
        if (!account.isEmpty()) {
            Problem missing = switch (JetStreamUsage.find(js, account, stream, consumer)) {
                case NO_ACCOUNT -> new Problem("ACCOUNT", account, "", "",
                        "JetStream account " + Query.quote(account) + " not found");
                case NO_STREAM -> new Problem("STREAM", account, stream, "", "JetStream stream "
                        + Query.quote(stream) + " not found on account " + Query.quote(account));
                case NO_CONSUMER -> new Problem("CONSUMER", account, stream, consumer, "JetStream consumer "
                        + Query.quote(consumer) + " not found for stream " + Query.quote(stream) + " on account "
                        + Query.quote(account));
                case FOUND -> null;
            };
            if (missing != null) {
                return failed(404, UNAVAILABLE, details, missing);
            }
        }
        if (!problems.isEmpty()) {
            return failed(503, "error", true, problems.toArray(Problem[]::new));
        }
        return ok();
    }

    /**
     * Account directories of the store whose account is unknown, and stream directories whose stream did not load
     * (nats-server's check that everything on disk was recovered); only {@code account} and {@code stream} when
     * given.
     */
    private List<Problem> unrecovered(JetStream js, String account, String stream) {
        List<Problem> problems = new ArrayList<>();
        Path root = js.config().storeDir().resolve("jetstream");
        for (Path accountDir : list(root)) {
            String name = accountDir.getFileName().toString();
            if (!account.isEmpty() && !name.equals(account)) {
                continue;
            }
            if (server.accounts().get(name) == null) {
                problems.add(new Problem("ACCOUNT", name, "", "",
                        "JetStream account '" + name + "' could not be resolved"));
                continue;
            }
            for (Path streamDir : list(accountDir.resolve("streams"))) {
                String s = streamDir.getFileName().toString();
                if (!stream.isEmpty() && !s.equals(stream)) {
                    continue;
                }
                if (JetStreamUsage.find(js, name, s, "") != JetStreamUsage.Found.FOUND) {
                    problems.add(new Problem("STREAM", name, s, "",
                            "JetStream stream '" + name + " > " + s + "' could not be recovered"));
                }
            }
        }
        return problems;
    }

    /** The directories in {@code dir} (none when it does not exist or cannot be read), in name order. */
    private static List<Path> list(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
            entries.forEach(out::add);
        } catch (IOException e) {
            return out; // an unreadable store shows up as streams that did not load, if any
        }
        out.sort(null);
        return out;
    }

    private static Problem problem(String type, String error) {
        return new Problem(type, "", "", "", error);
    }

    private static MonitorServer.Reply ok() {
        return new MonitorServer.Reply(200, Map.of("status", "ok"), false);
    }

    private static MonitorServer.Reply failed(int code, String status, boolean details, Problem... problems) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (details) {
            m.put("status", "error");
            List<Map<String, Object>> errors = new ArrayList<>();
            for (Problem p : problems) {
                errors.add(p.json());
            }
            m.put("errors", errors);
        } else {
            m.put("status", status);
            m.put("error", problems[0].error());
        }
        return new MonitorServer.Reply(code, m, false);
    }
}
