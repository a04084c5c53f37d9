package io.natrix.server.monitor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.natrix.server.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP monitoring listener ({@code -m}/{@code http_port}): routes a path to an endpoint that turns the query
 * parameters into a document, and writes it as nats-server's monitoring port does: JSON indented like Go's
 * {@code json.MarshalIndent} (two spaces, {@code "key": value}, {@code []} and {@code {}} when empty, {@code <>&}
 * escaped), {@code Access-Control-Allow-Origin: *}, JSONP when a {@code callback} parameter is given, plain-text
 * 400s carrying nats-server's error texts, and {@code 404 page not found} for any other path (paths match
 * exactly: {@code /varz/} is not {@code /varz}). Any method is answered, as Go's handlers do.
 *
 * <p>Endpoints run on the event loop of the HTTP connection; they only read server state. Routes are registered
 * before {@link #bind} and not after; the request counters (/varz {@code http_req_stats}) are thread-safe.
 */
public final class MonitorServer {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorServer.class);
    private static final ObjectMapper JSON = goJson();
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    /** An endpoint: query parameters in, a document out ({@link Reply}, {@link Text} or a JSON value). */
    interface Endpoint {
        Object answer(Query query);
    }

    /** Thrown by an endpoint for input it refuses; answered with 400 and the message as plain text. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    /** A JSON answer with an explicit status; {@code indent} false writes it on one line (as /healthz is). */
    record Reply(int status, Object body, boolean indent) {
    }

    /**
     * A non-JSON answer: the index page, the dashboard, stack dumps, Prometheus metrics, /raftz's 404; {@code headers}
     * are added to the response (the dashboard's Content-Security-Policy).
     */
    record Text(int status, String contentType, String body, Map<String, String> headers) {
        Text {
            headers = Map.copyOf(headers);
        }

        Text(int status, String contentType, String body) {
            this(status, contentType, body, Map.of());
        }

        Text(String contentType, String body) {
            this(200, contentType, body);
        }
    }

    private final Transport transport;
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private Channel channel;

    public MonitorServer(Transport transport) {
        this.transport = transport;
    }

    MonitorServer route(String path, Endpoint endpoint) {
        endpoints.put(path, endpoint);
        return this;
    }

    /** How many requests each path has had, for /varz's {@code http_req_stats}. */
    Map<String, Long> requestCounts() {
        Map<String, Long> counts = new TreeMap<>();
        requests.forEach((path, n) -> counts.put(path, n.sum()));
        return counts;
    }

    public InetSocketAddress bind(String host, int port) throws IOException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(transport.group())
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(8192, 8192, 8192))
                                .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast(new Handler());
                    }
                });
        try {
            channel = bootstrap.bind(host, port < 0 ? 0 : port).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            throw new IOException("can not listen for monitoring on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return (InetSocketAddress) channel.localAddress();
    }

    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response;
            if (!request.decoderResult().isSuccess()) {
                response = text(HttpResponseStatus.BAD_REQUEST, "text/plain; charset=utf-8", "400 Bad Request");
            } else {
                response = dispatch(new QueryStringDecoder(request.uri()));
            }
            HttpUtil.setContentLength(response, response.content().readableBytes());
            if (request.method() == HttpMethod.HEAD) {
                response.content().clear();
            }
            if (HttpUtil.isKeepAlive(request)) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("monitoring connection error: {}", cause.getMessage());
            ctx.close();
        }
    }

    private FullHttpResponse dispatch(QueryStringDecoder decoder) {
        String path;
        try {
            path = decoder.path();
        } catch (IllegalArgumentException e) {
            return text(HttpResponseStatus.BAD_REQUEST, "text/plain; charset=utf-8", "400 Bad Request");
        }
        Endpoint endpoint = endpoints.get(path);
        if (endpoint == null) {
            return text(HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8", "404 page not found\n");
        }
        requests.computeIfAbsent(path, p -> new LongAdder()).increment();
        Query query = new Query(parameters(decoder));
        try {
            Object body = endpoint.answer(query);
            if (body instanceof Text t) {
                FullHttpResponse response = text(HttpResponseStatus.valueOf(t.status()), t.contentType(), t.body());
                t.headers().forEach((name, value) -> response.headers().set(name, value));
                return response;
            }
            Reply reply = body instanceof Reply r ? r : new Reply(200, body, true);
            return json(HttpResponseStatus.valueOf(reply.status()), reply.body(), reply.indent(),
                    query.get("callback"));
        } catch (BadRequest e) {
            return text(HttpResponseStatus.BAD_REQUEST, "text/plain; charset=utf-8", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("monitoring endpoint {} failed", path, e);
            return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", "internal error");
        }
    }

    /** The query's parameters; like Go's {@code URL.Query()}, a pair with a bad escape is dropped, not fatal. */
    private static Map<String, List<String>> parameters(QueryStringDecoder decoder) {
        try {
            return decoder.parameters();
        } catch (IllegalArgumentException e) {
            Map<String, List<String>> kept = new LinkedHashMap<>();
            for (String pair : decoder.rawQuery().split("&")) {
                try {
                    new QueryStringDecoder("?" + pair).parameters()
                            .forEach((k, v) -> kept.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
                } catch (IllegalArgumentException skipped) {
                    // Dropped, as Go drops it.
                }
            }
            return kept;
        }
    }

    /** Serialises as the monitoring port does (exposed to the package for tests and the system services). */
    static byte[] toJson(Object body, boolean indent) {
        try {
            return indent ? JSON.writeValueAsBytes(body) : JSON.writer().without(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FullHttpResponse json(HttpResponseStatus status, Object body, boolean indent, String callback) {
        byte[] bytes = toJson(body, indent);
        ByteBuf content;
        String type;
        if (callback.isEmpty()) {
            content = Unpooled.wrappedBuffer(bytes);
            type = "application/json";
        } else {
            content = Unpooled.buffer(bytes.length + callback.length() + 2);
            content.writeCharSequence(callback, StandardCharsets.UTF_8);
            content.writeByte('(').writeBytes(bytes).writeByte(')');
            type = "application/javascript";
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        if (callback.isEmpty()) {
            response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        }
        return response;
    }

    private static FullHttpResponse text(HttpResponseStatus status, String contentType, String body) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        return response;
    }

    /** A mapper writing JSON as Go's encoder does (see the class description). */
    private static ObjectMapper goJson() {
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(separators)
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter);
        JsonFactory factory = JsonFactory.builder()
                .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
                .build()
                .setCharacterEscapes(new GoEscapes());
        return new ObjectMapper(factory).enable(SerializationFeature.INDENT_OUTPUT).setDefaultPrettyPrinter(printer);
    }

    /** Go's encoder writes {@code <}, {@code >} and {@code &} as Unicode escapes, so JSON is safe inside HTML. */
    private static final class GoEscapes extends CharacterEscapes {
        private final int[] ascii = CharacterEscapes.standardAsciiEscapesForJSON();

        GoEscapes() {
            ascii['<'] = CharacterEscapes.ESCAPE_STANDARD;
            ascii['>'] = CharacterEscapes.ESCAPE_STANDARD;
            ascii['&'] = CharacterEscapes.ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }
}
