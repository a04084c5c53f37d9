package io.natrix.cli.object;

import io.natrix.cli.CliException;
import io.natrix.cli.Globals;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;
import io.nats.client.ObjectStoreManagement;
import io.nats.client.ObjectStoreOptions;
import io.nats.client.api.ObjectInfo;
import java.io.IOException;

/**
 * Opens object store buckets for the {@code object} commands, with the command line's JetStream domain or API
 * prefix. jnats opens a store without asking the server, so {@link #open} looks the bucket up first: a missing
 * bucket is one line naming it, not a failure at the first read.
 */
final class ObjBuckets {

    /** JetStream's "stream not found" error code. */
    static final int STREAM_NOT_FOUND = 10059;

    private ObjBuckets() {
    }

    static ObjectStoreOptions options(Globals globals) {
        return ObjectStoreOptions.builder().jetStreamOptions(globals.jetStreamOptions()).build();
    }

    static ObjectStoreManagement management(Connection conn, Globals globals) throws IOException {
        return conn.objectStoreManagement(options(globals));
    }

    /** The bucket, which must exist. */
    static ObjectStore open(Connection conn, Globals globals, String bucket) throws IOException {
        checkName(bucket);
        try {
            management(conn, globals).getStatus(bucket);
        } catch (JetStreamApiException e) {
            throw notFoundOr(e, bucket);
        }
        return conn.objectStore(bucket, options(globals));
    }

    /** The object's info; a missing or deleted object is a one-line error. */
    static ObjectInfo info(ObjectStore store, String name) throws IOException, JetStreamApiException {
        ObjectInfo info = store.getInfo(name);
        if (info == null) {
            throw new CliException("object \"" + name + "\" not found in bucket \"" + store.getBucketName() + "\"");
        }
        return info;
    }

    static void checkName(String bucket) {
        try {
            io.nats.client.support.Validator.validateBucketName(bucket, true);
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid bucket name \"" + bucket + "\": " + e.getMessage());
        }
    }

    /** Turns a "stream not found" API error into a one-line "bucket not found" error. */
    static RuntimeException notFoundOr(JetStreamApiException api, String bucket) {
        if (api.getApiErrorCode() == STREAM_NOT_FOUND) {
            return new CliException("bucket \"" + bucket + "\" not found");
        }
        return new CliException(api.getErrorDescription() + " (" + api.getApiErrorCode() + ")", api);
    }
}
