package io.natrix.server.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * The TCP listener for client connections. Each accepted channel gets a fresh handler from the supplied factory
 * (the client connection itself is the only handler on the plain-TCP pipeline, so no per-message hand-offs). When
 * TLS is configured, {@link TlsSupport} puts its handshake guard and the TLS handler in front of it:
 * <pre>  plain:  [nats]        TLS:  [tls-guard] [tls] [tls-pins] [nats]</pre>
 * A failed accept (out of file descriptors) pauses accepting for a while ({@link AcceptBackoff}).
 *
 * <p>Not thread-safe: bound and closed by the server's lifecycle methods.
 */
public final class ClientListener {
    /** Largest single read, as nats-server's 64 KB read buffer. */
    static final int MAX_READ_BYTES = 64 * 1024;
    /**
     * Reads of one channel per event-loop pass while its socket has data (an allocator passed through
     * {@code RCVBUF_ALLOCATOR} would otherwise keep Netty's default for it, one read). The loop runs its tasks, and so
     * the subscribers' flushes, after the pass: a subscriber that gets a share of a publisher's messages (one member
     * of a queue group of four) collects its share of up to 256 KB of input for one write, instead of a ~16 KB write
     * per 64 KB read; a buffer that passes {@code ClientConnection.FLUSH_AT_BYTES} during a read is written right after
     * it. Measured (jnats, queue group of four, 1 KB): a quarter of the write system calls and ~15% less server CPU
     * per message. Not more: 16 reads per pass (Netty's default for its own allocator) cost CPU per message in 1:1
     * and fan-out, where a pass's megabyte no longer stays in the CPU's caches. It is also the fairness bound: a busy
     * connection hands the loop to the others after this many reads. A publisher that stalls on a full subscriber
     * (auto-read off) ends its pass at once.
     */
    static final int MAX_READS_PER_PASS = 4;
    private final Transport transport;
    /** Null when the client port is plain TCP. */
    private final TlsSupport tls;
    private Channel serverChannel;

    public ClientListener(Transport transport) {
        this(transport, null);
    }

    /** A listener whose connections all speak TLS ({@code tls} null for plain TCP). */
    public ClientListener(Transport transport, TlsSupport tls) {
        this.transport = transport;
        this.tls = tls;
    }

    /** Binds {@code host:port} (port 0 or -1 picks a free port) and returns the bound address. */
    public InetSocketAddress bind(String host, int port, Supplier<ChannelHandler> handlers) throws IOException {
        try {
            serverChannel = bootstrap(handlers).channel(transport.serverChannelClass())
                    .bind(host, port < 0 ? 0 : port).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            throw new IOException("can not listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * Takes over a socket that is already listening ({@link EarlyListener}), so connections that arrived while the
     * server was starting are accepted, and returns its address. Native epoll adopts the file descriptor and NIO
     * the JDK channel. A socket that cannot be adopted (the JDK hides the descriptor) is closed and {@code host:port}
     * bound instead; so is a passed socket that listens elsewhere than {@code host:port} (port 0 or -1: any port),
     * which happens when a configuration file chose the address and the launcher could only guess it.
     */
    public InetSocketAddress adopt(EarlyListener early, String host, int port, Supplier<ChannelHandler> handlers)
            throws IOException {
        ServerChannel adopted = null;
        if (transport.isEpoll()) {
            int fd = early.fileDescriptor();
            if (fd >= 0) {
                adopted = new EpollServerSocketChannel(fd);
            }
        } else if (early.channel() != null) {
            adopted = new NioServerSocketChannel(early.channel());
        }
        if (adopted == null) {
            early.close();
            return bind(host, port, handlers);
        }
        InetSocketAddress address = early.passed() ? (InetSocketAddress) adopted.localAddress() : early.address();
        if (early.passed() && !listensOn(address, host, port)) {
            adopted.unsafe().closeForcibly();
            return bind(host, port, handlers);
        }
        ServerChannel channel = adopted;
        try {
            serverChannel = bootstrap(handlers).channelFactory(() -> channel).register().syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            adopted.unsafe().closeForcibly();
            early.close();
            throw new IOException("can not take over the listening socket: " + e.getMessage(), e);
        }
        return address;
    }

    /** Whether a socket bound to {@code bound} is the one asked for as {@code host:port}. */
    static boolean listensOn(InetSocketAddress bound, String host, int port) {
        if (bound == null || bound.isUnresolved() || (port > 0 && bound.getPort() != port)) {
            return false;
        }
        InetSocketAddress wanted = new InetSocketAddress(host, 0);
        return !wanted.isUnresolved() && wanted.getAddress().equals(bound.getAddress());
    }

    private ServerBootstrap bootstrap(Supplier<ChannelHandler> handlers) {
        return new ServerBootstrap()
                .group(transport.group())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new AcceptBackoff())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 16 * 1024, MAX_READ_BYTES)
                        .maxMessagesPerRead(MAX_READS_PER_PASS))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            tls.install(ch);
                        }
                        ch.pipeline().addLast("nats", handlers.get());
                    }
                });
    }

    /** Stops accepting new connections; existing ones stay open. */
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
    }
}
