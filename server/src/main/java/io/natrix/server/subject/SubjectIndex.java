package io.natrix.server.subject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The subscription index of one account: which subscriptions match a literal subject.
 *
 * <p>A trie with one level per subject token. Each level maps literal tokens to nodes and has at most one
 * {@code *} node and one {@code >} node; each node keeps the plain subscriptions and the queue groups whose subject
 * ends there. Matching a subject walks literal, {@code *} and {@code >} branches together.
 *
 * <p>In front of the trie sits a bounded match cache keyed by the literal subject. Publishers look subjects up by
 * the bytes in their input buffer through a reusable {@link LookupKey}, so a cache hit allocates nothing and takes
 * no lock. Inserting or removing a subscription drops exactly the cached results whose subject it matches.
 *
 * <p>A result is cached the second time its subject misses, not the first: subjects seen once (a reply inbox, a
 * JetStream ack subject, which carries sequence numbers) would otherwise fill the cache, evict the subjects that do
 * repeat and make every miss pay for a sweep. The admission filter is a table of subject hashes; a collision only
 * admits a subject one miss early or late.
 *
 * <p>Thread-safety: safe for any number of threads. Matching a cached subject is lock-free; a cache miss walks the
 * trie under the read lock and fills the cache while still holding it, and changes take the write lock, so a
 * result computed before a change can never be cached after it.
 */
public final class SubjectIndex {

    /** Bound on cached results; beyond it a quarter of the entries are swept. */
    static final int CACHE_MAX = 1024;
    /** Slots of the admission filter (a power of two; 4 KB per account that misses at all). */
    private static final int SEEN_SLOTS = 1024;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Level root = new Level();
    private final ConcurrentHashMap<LookupKey, MatchResult> cache = new ConcurrentHashMap<>();
    /**
     * Hashes of subjects that missed the cache once, made on the first miss. Racy by design: a lost write (or a
     * second table made by a racing first miss) only delays an admission.
     */
    private int[] seen;
    private final boolean cacheEnabled;
    private int count;
    private long inserts;
    private long removes;
    private final LongAdder matches = new LongAdder();
    private final LongAdder cacheHits = new LongAdder();

    public SubjectIndex() {
        this(true);
    }

    public SubjectIndex(boolean cacheEnabled) {
        this.cacheEnabled = cacheEnabled;
    }

    /** Adds a subscription. The subject must be a valid subscription subject. */
    public void insert(Subscription sub) {
        String[] tokens = Subjects.tokens(sub.subject());
        lock.writeLock().lock();
        try {
            Level level = root;
            Node node = null;
            for (String token : tokens) {
                node = level.nodeFor(token, true);
                if (node.next == null) {
                    node.next = new Level();
                }
                level = node.next;
            }
            node.add(sub);
            count++;
            inserts++;
            invalidate(sub.subject());
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes a subscription; returns false when it was not in the index. */
    public boolean remove(Subscription sub) {
        String[] tokens = Subjects.tokens(sub.subject());
        lock.writeLock().lock();
        try {
            Node[] path = new Node[tokens.length];
            Level[] levels = new Level[tokens.length];
            Level level = root;
            for (int i = 0; i < tokens.length; i++) {
                if (level == null) {
                    return false;
                }
                Node node = level.nodeFor(tokens[i], false);
                if (node == null) {
                    return false;
                }
                levels[i] = level;
                path[i] = node;
                level = node.next;
            }
            if (!path[tokens.length - 1].remove(sub)) {
                return false;
            }
            // Prune nodes left with neither subscriptions nor children, deepest first.
            for (int i = tokens.length - 1; i >= 0; i--) {
                Node node = path[i];
                if (node.isEmpty() && (node.next == null || node.next.isEmpty())) {
                    levels[i].removeNode(tokens[i]);
                } else {
                    break;
                }
            }
            count--;
            removes++;
            invalidate(sub.subject());
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Matches a subject given as bytes of an array; {@code key} is the caller's reusable lookup key. Wildcard tokens
     * in it are taken literally. Returns {@link MatchResult#INVALID} for a malformed subject.
     */
    public MatchResult match(byte[] array, int offset, int length, LookupKey key) {
        matches.increment();
        if (cacheEnabled) {
            key.wrap(array, offset, length);
            MatchResult cached = cache.get(key);
            if (cached != null) {
                cacheHits.increment();
                return cached;
            }
        }
        return matchSlow(new String(array, offset, length, StandardCharsets.UTF_8));
    }

    /** Matches a literal subject (for internal publishers; allocates a key on cache misses only). */
    public MatchResult match(String subject) {
        matches.increment();
        if (cacheEnabled) {
            MatchResult cached = cache.get(LookupKey.of(subject));
            if (cached != null) {
                cacheHits.increment();
                return cached;
            }
        }
        return matchSlow(subject);
    }

    private MatchResult matchSlow(String subject) {
        // A subject with wildcard tokens is matched with the tokens taken literally, as nats-server's sublist does
        // (JetStream clients publish such subjects, e.g. a consumer create request naming its filter).
        if (!Subjects.isValidPublishSubject(subject) && !Subjects.isValidSubscribeSubject(subject)) {
            return MatchResult.INVALID;
        }
        lock.readLock().lock();
        try {
            Collector collector = new Collector();
            collect(root, subject, 0, collector);
            MatchResult result = collector.result();
            if (cacheEnabled && admit(subject)) {
                if (cache.size() >= CACHE_MAX) {
                    sweep();
                }
                cache.put(LookupKey.of(subject), result);
            }
            return result;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Number of subscriptions in the index. */
    public int count() {
        lock.readLock().lock();
        try {
            return count;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Calls {@code action} for every subscription (under the read lock: the action must not change the index). */
    public void forEach(Consumer<Subscription> action) {
        lock.readLock().lock();
        try {
            root.forEach(action);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Figures for monitoring (/subsz). */
    public Stats stats() {
        lock.readLock().lock();
        try {
            int maxFanout = 0;
            long totalFanout = 0;
            int cached = 0;
            for (MatchResult result : cache.values()) {
                int fanout = result.plain().length;
                for (Subscription[] group : result.queueGroups()) {
                    fanout += group.length;
                }
                maxFanout = Math.max(maxFanout, fanout);
                totalFanout += fanout;
                cached++;
            }
            return new Stats(count, cached, inserts, removes, matches.sum(), cacheHits.sum(), maxFanout,
                    cached == 0 ? 0 : (double) totalFanout / cached);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Counters of the index, as /subsz reports them; the fan-out figures are over the cached results, as
     * nats-server computes them.
     */
    public record Stats(int subscriptions, int cacheEntries, long inserts, long removes, long matches,
                        long cacheHits, int maxFanout, double avgFanout) {
        public double cacheHitRate() {
            return matches == 0 ? 0 : (double) cacheHits / matches;
        }
    }

    private void invalidate(String filter) {
        if (cache.isEmpty()) {
            return;
        }
        if (!Subjects.hasWildcard(filter)) {
            cache.remove(LookupKey.of(filter)); // a literal subscription changes only its own subject's result
            return;
        }
        for (LookupKey key : cache.keySet()) {
            if (Subjects.matches(filter, key.subject)) {
                cache.remove(key);
            }
        }
    }

    /** Whether a subject that just missed the cache missed it before too (then its result is cached). */
    private boolean admit(String subject) {
        int[] table = seen;
        if (table == null) {
            seen = table = new int[SEEN_SLOTS];
        }
        int h = subject.hashCode();
        int slot = (h ^ (h >>> 16)) & (SEEN_SLOTS - 1);
        if (table[slot] == h) {
            return true;
        }
        table[slot] = h;
        return false;
    }

    private void sweep() {
        Iterator<LookupKey> it = cache.keySet().iterator();
        int target = CACHE_MAX * 3 / 4;
        while (it.hasNext() && cache.size() > target) {
            it.next();
            it.remove();
        }
    }

    /**
     * Walks the level for the token of {@code subject} starting at {@code start}. Tokens are cut out of the subject
     * only where a level has literal children to look up, so a subject that a {@code >} subscription matches near
     * the root (JetStream's ack subjects, say) costs a token or two, not one string per token.
     */
    private static void collect(Level level, String subject, int start, Collector out) {
        if (level.full != null) {
            out.add(level.full);
        }
        int dot = subject.indexOf('.', start);
        boolean last = dot < 0;
        if (level.star != null) {
            visit(level.star, subject, dot, last, out);
        }
        if (!level.literals.isEmpty()) {
            Node literal = level.literals.get(subject.substring(start, last ? subject.length() : dot));
            if (literal != null) {
                visit(literal, subject, dot, last, out);
            }
        }
    }

    private static void visit(Node node, String subject, int dot, boolean last, Collector out) {
        if (last) {
            out.add(node);
        } else if (node.next != null) {
            collect(node.next, subject, dot + 1, out);
        }
    }

    /** One token position of the trie. */
    private static final class Level {
        final HashMap<String, Node> literals = new HashMap<>();
        Node star;
        Node full;

        Node nodeFor(String token, boolean create) {
            if (token.equals("*")) {
                if (star == null && create) {
                    star = new Node();
                }
                return star;
            }
            if (token.equals(">")) {
                if (full == null && create) {
                    full = new Node();
                }
                return full;
            }
            return create ? literals.computeIfAbsent(token, t -> new Node()) : literals.get(token);
        }

        void removeNode(String token) {
            if (token.equals("*")) {
                star = null;
            } else if (token.equals(">")) {
                full = null;
            } else {
                literals.remove(token);
            }
        }

        boolean isEmpty() {
            return literals.isEmpty() && star == null && full == null;
        }

        void forEach(Consumer<Subscription> action) {
            for (Node node : literals.values()) {
                node.forEach(action);
            }
            if (star != null) {
                star.forEach(action);
            }
            if (full != null) {
                full.forEach(action);
            }
        }
    }

    /** The subscriptions ending at one token, and the level below it. */
    private static final class Node {
        Level next;
        final List<Subscription> plain = new ArrayList<>(1);
        Map<String, List<Subscription>> queues;

        void add(Subscription sub) {
            if (sub.queue() == null) {
                plain.add(sub);
            } else {
                if (queues == null) {
                    queues = new LinkedHashMap<>();
                }
                queues.computeIfAbsent(sub.queue(), q -> new ArrayList<>(2)).add(sub);
            }
        }

        boolean remove(Subscription sub) {
            if (sub.queue() == null) {
                return removeIdentical(plain, sub);
            }
            if (queues == null) {
                return false;
            }
            List<Subscription> group = queues.get(sub.queue());
            if (group == null || !removeIdentical(group, sub)) {
                return false;
            }
            if (group.isEmpty()) {
                queues.remove(sub.queue());
            }
            return true;
        }

        private static boolean removeIdentical(List<Subscription> list, Subscription sub) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) == sub) {
                    list.remove(i);
                    return true;
                }
            }
            return false;
        }

        boolean isEmpty() {
            return plain.isEmpty() && (queues == null || queues.isEmpty());
        }

        void forEach(Consumer<Subscription> action) {
            plain.forEach(action);
            if (queues != null) {
                queues.values().forEach(group -> group.forEach(action));
            }
            if (next != null) {
                next.forEach(action);
            }
        }
    }

    /** Gathers a match: plain subscriptions, and queue members merged by group name across trie nodes. */
    private static final class Collector {
        final List<Subscription> plain = new ArrayList<>();
        Map<String, List<Subscription>> groups;

        void add(Node node) {
            plain.addAll(node.plain);
            if (node.queues != null) {
                if (groups == null) {
                    groups = new LinkedHashMap<>();
                }
                node.queues.forEach((name, members) ->
                        groups.computeIfAbsent(name, n -> new ArrayList<>()).addAll(members));
            }
        }

        MatchResult result() {
            if (plain.isEmpty() && groups == null) {
                return MatchResult.EMPTY;
            }
            Subscription[] p = plain.isEmpty() ? MatchResult.NO_SUBSCRIPTIONS : plain.toArray(new Subscription[0]);
            Subscription[][] q = MatchResult.NO_GROUPS;
            if (groups != null) {
                q = new Subscription[groups.size()][];
                int i = 0;
                for (List<Subscription> members : groups.values()) {
                    q[i++] = members.toArray(new Subscription[0]);
                }
            }
            return new MatchResult(p, q);
        }
    }
}
