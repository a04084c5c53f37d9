package io.natrix.server.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Receives the operations {@link ClientParser} decodes from a client connection.
 *
 * <p>Callbacks run on the thread that called {@link ClientParser#parse}; buffers and argument holders passed in are
 * only valid for the duration of the call (they are reused for the next operation, so nothing is allocated per
 * message).
 */
public interface ProtocolHandler {

    /** CONNECT; the JSON object is {@code buf[offset, offset+length)}. */
    void onConnect(ByteBuf buf, int offset, int length);

    /**
     * PUB or HPUB with its payload fully received. {@code args} points into {@code buf}; {@link PubArgs#headerLength}
     * is -1 for PUB.
     */
    void onPublish(ByteBuf buf, PubArgs args);

    /** SUB; {@code queue} is null when absent. Not a hot path, so strings are fine. */
    void onSubscribe(String subject, String queue, String sid);

    /** UNSUB; {@code max} is 0 when absent (unsubscribe now). */
    void onUnsubscribe(String sid, long max);

    void onPing();

    void onPong();
}
