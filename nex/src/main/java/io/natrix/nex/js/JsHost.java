package io.natrix.nex.js;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

/**
 * The Java side the prelude ({@code prelude.js}) builds {@code hostServices}, {@code TextEncoder} and
 * {@code TextDecoder} on. Only the methods marked {@link HostAccess.Export} are visible to JavaScript. Bytes go
 * in as guest arrays and come out as {@link ByteArrayProxy}; lists come out as JSON text. A failure becomes a
 * guest exception with one clear message ({@code kv.set failed: ...}).
 *
 * <p>Called only on the thread that runs the function.
 */
public final class JsHost {

    /** The largest value a function may hand to a host service. */
    static final int VALUE_BYTES_MAX = 8 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HostServices services;

    JsHost(HostServices services) {
        this.services = services;
    }

    @HostAccess.Export
    public Object utf8Encode(String text) {
        return new ByteArrayProxy(text.getBytes(StandardCharsets.UTF_8));
    }

    @HostAccess.Export
    public String utf8Decode(Value bytes) {
        return new String(ByteArrayProxy.copyOf(bytes, VALUE_BYTES_MAX), StandardCharsets.UTF_8);
    }

    @HostAccess.Export
    public Object kvGet(String key) {
        return call("kv.get", () -> proxy(services.kvGet(key)));
    }

    @HostAccess.Export
    public void kvSet(String key, Value value) {
        byte[] bytes = ByteArrayProxy.copyOf(value, VALUE_BYTES_MAX);
        call("kv.set", () -> {
            services.kvSet(key, bytes);
            return null;
        });
    }

    @HostAccess.Export
    public void kvDelete(String key) {
        call("kv.delete", () -> {
            services.kvDelete(key);
            return null;
        });
    }

    @HostAccess.Export
    public String kvKeys() {
        return call("kv.keys", () -> json(services.kvKeys()));
    }

    @HostAccess.Export
    public void publish(String subject, Value value) {
        byte[] bytes = ByteArrayProxy.copyOf(value, VALUE_BYTES_MAX);
        call("messaging.publish", () -> {
            services.publish(subject, bytes);
            return null;
        });
    }

    @HostAccess.Export
    public Object request(String subject, Value value) {
        byte[] bytes = ByteArrayProxy.copyOf(value, VALUE_BYTES_MAX);
        return call("messaging.request", () -> proxy(services.request(subject, bytes)));
    }

    /** {@code http.<method>(url, body)}: the answer as a {@link HttpAnswer} the prelude turns into an object. */
    @HostAccess.Export
    public Object http(String method, String url, Value body) {
        byte[] bytes = body == null || body.isNull() ? new byte[0] : ByteArrayProxy.copyOf(body, VALUE_BYTES_MAX);
        return call("http." + method.toLowerCase(java.util.Locale.ROOT), () -> new HttpAnswer(services.http(method, url, bytes)));
    }

    /** What JavaScript sees of an HTTP answer: its status, headers (JSON) and body. */
    public static final class HttpAnswer {
        private final HttpHostService.Response response;

        HttpAnswer(HttpHostService.Response response) {
            this.response = response;
        }

        @HostAccess.Export
        public int status() {
            return response.status();
        }

        @HostAccess.Export
        public String headers() throws JsonProcessingException {
            return JSON.writeValueAsString(response.headers());
        }

        @HostAccess.Export
        public Object body() {
            return new ByteArrayProxy(response.body());
        }
    }

    @HostAccess.Export
    public Object objectGet(String name) {
        return call("objectStore.get", () -> proxy(services.objectGet(name)));
    }

    @HostAccess.Export
    public void objectPut(String name, Value value) {
        byte[] bytes = ByteArrayProxy.copyOf(value, VALUE_BYTES_MAX);
        call("objectStore.put", () -> {
            services.objectPut(name, bytes);
            return null;
        });
    }

    @HostAccess.Export
    public void objectDelete(String name) {
        call("objectStore.delete", () -> {
            services.objectDelete(name);
            return null;
        });
    }

    @HostAccess.Export
    public String objectList() {
        return call("objectStore.list", () -> json(services.objectList()));
    }

    private static Object proxy(byte[] bytes) {
        return bytes == null ? null : new ByteArrayProxy(bytes);
    }

    private static String json(List<String> values) throws JsonProcessingException {
        return JSON.writeValueAsString(values);
    }

    private interface HostCall<T> {
        T run() throws Exception;
    }

    private static <T> T call(String what, HostCall<T> body) {
        try {
            return body.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " interrupted", e);
        } catch (RuntimeException e) {
            throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
        }
    }
}
