package io.natrix.server.system;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.account.Account;
import io.natrix.server.client.InternalSubscription;
import io.natrix.server.client.Message;
import io.natrix.server.client.Router;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's own request handlers ({@code $SYS.REQ.>} and friends): each is an internal subscription whose
 * messages are copied and handed to one system thread, so handlers may block (file writes, JWT checks) without
 * holding up an event loop, and run one at a time in arrival order.
 *
 * <p>Answers go out with {@link #reply} / {@link #replyJson} through the {@link Router}, into the account the
 * request came from. JSON answers that nats-server wraps with a {@code server} object use {@link #serverInfo()}.
 *
 * <p>Thread-safe. Threads: handlers run on the single "natrix-system" thread.
 */
public final class SystemServices implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SystemServices.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The {@code server} object of system answers, as nats-server's ServerInfo. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record ServerInfo(@JsonProperty("name") String name, @JsonProperty("host") String host,
                             @JsonProperty("id") String id, @JsonProperty("ver") String version,
                             @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("jetstream") boolean jetstream,
                             @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("flags") long flags,
                             @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("seq") long seq,
                             @JsonProperty("time") String time) {
    }

    /** What a server tells about itself in system answers, without sequence and time. */
    public record Identity(String name, String host, String id, String version, boolean jetstream) {
    }

    private final Supplier<Identity> identity;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "natrix-system");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong sequence = new AtomicLong();
    private final List<Handler> handlers = new CopyOnWriteArrayList<>();

    public SystemServices(Supplier<Identity> identity) {
        this.identity = identity;
    }

    /** A registered handler; {@link #close()} removes it. */
    public final class Handler extends InternalSubscription implements AutoCloseable {
        private final Account account;
        private final Consumer<SystemRequest> action;

        private Handler(Account account, String subject, String queue, Consumer<SystemRequest> action) {
            super(subject, queue);
            this.account = account;
            this.action = action;
        }

        @Override
        protected boolean onMessage(Message m) {
            SystemRequest request = new SystemRequest(m.account(), m.subject(), m.reply(), m.headers(), m.payload(),
                    m.publisher());
            try {
                executor.execute(() -> run(request));
                return true;
            } catch (RejectedExecutionException e) {
                return false; // shutting down
            }
        }

        private void run(SystemRequest request) {
            try {
                action.accept(request);
            } catch (RuntimeException e) {
                LOG.error("System service on {} failed", subject(), e);
            }
        }

        @Override
        public void close() {
            if (handlers.remove(this)) {
                account.index().remove(this);
            }
        }
    }

    /** Handles messages on {@code subject} (wildcards allowed) published in {@code account}. */
    public Handler subscribe(Account account, String subject, Consumer<SystemRequest> action) {
        return subscribe(account, subject, null, action);
    }

    /** Like {@link #subscribe(Account, String, Consumer)}, as a member of queue group {@code queue}. */
    public Handler subscribe(Account account, String subject, String queue, Consumer<SystemRequest> action) {
        Handler h = new Handler(account, subject, queue, action);
        handlers.add(h);
        account.index().insert(h);
        return h;
    }

    /** Publishes {@code payload} to {@code subject} in {@code account}; a null subject is ignored. */
    public void reply(Account account, String subject, byte[] payload) {
        if (subject != null && !subject.isEmpty()) {
            Router.publish(account, subject, null, null, payload);
        }
    }

    /** Publishes {@code value} as JSON. */
    public void replyJson(Account account, String subject, Object value) {
        try {
            reply(account, subject, JSON.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a system answer", e);
        }
    }

    /** The {@code server} object for the next system answer (sequence advanced, time now). */
    public ServerInfo serverInfo() {
        Identity i = identity.get();
        return new ServerInfo(i.name(), i.host(), i.id(), i.version(), i.jetstream(), i.jetstream() ? 1 : 0,
                sequence.incrementAndGet(), DateTimeFormatter.ISO_INSTANT.format(Instant.now()));
    }

    /** Runs {@code task} on the system thread now and then every {@code period}, until {@link #close()}. */
    public ScheduledFuture<?> every(java.time.Duration period, Runnable task) {
        return executor.scheduleAtFixedRate(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("Periodic system task failed", e);
            }
        }, 0, period.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} on the system thread once, after {@code delay}. */
    public ScheduledFuture<?> schedule(java.time.Duration delay, Runnable task) {
        try {
            return executor.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("Scheduled system task failed", e);
                }
            }, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null; // shutting down
        }
    }

    /** Runs {@code task} on the system thread (events that must not hold up the caller). */
    public void execute(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("System task failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    /** Removes every handler and stops the system thread (waits briefly for the running handler). */
    @Override
    public void close() {
        for (Handler h : handlers) {
            h.close();
        }
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
