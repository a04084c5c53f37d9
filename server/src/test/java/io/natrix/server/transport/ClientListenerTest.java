package io.natrix.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How accepted client channels are configured. */
class ClientListenerTest {

    /**
     * A channel reads up to {@link ClientListener#MAX_READS_PER_PASS} times per event-loop pass. Netty gives an
     * allocator passed as an option its own default of one read, which made every 64 KB read a separate flush to each
     * subscriber; this pins the setting down.
     */
    @Test
    void clientListenerReadsSeveralTimesPerPassAtMost64KbEach() throws Exception {
        Transport transport = new Transport(1);
        ClientListener listener = new ClientListener(transport);
        try {
            CompletableFuture<Channel> accepted = new CompletableFuture<>();
            InetSocketAddress address = listener.bind("127.0.0.1", 0, () -> new ChannelInboundHandlerAdapter() {
                @Override
                public void channelActive(ChannelHandlerContext ctx) {
                    accepted.complete(ctx.channel());
                }
            });
            try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
                Channel channel = accepted.get(10, TimeUnit.SECONDS);
                RecvByteBufAllocator allocator = channel.config().getRecvByteBufAllocator();
                assertThat(allocator).isInstanceOf(MaxMessagesRecvByteBufAllocator.class);
                assertThat(((MaxMessagesRecvByteBufAllocator) allocator).maxMessagesPerRead())
                        .isEqualTo(ClientListener.MAX_READS_PER_PASS);
                assertThat(ClientListener.MAX_READS_PER_PASS).isGreaterThan(1);
                assertThat(allocator.newHandle().guess()).isLessThanOrEqualTo(ClientListener.MAX_READ_BYTES);
            }
        } finally {
            listener.close();
            transport.shutdown();
        }
    }
}
