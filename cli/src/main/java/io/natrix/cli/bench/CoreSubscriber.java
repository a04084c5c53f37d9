package io.natrix.cli.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.util.concurrent.CountDownLatch;

/**
 * A Core NATS subscriber client: subscribes (in {@link #prepare()}, with jnats' pending limits off so that it is
 * never a slow consumer) and waits for the expected number of messages; the clock runs from the first message to
 * the last, as natscli times subscribers, and it fails when no message arrives for the idle timeout. The message
 * handler runs on the dispatcher's thread; the times it records are published to the client's thread through the
 * latch, and its count is volatile because the client's thread watches it while waiting.
 */
final class CoreSubscriber implements ClientJob {

    private final Connection connection;
    private final String subject;
    private final long expected;
    private final int messageSize;
    private final IdleTimeout idle;
    private final Progress.Bar bar;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile long received;
    private long start;
    private long end;

    CoreSubscriber(Connection connection, String subject, long expected, int messageSize, IdleTimeout idle,
                   Progress.Bar bar) {
        this.connection = connection;
        this.subject = subject;
        this.expected = expected;
        this.messageSize = messageSize;
        this.idle = idle;
        this.bar = bar;
    }

    @Override
    public void prepare() throws Exception {
        Dispatcher dispatcher = connection.createDispatcher(msg -> {
            long n = received + 1; // only this dispatcher's thread writes it
            received = n;
            if (n == 1) {
                start = System.nanoTime();
                bar.started();
            }
            bar.increment();
            if (n == expected) {
                end = System.nanoTime();
                done.countDown();
            }
        });
        dispatcher.setPendingLimits(0, 0);
        dispatcher.subscribe(subject);
        connection.flush(connection.getOptions().getConnectionTimeout());
        bar.state("Receiving ");
    }

    @Override
    public Sample run() throws Exception {
        idle.await(done, connection, () -> received, expected);
        bar.state("Finished  ");
        return Sample.of(connection, expected, messageSize, start, end, null);
    }
}
