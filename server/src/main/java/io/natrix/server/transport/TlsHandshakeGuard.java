package io.natrix.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Sits in front of a client connection's {@link SslHandler} until its handshake is done, for what the handler does
 * otherwise than nats-server:
 * <ul>
 *   <li>The handshake timeout: a connection whose handshake did not finish in time is closed from here, around the
 *       TLS handler, so that no alert goes out; the peer sees the connection end, as with nats-server.</li>
 *   <li>The first record's header (5 bytes: content type, version, 16-bit length), which Go's TLS judges as soon
 *       as it has read it, where Netty would wait for a whole record of up to 64 KiB of a stranger's bytes until
 *       the timeout. A first record that is neither a handshake nor an alert, or whose version is 16.0 or more,
 *       "does not look like a TLS handshake" and is closed without an answer; one longer than 16 KiB + 2 KiB
 *       (Go's {@code maxCiphertext}) gets a fatal record_overflow alert, then the close:
 *       <pre>  15 03 01 00 02 02 16   alert, TLS 1.0 record version, length 2, fatal, record_overflow</pre>
 *       A first byte of 0x80 (an SSLv2 ClientHello) gets protocol_version ({@code 15 03 01 00 02 02 46}). Later
 *       records are left to the TLS engine (Go's alerts for those would be encrypted).</li>
 * </ul>
 * A {@link TlsSupport.TlsHandshakeTimeoutException} or an {@link SSLException} then goes down the pipeline so that
 * the protocol handler logs it and records the close reason as for any failed handshake.
 *
 * <p>One per channel, used on its event loop only.
 */
final class TlsHandshakeGuard extends ChannelInboundHandlerAdapter {
    /** Go's {@code maxCiphertext}: the longest record body it reads before a version is agreed. */
    static final int RECORD_LENGTH_MAX = 16_384 + 2_048;
    private static final int HEADER_LENGTH = 5;
    private static final byte RECORD_ALERT = 0x15;
    private static final byte RECORD_HANDSHAKE = 0x16;
    private static final byte[] RECORD_OVERFLOW_ALERT = {0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x16};
    private static final byte[] PROTOCOL_VERSION_ALERT = {0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46};

    private final SslHandler ssl;
    private final long timeoutNanos;
    private ScheduledFuture<?> timer;
    /** The first record's header as it arrives; null once it has been looked at. */
    private byte[] header = new byte[HEADER_LENGTH];
    private int headerFill;

    TlsHandshakeGuard(SslHandler ssl, long timeoutNanos) {
        this.ssl = ssl;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> timeout(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
        ssl.handshakeFuture().addListener(f -> cancel());
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (header != null && msg instanceof ByteBuf in) {
            for (int i = in.readerIndex(); i < in.writerIndex() && headerFill < HEADER_LENGTH; i++) {
                header[headerFill++] = in.getByte(i);
            }
            if (headerFill == HEADER_LENGTH) {
                byte type = header[0];
                int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                boolean handshakeLike = (type == RECORD_ALERT || type == RECORD_HANDSHAKE)
                        && (header[1] & 0xff) < 0x10;
                boolean sslv2 = (type & 0xff) == 0x80;
                header = null;
                if (sslv2) {
                    ReferenceCountUtil.release(msg);
                    refuse(ctx, PROTOCOL_VERSION_ALERT, "tls: unsupported SSLv2 handshake received");
                    return;
                }
                if (!handshakeLike) {
                    ReferenceCountUtil.release(msg);
                    refuse(ctx, null, "first record does not look like a TLS handshake");
                    return;
                }
                if (length > RECORD_LENGTH_MAX) {
                    ReferenceCountUtil.release(msg);
                    refuse(ctx, RECORD_OVERFLOW_ALERT, "tls: oversized record received with length " + length);
                    return;
                }
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Sends {@code alert} (null: nothing), closes, then tells the protocol handler {@code why}. */
    private void refuse(ChannelHandlerContext ctx, byte[] alert, String why) {
        cancel();
        ctx.channel().config().setAutoRead(false);
        if (alert == null) {
            ctx.close();
            ctx.fireExceptionCaught(new SSLException(why));
            return;
        }
        ctx.writeAndFlush(Unpooled.wrappedBuffer(alert)).addListener(f -> {
            ctx.close();
            ctx.fireExceptionCaught(new SSLException(why));
        });
    }

    private void timeout(ChannelHandlerContext ctx) {
        if (ssl.handshakeFuture().isDone() || !ctx.channel().isActive()) {
            return;
        }
        // Then the protocol handler learns why, to record the close reason.
        ctx.close();
        ctx.fireExceptionCaught(new TlsSupport.TlsHandshakeTimeoutException(timeoutNanos));
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
