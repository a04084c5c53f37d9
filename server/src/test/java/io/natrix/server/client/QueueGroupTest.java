package io.natrix.server.client;

import static io.natrix.server.client.Jnats.TIMEOUT;
import static io.natrix.server.client.Jnats.bytes;
import static io.natrix.server.client.Jnats.flush;
import static io.natrix.server.client.Jnats.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Queue groups: each message goes to one member of each group, spread fairly, beside plain subscriptions. */
class QueueGroupTest {

    @Test
    void queueGroupDeliversEachMessageToExactlyOneMemberWithFairSpread() throws Exception {
        int members = 4;
        int count = 4000;
        try (TestServer server = TestServer.start();
             Connection pub = Jnats.connect(server)) {
            List<Connection> connections = new ArrayList<>();
            List<List<Integer>> received = new ArrayList<>();
            try {
                for (int i = 0; i < members; i++) {
                    Connection nc = Jnats.connect(server);
                    connections.add(nc);
                    List<Integer> got = new CopyOnWriteArrayList<>();
                    received.add(got);
                    nc.createDispatcher(m -> got.add(Integer.parseInt(text(m)))).subscribe("work", "workers");
                    flush(nc);
                }
                for (int i = 0; i < count; i++) {
                    pub.publish("work", bytes(Integer.toString(i)));
                }
                flush(pub);

                await().atMost(TIMEOUT).until(() -> received.stream().mapToInt(List::size).sum() >= count);
                Set<Integer> all = new HashSet<>();
                for (List<Integer> got : received) {
                    assertThat(got.size()).as("share of one member").isGreaterThan(count / 10);
                    // One publisher's messages keep their order at every subscriber, queue members included.
                    assertThat(got).isSortedAccordingTo(Comparator.naturalOrder());
                    all.addAll(got);
                }
                assertThat(received.stream().mapToInt(List::size).sum()).as("no duplicates").isEqualTo(count);
                assertThat(all).containsExactlyInAnyOrderElementsOf(IntStream.range(0, count).boxed().toList());
            } finally {
                for (Connection nc : connections) {
                    nc.close();
                }
            }
        }
    }

    @Test
    void queueGroupsAndPlainSubscriptionsEachGetTheirCopy() throws Exception {
        int count = 1000;
        try (TestServer server = TestServer.start();
             Connection subs = Jnats.connect(server);
             Connection pub = Jnats.connect(server)) {
            List<String> plainA = new CopyOnWriteArrayList<>();
            List<String> plainB = new CopyOnWriteArrayList<>();
            List<String> groupOne = new CopyOnWriteArrayList<>();
            List<String> groupTwo = new CopyOnWriteArrayList<>();
            Dispatcher d = subs.createDispatcher();
            d.subscribe("mix.*", m -> plainA.add(text(m)));
            d.subscribe("mix.>", m -> plainB.add(text(m)));
            for (int i = 0; i < 3; i++) {
                d.subscribe("mix.*", "one", m -> groupOne.add(text(m)));
            }
            for (int i = 0; i < 2; i++) {
                d.subscribe("mix.job", "two", m -> groupTwo.add(text(m)));
            }
            flush(subs);

            List<String> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sent.add("m" + i);
                pub.publish("mix.job", bytes("m" + i));
            }
            flush(pub);

            await().atMost(TIMEOUT).until(() -> plainA.size() == count && plainB.size() == count
                    && groupOne.size() == count && groupTwo.size() == count);
            assertThat(plainA).containsExactlyElementsOf(sent);
            assertThat(plainB).containsExactlyElementsOf(sent);
            // All members share one connection and dispatcher, so each group's copies arrive in publish order.
            assertThat(groupOne).containsExactlyElementsOf(sent);
            assertThat(groupTwo).containsExactlyElementsOf(sent);
            flush(subs);
            assertThat(Jnats.serverSide(server, subs).outMsgs()).isEqualTo(4L * count);
        }
    }

    @Test
    void queueGroupKeepsDeliveringWhenMembersLeave() throws Exception {
        try (TestServer server = TestServer.start();
             Connection leaver = Jnats.connect(server);
             Connection stayer = Jnats.connect(server);
             Connection pub = Jnats.connect(server)) {
            List<String> leaverGot = new CopyOnWriteArrayList<>();
            List<String> stayerGot = new CopyOnWriteArrayList<>();
            leaver.createDispatcher(m -> leaverGot.add(text(m))).subscribe("q", "g");
            stayer.createDispatcher(m -> stayerGot.add(text(m))).subscribe("q", "g");
            flush(leaver, stayer);

            leaver.close();
            await().atMost(TIMEOUT).until(() -> server.server().connections().size() == 2);
            for (int i = 0; i < 100; i++) {
                pub.publish("q", bytes("m" + i));
            }
            flush(pub);

            await().atMost(TIMEOUT).until(() -> stayerGot.size() == 100);
            assertThat(stayerGot).containsExactlyElementsOf(IntStream.range(0, 100).mapToObj(i -> "m" + i).toList());
            assertThat(leaverGot).isEmpty();
        }
    }
}
