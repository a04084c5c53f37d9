package io.natrix.cli.kv;

import io.natrix.cli.CliException;
import io.natrix.cli.Globals;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.KeyValueOptions;
import java.io.IOException;

/**
 * Opens key-value buckets and their management API for the {@code kv} commands, with the command line's
 * JetStream domain or API prefix, turning "no such stream" into one line that names the bucket.
 */
final class KvBuckets {

    /** JetStream's "stream not found" error code. */
    static final int STREAM_NOT_FOUND = 10059;

    private KvBuckets() {
    }

    static KeyValueOptions options(Globals globals) {
        return KeyValueOptions.builder().jetStreamOptions(globals.jetStreamOptions()).build();
    }

    static KeyValueManagement management(Connection conn, Globals globals) throws IOException {
        return conn.keyValueManagement(options(globals));
    }

    /** The bucket, which must exist. */
    static KeyValue open(Connection conn, Globals globals, String bucket) throws IOException {
        try {
            return conn.keyValue(bucket, options(globals));
        } catch (IOException e) {
            if (e.getCause() instanceof JetStreamApiException api) {
                throw notFoundOr(api, bucket);
            }
            throw e;
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

    /** The key's not-found error. */
    static CliException keyNotFound(String bucket, String key) {
        return new CliException("key \"" + key + "\" not found in bucket \"" + bucket + "\"");
    }
}
