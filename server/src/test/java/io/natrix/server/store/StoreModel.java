package io.natrix.server.store;

import io.natrix.server.subject.Subjects;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * The reference a store is compared with in the property tests: nats-server's store semantics written as plainly as
 * possible, over a sorted map, with no index and no cleverness.
 */
final class StoreModel {
    final TreeMap<Long, StoredMessage> msgs = new TreeMap<>();
    private final ToLongFunction<StoredMessage> sizeOf;
    StoreLimits limits;
    long first;
    long last;
    long lastTime;

    StoreModel(StoreLimits limits, long firstSeq, ToLongFunction<StoredMessage> sizeOf) {
        this.limits = limits;
        this.sizeOf = sizeOf;
        if (firstSeq > 0) {
            first = firstSeq;
            last = firstSeq - 1;
        }
    }

    static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    static boolean all(String filter) {
        return filter == null || filter.isEmpty() || filter.equals(">");
    }

    static boolean matches(String filter, String subject) {
        return all(filter) || Subjects.matches(filter, subject);
    }

    long store(String subject, byte[] headers, byte[] payload, long ts) {
        long seq = last + 1;
        if (msgs.isEmpty()) {
            first = seq;
        }
        msgs.put(seq, new StoredMessage(seq, subject, headers, payload, ts));
        last = seq;
        lastTime = ts;
        if (limits.limitsPerSubject()) {
            perSubject(subject);
        }
        msgsAndBytes();
        return seq;
    }

    long skip() {
        long seq = ++last;
        if (msgs.isEmpty()) {
            first = seq + 1;
        }
        return seq;
    }

    boolean remove(long seq) {
        if (msgs.remove(seq) == null) {
            return false;
        }
        first = msgs.isEmpty() ? last + 1 : msgs.firstKey();
        return true;
    }

    long purge(String filter, long upTo, long keep) {
        if (upTo == 1) {
            return 0;
        }
        if (all(filter)) {
            if (keep <= 0 && upTo <= 0) {
                return purgeAll();
            }
            if (upTo > 1) {
                return compact(upTo);
            }
        }
        List<Long> matching = new ArrayList<>();
        for (StoredMessage m : msgs.values()) {
            if (matches(filter, m.subject())) {
                matching.add(m.sequence());
            }
        }
        if (matching.isEmpty() || (keep > 0 && keep >= matching.size())) {
            return 0;
        }
        long most = keep > 0 ? matching.size() - keep : Long.MAX_VALUE;
        long n = 0;
        for (long seq : matching) {
            if (n >= most || (upTo > 0 && seq >= upTo)) {
                break;
            }
            remove(seq);
            n++;
        }
        return n;
    }

    private long purgeAll() {
        if (msgs.isEmpty() && first == last + 1) {
            return 0;
        }
        long n = msgs.size();
        msgs.clear();
        first = last + 1;
        return n;
    }

    long compact(long seq) {
        if (seq <= 0) {
            return purgeAll();
        }
        if (seq > last) {
            if (first >= seq && msgs.isEmpty() && seq <= last + 1) {
                return 0;
            }
            long n = msgs.size();
            msgs.clear();
            first = seq;
            last = seq - 1;
            return n;
        }
        if (first >= seq) {
            return 0;
        }
        Map<Long, StoredMessage> below = msgs.headMap(seq);
        long n = below.size();
        below.clear();
        first = msgs.isEmpty() ? last + 1 : msgs.firstKey();
        return n;
    }

    void truncate(long seq) {
        if (seq <= 0) {
            msgs.clear();
            first = 0;
            last = 0;
            lastTime = 0;
            return;
        }
        if (seq >= last) {
            return;
        }
        StoredMessage at = msgs.get(seq);
        if (at != null) {
            lastTime = at.timestampNanos();
        }
        msgs.tailMap(seq, false).clear();
        last = seq;
        if (msgs.isEmpty()) {
            first = seq + 1;
        }
    }

    void limits(StoreLimits newLimits) {
        limits = newLimits;
        if (limits.limitsPerSubject()) {
            for (String subject : subjectCounts(null).keySet()) {
                perSubject(subject);
            }
        }
        msgsAndBytes();
    }

    long expire(long now) {
        if (!limits.limitsAge()) {
            return 0;
        }
        long cutoff = now - limits.maxAge().toNanos();
        long n = 0;
        while (!msgs.isEmpty() && msgs.firstEntry().getValue().timestampNanos() <= cutoff) {
            remove(msgs.firstKey());
            n++;
        }
        return n;
    }

    private void perSubject(String subject) {
        List<Long> seqs = new ArrayList<>();
        for (StoredMessage m : msgs.values()) {
            if (m.subject().equals(subject)) {
                seqs.add(m.sequence());
            }
        }
        for (int i = 0; i < seqs.size() - limits.maxMsgsPerSubject(); i++) {
            remove(seqs.get(i));
        }
    }

    private void msgsAndBytes() {
        if (limits.limitsMsgs()) {
            while (msgs.size() > limits.maxMsgs()) {
                remove(msgs.firstKey());
            }
        }
        if (limits.limitsBytes()) {
            while (!msgs.isEmpty() && bytes() > limits.maxBytes()) {
                remove(msgs.firstKey());
            }
        }
    }

    long bytes() {
        long b = 0;
        for (StoredMessage m : msgs.values()) {
            b += sizeOf.applyAsLong(m);
        }
        return b;
    }

    StoredMessage next(String filter, long from) {
        for (StoredMessage m : msgs.tailMap(from, true).values()) {
            if (matches(filter, m.subject())) {
                return m;
            }
        }
        return null;
    }

    StoredMessage previous(String filter, long from) {
        for (StoredMessage m : msgs.headMap(from, true).descendingMap().values()) {
            if (matches(filter, m.subject())) {
                return m;
            }
        }
        return null;
    }

    StoredMessage lastOf(String filter) {
        return previous(filter, Long.MAX_VALUE);
    }

    long pending(String filter, long from) {
        return msgs.tailMap(from, true).values().stream().filter(m -> matches(filter, m.subject())).count();
    }

    Map<String, Long> subjectCounts(String filter) {
        Map<String, Long> counts = new HashMap<>();
        for (StoredMessage m : msgs.values()) {
            if (matches(filter, m.subject())) {
                counts.merge(m.subject(), 1L, Long::sum);
            }
        }
        return counts;
    }

    List<Long> lastSequences(String filter) {
        return lastSequences(filter, Long.MAX_VALUE);
    }

    List<Long> lastSequences(String filter, long maxSeq) {
        Map<String, Long> lasts = new HashMap<>();
        for (StoredMessage m : msgs.headMap(maxSeq, true).values()) {
            if (matches(filter, m.subject())) {
                lasts.put(m.subject(), m.sequence());
            }
        }
        List<Long> seqs = new ArrayList<>(lasts.values());
        seqs.sort(null);
        return seqs;
    }

    long sequenceAt(long time) {
        for (StoredMessage m : msgs.values()) {
            if (m.timestampNanos() >= time) {
                return m.sequence();
            }
        }
        return last + 1;
    }

    StoreState state() {
        long n = msgs.size();
        long firstTime = msgs.isEmpty() ? 0 : msgs.firstEntry().getValue().timestampNanos();
        long deleted = last > first ? Math.max(0, last - first + 1 - n) : 0;
        return new StoreState(n, bytes(), first, firstTime, last, lastTime, subjectCounts(null).size(), deleted,
                null);
    }
}
