package io.natrix.server.account;

/**
 * How a service export answers a request, which decides how long the importer's reply subject stays mapped:
 * config {@code response: singleton | stream | chunked} (nats-server also takes {@code single} and {@code chunk}).
 */
public enum ResponseType {
    /** One reply per request; the default. */
    SINGLETON,
    /** Any number of replies, each a whole message, until the response threshold passes. */
    STREAMED,
    /** Any number of replies forming one large response, until the response threshold passes. */
    CHUNKED
}
