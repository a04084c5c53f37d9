package io.natrix.server.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP monitoring listener ({@code -m}/{@code http_port}): routes a path to an endpoint that turns the query
 * parameters into a JSON document, as nats-server's monitoring port does.
 *
 * <p>Endpoints run on the event loop of the HTTP connection; they only read server state. Not thread-safe to
 * register endpoints after {@link #bind}.
 */
public final class MonitorServer {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorServer.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** An endpoint: query parameters in, a JSON-serialisable value out; {@link BadRequest} for bad input. */
    public interface Endpoint extends Function<Map<String, List<String>>, Object> {
    }

    /** Thrown by an endpoint for input it refuses; answered with 400 and the message. */
    public static final class BadRequest extends RuntimeException {
        public BadRequest(String message) {
            super(message);
        }
    }

    private final Transport transport;
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private Channel channel;

    public MonitorServer(Transport transport) {
        this.transport = transport;
    }

    public MonitorServer route(String path, Endpoint endpoint) {
        endpoints.put(path, endpoint);
        return this;
    }

    public InetSocketAddress bind(String host, int port) throws IOException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(transport.group())
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(4096, 8192, 8192))
                                .addLast(new HttpObjectAggregator(64 * 1024))
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
                response = text(HttpResponseStatus.BAD_REQUEST, "bad request");
            } else if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
                response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed");
            } else {
                response = dispatch(new QueryStringDecoder(request.uri()));
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpUtil.setContentLength(response, response.content().readableBytes());
            if (keepAlive) {
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

    private FullHttpResponse dispatch(QueryStringDecoder query) {
        String path = query.path();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        Endpoint endpoint = endpoints.get(path);
        if (endpoint == null) {
            return text(HttpResponseStatus.NOT_FOUND, "404 page not found");
        }
        try {
            Object body = endpoint.apply(query.parameters());
            if (body instanceof Status status) {
                return json(HttpResponseStatus.valueOf(status.code()), status.body());
            }
            return json(HttpResponseStatus.OK, body);
        } catch (BadRequest e) {
            return text(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("monitoring endpoint {} failed", path, e);
            return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
        }
    }

    /** An endpoint answer with an explicit HTTP status (e.g. /healthz's 503). */
    public record Status(int code, Object body) {
    }

    private static FullHttpResponse json(HttpResponseStatus status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        return response;
    }

    private static FullHttpResponse text(HttpResponseStatus status, String message) {
        ByteBuf content = Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return response;
    }
}
