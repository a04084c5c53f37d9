package io.natrix.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.support.GoDuration;
import io.nats.client.Connection;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code server check stream --stream NAME}: a stream's cluster, messages, subjects, sources and mirror against the
 * given thresholds, as natscli's stream check (thresholds come from flags only, not from stream metadata).
 */
@Command(name = "stream", description = "Checks the health of mirrored streams, streams with sources or "
        + "clustered streams")
final class StreamCheck extends HealthCheck {
    @Option(names = "--stream", required = true, description = "The streams to check")
    String stream;

    @Option(names = "--lag-critical", paramLabel = "MSGS",
            description = "Critical threshold to allow for lag on any source or mirror")
    long lagCritical;

    @Option(names = "--seen-critical", paramLabel = "DURATION",
            description = "Critical threshold for how long ago the source or mirror should have been seen")
    String seenCritical;

    @Option(names = "--min-sources", paramLabel = "SOURCES", description = "Minimum number of sources to expect")
    int minSources;

    @Option(names = "--max-sources", paramLabel = "SOURCES", description = "Maximum number of sources to expect")
    int maxSources;

    @Option(names = "--peer-expect", paramLabel = "SERVERS", description = "Number of cluster replicas to expect")
    int peerExpect;

    @Option(names = "--msgs-warn", paramLabel = "MSGS",
            description = "Warn if there are fewer than this many messages in the stream")
    long msgsWarn;

    @Option(names = "--msgs-critical", paramLabel = "MSGS",
            description = "Critical if there are fewer than this many messages in the stream")
    long msgsCritical;

    @Option(names = "--subjects-warn", paramLabel = "SUBJECTS",
            description = "Warning threshold for subjects in the stream")
    long subjectsWarn;

    @Option(names = "--subjects-critical", paramLabel = "SUBJECTS",
            description = "Critical threshold for subjects in the stream")
    long subjectsCritical;

    @Override
    CheckResult newResult() {
        return new CheckResult(stream, "stream");
    }

    @Override
    void validate() {
        ServerCheckCommand.seconds("--seen-critical", seenCritical);
    }

    @Override
    void check(Connection nc, CheckResult check) {
        JsonNode si = api(nc, check, "STREAM.INFO." + stream);
        if (si == null) {
            return;
        }
        cluster(si, check);
        messages(si, check);
        subjects(si, check);
        sources(si, check);
        mirror(si, check);
    }

    private void cluster(JsonNode si, CheckResult check) {
        JsonNode cluster = si.get("cluster");
        int replicas = si.path("config").path("num_replicas").asInt(1);
        boolean clustered = cluster != null && !cluster.path("leader").asText().isEmpty() || replicas > 1;
        if (!clustered && peerExpect <= 0) {
            return;
        }
        if (cluster == null || replicas <= 1) {
            check.critical("Stream is not clustered");
            return;
        }
        if (cluster.path("leader").asText().isEmpty()) {
            check.critical("No leader");
            return;
        }
        int peers = cluster.path("replicas").size() + 1;
        if (peers != peerExpect) {
            check.critical("Expected " + peerExpect + " replicas got " + peers);
        } else {
            check.ok(peers + " peers");
        }
        int offline = 0;
        for (JsonNode p : cluster.path("replicas")) {
            if (p.path("offline").asBoolean()) {
                offline++;
            }
        }
        if (offline > 0) {
            check.critical(offline + " replicas offline");
        }
    }

    private void messages(JsonNode si, CheckResult check) {
        if (msgsCritical <= 0 && msgsWarn <= 0) {
            return;
        }
        long msgs = si.path("state").path("messages").asLong();
        check.perf("messages", msgs, msgsWarn, msgsCritical, "", "Messages stored in the stream");
        if (msgsCritical > 0 && msgs <= msgsCritical) {
            check.critical(msgs + " messages");
        } else if (msgsWarn > 0 && msgs <= msgsWarn) {
            check.warn(msgs + " messages");
        } else {
            check.ok(msgs + " messages");
        }
    }

    private void subjects(JsonNode si, CheckResult check) {
        if (subjectsWarn <= 0 && subjectsCritical <= 0) {
            return;
        }
        long ns = si.path("state").path("num_subjects").asLong();
        boolean ascending = subjectsWarn < subjectsCritical;
        check.perf("subjects", ns, subjectsWarn, subjectsCritical, "", "Number of subjects stored in the stream");
        if (ascending && ns >= subjectsCritical || !ascending && ns <= subjectsCritical) {
            check.critical(ns + " subjects");
        } else if (ascending && ns >= subjectsWarn || !ascending && ns <= subjectsWarn) {
            check.warn(ns + " subjects");
        } else {
            check.ok(ns + " subjects");
        }
    }

    private void sources(JsonNode si, CheckResult check) {
        JsonNode sources = si.path("sources");
        int count = sources.size();
        check.perf("sources", count, minSources, maxSources, "", "Number of sources being consumed by this stream");
        if (minSources > 0 && count < minSources || maxSources > 0 && count > maxSources) {
            check.critical(count + " sources");
        } else {
            check.ok(count + " sources");
        }
        double seen = ServerCheckCommand.seconds("--seen-critical", seenCritical);
        if (lagCritical <= 0 && seen <= 0) {
            return;
        }
        int lagged = 0;
        int inactive = 0;
        for (JsonNode s : sources) {
            if (lagCritical > 0 && s.path("lag").asLong() >= lagCritical) {
                lagged++;
            }
            if (seen > 0 && s.path("active").asLong() / 1e9 >= seen) {
                inactive++;
            }
        }
        check.perf("sources_lagged", lagged, 0, 0, "",
                "Number of sources that are behind more than the configured threshold");
        check.perf("sources_inactive", inactive, 0, 0, "", "Number of sources that are inactive");
        if (lagged > 0) {
            check.critical(lagged + " sources are lagged");
        } else {
            check.ok(count + " sources current");
        }
        if (inactive > 0) {
            check.critical(inactive + " sources are inactive");
        } else {
            check.ok(count + " sources active");
        }
    }

    private void mirror(JsonNode si, CheckResult check) {
        double seen = ServerCheckCommand.seconds("--seen-critical", seenCritical);
        if (lagCritical <= 0 && seen <= 0 || si.path("sources").size() > 0) {
            return;
        }
        JsonNode mirror = si.path("config").get("mirror");
        JsonNode state = si.get("mirror");
        if (mirror == null || mirror.isNull()) {
            check.critical("not mirrored");
            return;
        }
        if (state == null || state.isNull()) {
            check.critical("invalid state");
            return;
        }
        long lag = state.path("lag").asLong();
        Duration active = Duration.ofNanos(state.path("active").asLong());
        check.perf("lag", lag, 0, lagCritical, "", "Number of operations this peer is behind its origin");
        check.perf("active", active.toNanos() / 1e9, 0, seen, "s",
                "Indicates if this peer is active and catching up if lagged");
        boolean ok = true;
        if (lagCritical > 0 && lag >= lagCritical) {
            check.critical("Mirror Lag " + lag);
            ok = false;
        }
        if (seen > 0 && active.toNanos() / 1e9 >= seen) {
            check.critical("Mirror Seen " + GoDuration.format(active));
            ok = false;
        }
        if (ok) {
            check.ok("Mirror " + mirror.path("name").asText());
        }
    }
}
