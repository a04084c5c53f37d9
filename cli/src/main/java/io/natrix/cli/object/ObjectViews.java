package io.natrix.cli.object;

import io.natrix.cli.output.Columns;
import io.natrix.cli.kv.Durations;
import io.natrix.cli.kv.Storage;
import io.natrix.cli.output.Human;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectLink;
import io.nats.client.api.ObjectStoreStatus;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Buckets and objects in natscli's {@code object info} layouts. */
final class ObjectViews {

    private ObjectViews() {
    }

    /** A bucket's status: configuration, metadata, cluster. */
    static void bucket(PrintWriter out, ObjectStoreStatus status) {
        StreamInfo info = status.getBackingStreamInfo();
        Columns cols = new Columns("Information for Object Store Bucket " + status.getBucketName()
                + (info == null ? "" : " created " + Human.time(info.getCreateTime())));
        cols.title("Configuration");
        cols.row("Bucket Name", status.getBucketName());
        cols.rowIfNotEmpty("Description", status.getDescription());
        cols.row("Replicas", status.getReplicas());
        Duration ttl = status.getTtl();
        cols.row("TTL", ttl == null || ttl.isZero() ? "unlimited" : Durations.human(ttl));
        cols.row("Sealed", status.isSealed());
        cols.row("Size", Human.bytes(status.getSize()));
        if (info != null) {
            long max = info.getConfiguration().getMaxBytes();
            cols.row("Maximum Bucket Size", max < 0 ? "unlimited" : Human.bytes(max));
        }
        cols.row("Storage", Storage.name(status.getStorageType()));
        cols.row("Backing Store Kind", status.getBackingStore());
        if (info != null) {
            cols.row("JetStream Stream", info.getConfiguration().getName());
            List<String> meta = new ArrayList<>();
            Storage.userMetadata(status.getMetadata()).forEach((k, v) -> meta.add(k + ": " + v));
            cols.rows("Metadata", meta);
            if (info.getClusterInfo() != null && info.getClusterInfo().getName() != null) {
                cols.title("Cluster Information");
                cols.row("Name", info.getClusterInfo().getName());
                cols.row("Leader", info.getClusterInfo().getLeader());
            }
        }
        cols.print(out);
    }

    /** One object: size, time, chunks, digest in hex, headers, metadata; a link says what it points at. */
    static void object(PrintWriter out, ObjectInfo info) {
        Columns cols = new Columns("Object information for " + info.getBucket() + " > " + info.getObjectName());
        cols.rowIfNotEmpty("Description", info.getDescription());
        ObjectLink link = info.getLink();
        if (link != null) {
            cols.row("Link", link.isBucketLink() ? "bucket " + link.getBucket()
                    : link.getBucket() + " > " + link.getObjectName());
        }
        cols.row("Size", Human.bytes(info.getSize()));
        cols.row("Modification Time", Human.time(info.getModified()));
        cols.row("Chunks", Human.count(info.getChunks()));
        String digest = digest(info.getDigest());
        cols.rowIf("Digest", digest, digest != null);
        cols.rowIf("Deleted", true, info.isDeleted());
        Headers headers = info.getHeaders();
        if (headers != null && !headers.isEmpty()) {
            List<String> values = new ArrayList<>();
            for (String key : new java.util.TreeSet<>(headers.keySet())) {
                for (String value : headers.get(key)) {
                    values.add(key + ": " + value);
                }
            }
            cols.rows("Headers", values);
        }
        Map<String, String> meta = info.getMetaData();
        if (meta != null && !meta.isEmpty()) {
            cols.title("Metadata");
            new TreeMap<>(meta).forEach(cols::row);
        }
        cols.print(out);
    }

    /** {@code SHA-256=<base64url>} as natscli shows it, {@code SHA-256 <hex>}; null when there is none. */
    static String digest(String digest) {
        if (digest == null || digest.isEmpty()) {
            return null;
        }
        int eq = digest.indexOf('=');
        if (eq < 0) {
            return digest;
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(digest.substring(eq + 1));
            return digest.substring(0, eq) + " " + HexFormat.of().formatHex(bytes);
        } catch (IllegalArgumentException e) {
            return digest;
        }
    }
}
