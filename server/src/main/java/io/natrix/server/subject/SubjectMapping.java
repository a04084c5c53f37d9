package io.natrix.server.subject;

import io.natrix.server.subject.SubjectTransformException.Reason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One account subject mapping: a source subject and the destinations that messages published to it go to, each
 * with a weight in percent.
 *
 * <p>Built as nats-server builds it: each destination is a {@link SubjectTransform} of the source; weights are 0 to
 * 100 and add up to at most 100 per cluster. When they add up to less, the rest goes to the source subject itself
 * (the message passes unchanged), unless the source is listed among the destinations: then the rest of the draws
 * drop the message, which nats-server keeps for loss testing. Destinations scoped to a cluster apply on servers of
 * that cluster only and replace the unscoped ones there; elsewhere, and on a server without a cluster, they are
 * ignored (they are still validated).
 *
 * <p>Each {@link #map} draws a number from 0 to 99 with {@link ThreadLocalRandom} and takes the first destination
 * (in order of increasing weight) whose running total of weights exceeds it; a mapping with one destination of
 * weight 100 draws nothing.
 *
 * <p>Immutable and thread-safe.
 */
public final class SubjectMapping {

    /** What {@link #map} returns when the draw falls on the part of the weights that drops the message. */
    public static final String DROPPED = "";

    /**
     * One destination as configured: a transform destination, its weight in percent (0 to 100), and the cluster it
     * is scoped to ({@code ""} for none).
     */
    public record Destination(String subject, int weight, String cluster) {
        public Destination {
            Objects.requireNonNull(subject, "subject");
            cluster = cluster == null ? "" : cluster;
        }

        /** An unscoped destination. */
        public Destination(String subject, int weight) {
            this(subject, weight, "");
        }
    }

    /**
     * The destinations of one scope, ready for drawing: transforms (null for "unchanged", and for "dropped" when
     * {@code thresholds} never exceed the draw) with running totals of their weights.
     */
    private record Choice(SubjectTransform[] transforms, int[] thresholds) {
        /** The index of the destination for a draw from 0 to 99, or -1 for none (the message is dropped). */
        int pick(int draw) {
            for (int i = 0; i < thresholds.length; i++) {
                if (draw < thresholds[i]) {
                    return i;
                }
            }
            return -1;
        }

        boolean single() {
            return thresholds.length == 1 && thresholds[0] == 100;
        }
    }

    private final String source;
    private final SubjectTransform matcher;
    private final boolean literal;
    private final List<Destination> destinations;
    private final Choice unscoped;
    private final Map<String, Choice> byCluster;

    private SubjectMapping(String source, List<Destination> destinations, Choice unscoped,
                           Map<String, Choice> byCluster) {
        this.source = source;
        this.literal = !Subjects.hasWildcard(source);
        this.matcher = literal ? null : SubjectTransform.matcher(source);
        this.destinations = destinations;
        this.unscoped = unscoped;
        this.byCluster = byCluster;
    }

    /**
     * Builds a mapping from {@code source} to weighted destinations, validating as nats-server does.
     *
     * @throws SubjectTransformException for an invalid source or destination, a destination listed twice, a weight
     *     outside 0 to 100, or weights of one cluster adding up to more than 100
     */
    public static SubjectMapping of(String source, List<Destination> destinations) {
        Objects.requireNonNull(source, "source");
        if (!Subjects.isValidSubscribeSubject(source)) {
            throw new SubjectTransformException(Reason.BAD_SUBJECT);
        }
        List<Destination> copy = List.copyOf(destinations);
        Set<String> seen = new HashSet<>();
        Map<String, Integer> totals = new HashMap<>();
        Map<String, List<Weighted>> scopes = new LinkedHashMap<>();
        scopes.put("", new ArrayList<>());
        for (Destination d : copy) {
            if (!seen.add(d.subject())) {
                throw SubjectTransformException.withMessage(Reason.DUPLICATE_DESTINATION,
                        "duplicate entry for " + quote(d.subject()));
            }
            if (d.weight() < 0 || d.weight() > 100) {
                throw new SubjectTransformException(Reason.WEIGHT_OUT_OF_RANGE);
            }
            if (totals.merge(d.cluster(), d.weight(), Integer::sum) > 100) {
                throw new SubjectTransformException(Reason.TOTAL_WEIGHT_TOO_LARGE);
            }
            SubjectTransform transform = SubjectTransform.parse(source, d.subject());
            scopes.computeIfAbsent(d.cluster(), c -> new ArrayList<>()).add(new Weighted(transform, d.weight()));
        }
        boolean sourceListed = seen.contains(source);
        Choice unscoped = choice(scopes.remove(""), sourceListed);
        Map<String, Choice> byCluster = new HashMap<>();
        scopes.forEach((cluster, list) -> byCluster.put(cluster, choice(list, sourceListed)));
        return new SubjectMapping(source, copy, unscoped, Map.copyOf(byCluster));
    }

    private record Weighted(SubjectTransform transform, int weight) {
    }

    /**
     * Orders one scope's destinations for drawing. Weights short of 100 go to the unchanged subject unless the
     * source is itself a destination; destinations are sorted by weight (stable, unlike nats-server's sort, so
     * equal weights keep their configured order) and given running totals.
     */
    private static Choice choice(List<Weighted> list, boolean sourceListed) {
        List<Weighted> all = new ArrayList<>(list);
        int total = 0;
        for (Weighted w : all) {
            total += w.weight;
        }
        if (total != 100 && !sourceListed) {
            all.add(new Weighted(null, all.isEmpty() ? 100 : 100 - total));
        }
        all.sort(Comparator.comparingInt(Weighted::weight));
        SubjectTransform[] transforms = new SubjectTransform[all.size()];
        int[] thresholds = new int[all.size()];
        int running = 0;
        for (int i = 0; i < all.size(); i++) {
            running += all.get(i).weight;
            transforms[i] = all.get(i).transform;
            thresholds[i] = running;
        }
        return new Choice(transforms, thresholds);
    }

    /** The source subject, possibly with wildcards. */
    public String source() {
        return source;
    }

    /** Whether the source has no wildcards (such mappings are found by exact lookup). */
    public boolean isLiteral() {
        return literal;
    }

    /** The destinations as configured. */
    public List<Destination> destinations() {
        return destinations;
    }

    /**
     * The subject a message published to {@code subject} goes to: null when the subject does not match the source
     * (or is not a literal subject), {@link #DROPPED} when the draw drops the message, else the chosen destination
     * (which may be the subject itself).
     */
    public String map(String subject) {
        return map(subject, "");
    }

    /** {@link #map(String)} on a server of cluster {@code cluster} ({@code ""} for none). */
    String map(String subject, String cluster) {
        int[] bounds = null;
        if (literal) {
            if (!source.equals(subject)) {
                return null;
            }
        } else {
            bounds = SubjectTransform.bounds(subject);
            if (bounds == null || !matcher.matches(subject, bounds)) {
                return null;
            }
        }
        return mapMatched(subject, bounds, cluster);
    }

    /** Whether {@code subject}, located by {@link SubjectTransform#bounds}, matches this mapping's source. */
    boolean matches(String subject, int[] bounds) {
        return literal ? source.equals(subject) : matcher.matches(subject, bounds);
    }

    /** The destination for a subject known to match; {@code bounds} may be null for a literal source. */
    String mapMatched(String subject, int[] bounds, String cluster) {
        Choice choice = unscoped;
        if (!byCluster.isEmpty() && !cluster.isEmpty()) {
            choice = byCluster.getOrDefault(cluster, unscoped);
        }
        int index = choice.single() ? 0 : choice.pick(ThreadLocalRandom.current().nextInt(100));
        return destination(choice, index, subject, bounds);
    }

    /** {@link #mapMatched} with a given draw (0 to 99), for tests of the weighting. */
    String mapWithDraw(String subject, int draw, String cluster) {
        Choice choice = cluster.isEmpty() ? unscoped : byCluster.getOrDefault(cluster, unscoped);
        int[] bounds = literal ? null : SubjectTransform.bounds(subject);
        return destination(choice, choice.pick(draw), subject, bounds);
    }

    private static String destination(Choice choice, int index, String subject, int[] bounds) {
        if (index < 0) {
            return DROPPED;
        }
        SubjectTransform transform = choice.transforms[index];
        return transform == null ? subject : transform.transform(subject, bounds);
    }

    @Override
    public String toString() {
        return source + " -> " + destinations;
    }

    static String quote(String s) {
        return '"' + s + '"';
    }
}
