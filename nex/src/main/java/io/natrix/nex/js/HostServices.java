package io.natrix.nex.js;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.ObjectStore;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectStoreConfiguration;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The host services one workload's functions get (Nex v0's {@code hostServices}), on the node's host-services
 * connection and scoped by namespace and workload name: key-value in bucket {@code hs_<ns>_<name>_kv}, objects in
 * {@code hs_<ns>_<name>_obj} (both created on first use, as v0's {@code jit_provision} does), messaging, and
 * HTTP requests made by the node ({@link HttpHostService}; a node can switch it off).
 * Functions therefore need no NATS credentials of their own.
 *
 * <p>Thread-safe: the buckets are looked up once under this object's lock; jnats' handles are thread-safe.
 */
public final class HostServices {

    private final Connection connection;
    private final String kvBucket;
    private final String objectBucket;
    private final Duration requestTimeout;
    private final boolean httpEnabled;
    private KeyValue kv;
    private ObjectStore objects;

    public HostServices(Connection connection, String namespace, String workloadName, Duration requestTimeout,
                        boolean httpEnabled) {
        this.connection = connection;
        this.httpEnabled = httpEnabled;
        this.kvBucket = kvBucket(namespace, workloadName);
        this.objectBucket = objectBucket(namespace, workloadName);
        this.requestTimeout = requestTimeout;
    }

    /** The key-value bucket of a workload: {@code hs_<ns>_<name>_kv}. */
    public static String kvBucket(String namespace, String workloadName) {
        return "hs_" + namespace + "_" + workloadName + "_kv";
    }

    /** The object store of a workload: {@code hs_<ns>_<name>_obj}. */
    public static String objectBucket(String namespace, String workloadName) {
        return "hs_" + namespace + "_" + workloadName + "_obj";
    }

    public byte[] kvGet(String key) throws IOException, JetStreamApiException {
        KeyValueEntry entry = kv().get(key);
        return entry == null ? null : entry.getValue() == null ? new byte[0] : entry.getValue();
    }

    public void kvSet(String key, byte[] value) throws IOException, JetStreamApiException {
        kv().put(key, value);
    }

    public void kvDelete(String key) throws IOException, JetStreamApiException {
        kv().delete(key);
    }

    public List<String> kvKeys() throws IOException, JetStreamApiException, InterruptedException {
        return kv().keys();
    }

    public void publish(String subject, byte[] payload) {
        connection.publish(subject, payload);
    }

    /** A request through the host-services connection; the reply's payload, or an error if none came in time. */
    public byte[] request(String subject, byte[] payload) throws InterruptedException {
        Message reply = connection.request(subject, payload, requestTimeout);
        if (reply == null) {
            throw new IllegalStateException("no reply on " + subject + " within " + requestTimeout.toMillis() + " ms");
        }
        return reply.getData() == null ? new byte[0] : reply.getData();
    }

    /** An HTTP request on the function's behalf; refused when the node switched the http service off. */
    HttpHostService.Response http(String method, String url, byte[] body) throws IOException, InterruptedException {
        if (!httpEnabled) {
            throw new IllegalStateException("the http host service is disabled on this node");
        }
        return HttpHostService.send(method, url, body);
    }

    public byte[] objectGet(String name) throws IOException, JetStreamApiException, InterruptedException {
        ObjectStore store = objects();
        ObjectInfo info = store.getInfo(name);
        if (info == null || info.isDeleted()) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            store.get(name, out);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
        return out.toByteArray();
    }

    public void objectPut(String name, byte[] value) throws IOException, JetStreamApiException {
        try {
            objects().put(name, new ByteArrayInputStream(value));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }

    public void objectDelete(String name) throws IOException, JetStreamApiException {
        objects().delete(name);
    }

    public List<String> objectList() throws IOException, JetStreamApiException, InterruptedException {
        List<String> names = new ArrayList<>();
        for (ObjectInfo info : objects().getList()) {
            if (!info.isDeleted()) {
                names.add(info.getObjectName());
            }
        }
        return names;
    }

    private synchronized KeyValue kv() throws IOException, JetStreamApiException {
        if (kv == null) {
            if (!connection.keyValueManagement().getBucketNames().contains(kvBucket)) {
                try {
                    connection.keyValueManagement().create(KeyValueConfiguration.builder().name(kvBucket).build());
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != 10058) { // another copy created it first
                        throw e;
                    }
                }
            }
            kv = connection.keyValue(kvBucket);
        }
        return kv;
    }

    private synchronized ObjectStore objects() throws IOException, JetStreamApiException {
        if (objects == null) {
            if (!connection.objectStoreManagement().getBucketNames().contains(objectBucket)) {
                try {
                    connection.objectStoreManagement().create(ObjectStoreConfiguration.builder(objectBucket).build());
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != 10058) {
                        throw e;
                    }
                }
            }
            objects = connection.objectStore(objectBucket);
        }
        return objects;
    }
}
