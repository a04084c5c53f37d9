package io.natrix.server.transport;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the listening socket does when accepting fails (out of file descriptors: EMFILE, ENFILE; out of memory for
 * socket buffers), as nats-server's accept loop does: log one line, stop accepting for a while, then try again;
 * the pause starts at 10 ms and doubles on each failure in a row up to 1 s, and a successful accept resets it. The
 * clients meanwhile wait in the kernel's backlog. Without it Netty logs a stack trace per failure.
 *
 * <p>Thread-safety: one per listening channel, on its event loop.
 */
final class AcceptBackoff extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptBackoff.class);
    /** nats-server's ACCEPT_MIN_SLEEP and ACCEPT_MAX_SLEEP. */
    static final long MIN_PAUSE_MILLIS = 10;
    static final long MAX_PAUSE_MILLIS = 1000;

    private long pauseMillis = MIN_PAUSE_MILLIS;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object acceptedChannel) {
        pauseMillis = MIN_PAUSE_MILLIS;
        ctx.fireChannelRead(acceptedChannel);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        long pause = pauseMillis;
        pauseMillis = Math.min(MAX_PAUSE_MILLIS, pauseMillis * 2);
        LOG.error("Temporary accept error: {}; accepting again in {} ms", cause.getMessage(), pause);
        ChannelConfig config = ctx.channel().config();
        if (config.isAutoRead()) {
            config.setAutoRead(false);
            ctx.channel().eventLoop().schedule(() -> config.setAutoRead(true), pause, TimeUnit.MILLISECONDS);
        }
    }
}
