package io.natrix.cli.kv;

import io.natrix.cli.output.Columns;
import io.natrix.cli.output.Human;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.MirrorInfo;
import io.nats.client.api.Republish;
import io.nats.client.api.Source;
import io.nats.client.api.SourceInfo;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;

/**
 * A key-value bucket's status in natscli's {@code kv info} layout: configuration, then mirror, sources, metadata
 * and cluster sections when the bucket has them. Printed by {@code kv add} and {@code kv info}.
 */
final class KvStatusView {

    private KvStatusView() {
    }

    static void print(PrintWriter out, KeyValueStatus status) {
        StreamInfo info = status.getBackingStreamInfo();
        Columns cols = new Columns("Information for Key-Value Store Bucket " + status.getBucketName()
                + (info == null ? "" : " created " + Human.time(info.getCreateTime())));
        cols.title("Configuration");
        cols.row("Bucket Name", status.getBucketName());
        cols.row("History Kept", Human.count(status.getMaxHistoryPerKey()));
        cols.row("Values Stored", Human.count(status.getEntryCount()));
        cols.row("Compressed", status.isCompressed());
        Duration markerTtl = status.getLimitMarkerTtl();
        boolean perKeyTtl = markerTtl != null && !markerTtl.isZero();
        cols.row("Per-Key TTL Supported", perKeyTtl);
        cols.rowIf("Limit Marker TTL", perKeyTtl ? Durations.human(markerTtl) : null, perKeyTtl);
        cols.row("Backing Store Kind", status.getBackingStore());
        if (info != null) {
            StreamConfiguration config = info.getConfiguration();
            cols.rowIfNotEmpty("Description", config.getDescription());
            cols.row("Bucket Size", Human.bytes(info.getStreamState().getByteCount()));
            cols.row("Maximum Bucket Size", config.getMaxBytes() < 0 ? "unlimited" : Human.bytes(config.getMaxBytes()));
            cols.row("Maximum Value Size", config.getMaximumMessageSize() < 0
                    ? "unlimited" : Human.bytes(config.getMaximumMessageSize()));
            Duration maxAge = config.getMaxAge();
            cols.row("Maximum Age", maxAge == null || maxAge.isZero() || maxAge.isNegative()
                    ? "unlimited" : Durations.human(maxAge));
            cols.row("JetStream Stream", config.getName());
            cols.row("Storage", Storage.name(config.getStorageType()));
            Republish republish = config.getRepublish();
            if (republish != null) {
                cols.row(republish.isHeadersOnly() ? "Republishing Headers" : "Republishing",
                        republish.getSource() + " to " + republish.getDestination());
            }
            MirrorInfo mirror = info.getMirrorInfo();
            if (mirror != null && config.getMirror() != null) {
                cols.title("Mirror Information");
                cols.row("Origin Bucket", bucketOf(config.getMirror().getName()));
                if (config.getMirror().getExternal() != null) {
                    cols.row("External API", config.getMirror().getExternal().getApi());
                }
                cols.row("Last Seen", lastSeen(mirror.getActive()));
                cols.row("Lag", Human.count(mirror.getLag()));
            }
            if (info.getSourceInfos() != null && !info.getSourceInfos().isEmpty()) {
                cols.title("Sources Information");
                for (SourceInfo source : info.getSourceInfos()) {
                    for (Source configured : config.getSources()) {
                        if (configured.getName().equals(source.getName())) {
                            cols.row("Source Bucket", bucketOf(source.getName()));
                            if (configured.getExternal() != null) {
                                cols.row("External API", configured.getExternal().getApi());
                            }
                        }
                    }
                    cols.row("Last Seen", lastSeen(source.getActive()));
                    cols.row("Lag", Human.count(source.getLag()));
                }
            }
            Map<String, String> meta = Storage.userMetadata(status.getMetadata());
            if (!meta.isEmpty()) {
                cols.title("Metadata");
                meta.forEach(cols::row);
            }
            if (info.getClusterInfo() != null && info.getClusterInfo().getName() != null) {
                cols.title("Cluster Information");
                cols.row("Name", info.getClusterInfo().getName());
                cols.row("Leader", info.getClusterInfo().getLeader());
            }
        }
        cols.print(out);
    }

    private static String lastSeen(Duration active) {
        return active == null || active.isNegative() || active.isZero() ? "never" : Durations.human(active);
    }

    private static String bucketOf(String stream) {
        return stream.startsWith("KV_") ? stream.substring(3) : stream;
    }
}
