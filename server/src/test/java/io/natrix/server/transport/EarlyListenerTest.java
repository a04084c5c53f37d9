package io.natrix.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The client port bound before the server starts: by this JVM, or passed in by the launcher as systemd passes
 * sockets (descriptor 3, {@code LISTEN_FDS}, {@code LISTEN_PID}) and adopted by {@link ClientListener}.
 */
class EarlyListenerTest {

    @Test
    void aSocketIsPassedOnlyToTheProcessNamedInListenPid() {
        assertThat(EarlyListener.socketPassed("1", "42", 42)).isTrue();
        assertThat(EarlyListener.socketPassed("2", " 42 ", 42)).isTrue();
        assertThat(EarlyListener.socketPassed("1", "43", 42)).as("inherited by a child").isFalse();
        assertThat(EarlyListener.socketPassed("0", "42", 42)).isFalse();
        assertThat(EarlyListener.socketPassed(null, "42", 42)).isFalse();
        assertThat(EarlyListener.socketPassed("1", null, 42)).isFalse();
        assertThat(EarlyListener.socketPassed("x", "42", 42)).isFalse();
        assertThat(EarlyListener.socketPassed("1", "", 42)).isFalse();
    }

    @Test
    void aPassedSocketMustListenOnTheConfiguredAddress() {
        InetSocketAddress bound = new InetSocketAddress("127.0.0.1", 4222);
        assertThat(ClientListener.listensOn(bound, "127.0.0.1", 4222)).isTrue();
        assertThat(ClientListener.listensOn(bound, "127.0.0.1", -1)).as("any port").isTrue();
        assertThat(ClientListener.listensOn(bound, "127.0.0.1", 0)).as("any port").isTrue();
        assertThat(ClientListener.listensOn(bound, "127.0.0.1", 4223)).isFalse();
        assertThat(ClientListener.listensOn(bound, "0.0.0.0", 4222)).isFalse();
        assertThat(ClientListener.listensOn(new InetSocketAddress("0.0.0.0", 4222), "0.0.0.0", 4222)).isTrue();
        assertThat(ClientListener.listensOn(null, "127.0.0.1", 4222)).isFalse();
    }

    /** The listener serves connections that reached the passed socket, including those made before it adopted it. */
    @Test
    void thePassedSocketIsAdoptedWithTheConnectionsItAlreadyHolds() throws Exception {
        assumeTrue(Epoll.isAvailable(), "native epoll");
        Socket passed = listeningSocket();
        int port = ((InetSocketAddress) passed.localAddress()).getPort();
        Transport transport = new Transport(1);
        ClientListener listener = new ClientListener(transport);
        try (java.net.Socket early = new java.net.Socket("127.0.0.1", port)) {
            CompletableFuture<Void> accepted = new CompletableFuture<>();
            InetSocketAddress address = listener.adopt(EarlyListener.passed(passed.intValue()), "127.0.0.1", -1,
                    () -> activeSignal(accepted));
            assertThat(address.getPort()).isEqualTo(port);
            accepted.get(10, TimeUnit.SECONDS);
        } finally {
            listener.close();
            transport.shutdown();
        }
    }

    /** A passed socket on another address than the configured one is closed, and the configured one bound. */
    @Test
    void aPassedSocketForAnotherAddressIsClosedAndTheConfiguredOneBound() throws Exception {
        assumeTrue(Epoll.isAvailable(), "native epoll");
        Socket passed = listeningSocket();
        int passedPort = ((InetSocketAddress) passed.localAddress()).getPort();
        Transport transport = new Transport(1);
        ClientListener listener = new ClientListener(transport);
        try {
            CompletableFuture<Void> accepted = new CompletableFuture<>();
            int wanted;
            try (ServerSocket probe = new ServerSocket(0)) {
                wanted = probe.getLocalPort();
            }
            InetSocketAddress address = listener.adopt(EarlyListener.passed(passed.intValue()), "127.0.0.1", wanted,
                    () -> activeSignal(accepted));
            assertThat(address.getPort()).isEqualTo(wanted);
            try (java.net.Socket client = new java.net.Socket("127.0.0.1", wanted)) {
                accepted.get(10, TimeUnit.SECONDS);
            }
            assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", passedPort).close())
                    .as("the passed socket is closed").isInstanceOf(ConnectException.class);
        } finally {
            listener.close();
            transport.shutdown();
        }
    }

    private static Socket listeningSocket() throws IOException {
        Epoll.ensureAvailability();
        Socket socket = Socket.newSocketStream();
        socket.bind(new InetSocketAddress("127.0.0.1", 0));
        socket.listen(16);
        return socket;
    }

    private static ChannelInboundHandlerAdapter activeSignal(CompletableFuture<Void> accepted) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                accepted.complete(null);
            }
        };
    }
}
