package io.natrix.server.jetstream;

/**
 * The body of {@code $JS.API.STREAM.CREATE.<stream>} and {@code STREAM.UPDATE.<stream>}: a stream configuration
 * plus {@code pedantic}, which belongs to the request, not the stream. In pedantic mode nats-server refuses a
 * configuration it would otherwise adjust (a duplicate window longer than the age limit, an empty republish
 * source...), so that what is stored is exactly what was asked for.
 *
 * @param config   the configuration as requested, not yet checked or defaulted
 * @param pedantic refuse adjustments instead of making them
 */
public record StreamConfigRequest(StreamConfig config, boolean pedantic) {

    /**
     * Reads a request body as nats-server 2.12 does: strictly (unknown fields refused), Go's type rules, an empty
     * body being an empty configuration.
     *
     * @throws JsApiException 400 10025 {@code invalid JSON: <what Go's decoder says>}
     */
    public static StreamConfigRequest parse(byte[] json) throws JsApiException {
        return StreamConfigJson.request(json);
    }
}
