package io.natrix.cli.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.util.concurrent.CountDownLatch;

/**
 * A Core NATS subscriber client: subscribes (in {@link #prepare()}, with jnats' pending limits off so that it is
 * never a slow consumer) and waits for the expected number of messages; the clock runs from the first message to
 * the last, as natscli times subscribers. The message handler runs on the dispatcher's thread; the times it records
 * are published to the client's thread through the latch.
 */
final class CoreSubscriber implements ClientJob {

    private final Connection connection;
    private final String subject;
    private final long expected;
    private final int messageSize;
    private final Progress.Bar bar;
    private final CountDownLatch done = new CountDownLatch(1);
    private long received;
    private long start;
    private long end;

    CoreSubscriber(Connection connection, String subject, long expected, int messageSize, Progress.Bar bar) {
        this.connection = connection;
        this.subject = subject;
        this.expected = expected;
        this.messageSize = messageSize;
        this.bar = bar;
    }

    @Override
    public void prepare() throws Exception {
        Dispatcher dispatcher = connection.createDispatcher(msg -> {
            received++;
            if (received == 1) {
                start = System.nanoTime();
                bar.started();
            }
            bar.increment();
            if (received == expected) {
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
        ClientJob.awaitWhileConnected(done, connection);
        bar.state("Finished  ");
        return Sample.of(connection, expected, messageSize, start, end, null);
    }
}
