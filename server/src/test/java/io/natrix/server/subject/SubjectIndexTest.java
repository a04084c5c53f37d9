package io.natrix.server.subject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The subscription index: the trie, queue groups, removal and pruning, the match cache and its invalidation, and a
 * model check of random operations against a brute-force reference ({@link Subjects#matches} over every live
 * subscription). Tests that depend on the cache run with it on and off.
 */
class SubjectIndexTest {

    private static final AtomicInteger IDS = new AtomicInteger();

    /** A subscription with a readable name; identity is object identity, as in the index. */
    static final class Sub extends Subscription {
        private final int id = IDS.incrementAndGet();

        Sub(String subject, String queue) {
            super(subject, queue);
        }

        @Override
        public String toString() {
            return "#" + id + " " + super.toString();
        }
    }

    private static Sub sub(String subject) {
        return new Sub(subject, null);
    }

    private static Sub queueSub(String subject, String queue) {
        return new Sub(subject, queue);
    }

    // ---------------------------------------------------------------- views of a result

    static Set<Subscription> plain(MatchResult result) {
        Set<Subscription> set = new HashSet<>(Arrays.asList(result.plain()));
        assertThat(set).as("no plain subscription twice").hasSize(result.plain().length);
        return set;
    }

    static Map<String, Set<Subscription>> groups(MatchResult result) {
        Map<String, Set<Subscription>> groups = new HashMap<>();
        for (Subscription[] members : result.queueGroups()) {
            assertThat(members).as("a queue group is never empty").isNotEmpty();
            String name = members[0].queue();
            for (Subscription member : members) {
                assertThat(member.queue()).as("one group, one name").isEqualTo(name);
            }
            Set<Subscription> set = new HashSet<>(Arrays.asList(members));
            assertThat(set).as("no member twice").hasSize(members.length);
            assertThat(groups.put(name, set)).as("group %s appears once", name).isNull();
        }
        return groups;
    }

    /** Asserts that {@code result} holds exactly the subscriptions among {@code live} that match {@code subject}. */
    static void assertMatchesReference(MatchResult result, String subject, List<? extends Subscription> live,
                                       String context) {
        Set<Subscription> expectedPlain = new HashSet<>();
        Map<String, Set<Subscription>> expectedGroups = new HashMap<>();
        for (Subscription s : live) {
            if (Subjects.matches(s.subject(), subject)) {
                if (s.queue() == null) {
                    expectedPlain.add(s);
                } else {
                    expectedGroups.computeIfAbsent(s.queue(), q -> new HashSet<>()).add(s);
                }
            }
        }
        assertThat(plain(result)).as("%s: plain subscriptions matching %s", context, subject)
                .isEqualTo(expectedPlain);
        assertThat(groups(result)).as("%s: queue groups matching %s", context, subject).isEqualTo(expectedGroups);
        assertThat(result.deliveries()).isEqualTo(expectedPlain.size() + expectedGroups.size());
        assertThat(result.isEmpty()).isEqualTo(expectedPlain.isEmpty() && expectedGroups.isEmpty());
    }

    /** Matches through the publisher's path: the subject's bytes inside a larger array, at a non-zero offset. */
    static MatchResult matchBytes(SubjectIndex index, String subject, LookupKey key) {
        byte[] bytes = ("PUB " + subject + " 5").getBytes(StandardCharsets.UTF_8);
        return index.match(bytes, 4, bytes.length - 6, key);
    }

    // ---------------------------------------------------------------- literals and wildcards

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void indexLiteralSubscriptionMatchesOnlyItsSubject(boolean cache) {
        SubjectIndex index = new SubjectIndex(cache);
        Sub foo = sub("foo");
        Sub fooBar = sub("foo.bar");
        index.insert(foo);
        index.insert(fooBar);
        assertThat(plain(index.match("foo"))).containsExactly(foo);
        assertThat(plain(index.match("foo.bar"))).containsExactly(fooBar);
        assertThat(index.match("foo.bar.baz").isEmpty()).isTrue();
        assertThat(index.match("bar").isEmpty()).isTrue();
        assertThat(index.match("foo.baz").isEmpty()).isTrue();
        assertThat(index.count()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void indexStarMatchesExactlyOneToken(boolean cache) {
        SubjectIndex index = new SubjectIndex(cache);
        Sub star = sub("foo.*");
        Sub middle = sub("foo.*.baz");
        Sub lone = sub("*");
        index.insert(star);
        index.insert(middle);
        index.insert(lone);
        assertThat(plain(index.match("foo.bar"))).containsExactly(star);
        assertThat(plain(index.match("foo.bar.baz"))).containsExactly(middle);
        assertThat(plain(index.match("foo"))).containsExactly(lone);
        assertThat(plain(index.match("bar"))).containsExactly(lone);
        assertThat(index.match("foo.bar.qux").isEmpty()).isTrue();
        assertThat(index.match("bar.baz").isEmpty()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void indexFullWildcardMatchesOneOrMoreTrailingTokens(boolean cache) {
        SubjectIndex index = new SubjectIndex(cache);
        Sub fooAll = sub("foo.>");
        Sub all = sub(">");
        Sub starAll = sub("*.bar.>");
        index.insert(fooAll);
        index.insert(all);
        index.insert(starAll);
        assertThat(plain(index.match("foo"))).containsExactly(all);
        assertThat(plain(index.match("foo.bar"))).containsExactlyInAnyOrder(fooAll, all);
        assertThat(plain(index.match("foo.bar.baz"))).containsExactlyInAnyOrder(fooAll, all, starAll);
        assertThat(plain(index.match("x.bar.baz.qux"))).containsExactlyInAnyOrder(all, starAll);
        assertThat(plain(index.match("x.bar"))).containsExactly(all);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void indexQueueGroupsAreMergedByNameAcrossNodes(boolean cache) {
        SubjectIndex index = new SubjectIndex(cache);
        Sub literal = queueSub("orders.new", "workers");
        Sub star = queueSub("orders.*", "workers");
        Sub full = queueSub("orders.>", "workers");
        Sub other = queueSub("orders.new", "auditors");
        Sub plainSub = sub("orders.new");
        for (Sub s : List.of(literal, star, full, other, plainSub)) {
            index.insert(s);
        }
        MatchResult result = index.match("orders.new");
        assertThat(plain(result)).containsExactly(plainSub);
        assertThat(groups(result)).isEqualTo(Map.of("workers", Set.of(literal, star, full), "auditors", Set.of(other)));
        assertThat(result.deliveries()).isEqualTo(3);

        assertThat(groups(index.match("orders.old"))).isEqualTo(Map.of("workers", Set.of(star, full)));
        assertThat(groups(index.match("orders.old.x"))).isEqualTo(Map.of("workers", Set.of(full)));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void indexDistinctSubscriptionsOnOneSubjectAreKeptApart(boolean cache) {
        SubjectIndex index = new SubjectIndex(cache);
        Sub first = sub("foo");
        Sub second = sub("foo");
        Sub q1 = queueSub("foo", "q");
        Sub q2 = queueSub("foo", "q");
        for (Sub s : List.of(first, second, q1, q2)) {
            index.insert(s);
        }
        assertThat(index.count()).isEqualTo(4);
        assertThat(plain(index.match("foo"))).containsExactlyInAnyOrder(first, second);
        assertThat(groups(index.match("foo"))).isEqualTo(Map.of("q", Set.of(q1, q2)));

        assertThat(index.remove(first)).isTrue();
        assertThat(index.remove(q2)).isTrue();
        assertThat(plain(index.match("foo"))).containsExactly(second);
        assertThat(groups(index.match("foo"))).isEqualTo(Map.of("q", Set.of(q1)));
        assertThat(index.count()).isEqualTo(2);
    }

    @Test
    void indexRemoveOfAbsentSubscriptionChangesNothing() {
        SubjectIndex index = new SubjectIndex();
        Sub present = sub("foo.bar");
        Sub queued = queueSub("foo.bar", "q");
        index.insert(present);
        index.insert(queued);

        assertThat(index.remove(sub("foo.bar"))).as("same subject, other subscription").isFalse();
        assertThat(index.remove(queueSub("foo.bar", "q"))).as("same queue, other subscription").isFalse();
        assertThat(index.remove(queueSub("foo.bar", "other"))).as("unknown queue").isFalse();
        assertThat(index.remove(sub("foo"))).as("a prefix of a stored subject").isFalse();
        assertThat(index.remove(sub("foo.bar.baz"))).as("longer than any stored subject").isFalse();
        assertThat(index.remove(sub("foo.*"))).isFalse();
        assertThat(index.remove(sub(">"))).isFalse();
        assertThat(index.count()).isEqualTo(2);

        assertThat(index.remove(present)).isTrue();
        assertThat(index.remove(present)).as("removed twice").isFalse();
        assertThat(index.count()).isEqualTo(1);
        assertThat(index.stats().removes()).isEqualTo(1);
        assertThat(groups(index.match("foo.bar"))).isEqualTo(Map.of("q", Set.of(queued)));
    }

    @Test
    void indexRemoveKeepsSiblingsAndDescendants() {
        SubjectIndex index = new SubjectIndex();
        Sub foo = sub("foo");
        Sub fooBar = sub("foo.bar");
        Sub fooBarBaz = sub("foo.bar.baz");
        Sub fooStar = sub("foo.*");
        Sub fooAll = sub("foo.>");
        for (Sub s : List.of(foo, fooBar, fooBarBaz, fooStar, fooAll)) {
            index.insert(s);
        }
        index.remove(fooBar);
        assertThat(plain(index.match("foo.bar.baz"))).containsExactlyInAnyOrder(fooBarBaz, fooAll);
        assertThat(plain(index.match("foo.bar"))).containsExactlyInAnyOrder(fooStar, fooAll);
        index.remove(foo);
        assertThat(plain(index.match("foo.bar.baz"))).containsExactlyInAnyOrder(fooBarBaz, fooAll);
        index.remove(fooStar);
        assertThat(plain(index.match("foo.x"))).containsExactly(fooAll);
        index.remove(fooAll);
        assertThat(plain(index.match("foo.bar.baz"))).containsExactly(fooBarBaz);
        assertThat(index.match("foo.x").isEmpty()).isTrue();
    }

    @Test
    void indexRemovingEverythingPrunesTheTrie() throws Exception {
        SubjectIndex index = new SubjectIndex();
        List<Sub> subs = new ArrayList<>();
        for (String subject : List.of("a", "a.b", "a.b.c", "a.*.c", "a.>", "*", ">", "x.y.z.w", "*.*.*")) {
            subs.add(sub(subject));
            subs.add(queueSub(subject, "q"));
        }
        subs.forEach(index::insert);
        // Remove in an order unlike the insertion order, so that parents go before and after their children.
        for (int i = subs.size() - 1; i >= 0; i -= 2) {
            assertThat(index.remove(subs.get(i))).isTrue();
        }
        for (int i = 0; i < subs.size(); i += 2) {
            assertThat(index.remove(subs.get(i))).isTrue();
        }
        assertThat(index.count()).isZero();
        List<Subscription> left = new ArrayList<>();
        index.forEach(left::add);
        assertThat(left).isEmpty();
        // Pruning is invisible through the public surface (matches are empty either way), so look at the root level:
        // with every subscription gone it must have no nodes left, or a churn of unique subjects leaks memory.
        assertThat(rootIsEmpty(index)).as("root level of the trie after removing everything").isTrue();
    }

    private static boolean rootIsEmpty(SubjectIndex index) throws ReflectiveOperationException {
        Field rootField = SubjectIndex.class.getDeclaredField("root");
        rootField.setAccessible(true);
        Object root = rootField.get(index);
        Method isEmpty = root.getClass().getDeclaredMethod("isEmpty");
        isEmpty.setAccessible(true);
        return (boolean) isEmpty.invoke(root);
    }

    // ---------------------------------------------------------------- the match cache

    @Test
    void indexCachedMissSeesLaterInsert() {
        SubjectIndex index = new SubjectIndex(true);
        LookupKey key = new LookupKey();
        assertThat(index.match("foo.bar").isEmpty()).isTrue();
        assertThat(matchBytes(index, "foo.baz", key).isEmpty()).isTrue();
        assertThat(index.match("foo.bar").isEmpty()).as("now cached").isTrue();

        Sub star = sub("foo.*");
        index.insert(star);
        assertThat(plain(index.match("foo.bar"))).containsExactly(star);
        assertThat(plain(matchBytes(index, "foo.baz", key))).containsExactly(star);

        Sub all = queueSub(">", "q");
        index.insert(all);
        assertThat(groups(matchBytes(index, "foo.bar", key))).isEqualTo(Map.of("q", Set.of(all)));
        assertThat(groups(index.match("foo.baz"))).isEqualTo(Map.of("q", Set.of(all)));
    }

    @Test
    void indexRemovedSubscriptionIsNotReturnedFromCache() {
        SubjectIndex index = new SubjectIndex(true);
        LookupKey key = new LookupKey();
        Sub star = sub("foo.*");
        Sub literal = sub("foo.bar");
        index.insert(star);
        index.insert(literal);
        // Fill the cache through both paths.
        assertThat(plain(index.match("foo.bar"))).containsExactlyInAnyOrder(star, literal);
        assertThat(plain(matchBytes(index, "foo.bar", key))).containsExactlyInAnyOrder(star, literal);
        assertThat(plain(matchBytes(index, "foo.baz", key))).containsExactly(star);

        index.remove(star);
        assertThat(plain(matchBytes(index, "foo.bar", key))).containsExactly(literal);
        assertThat(index.match("foo.baz").isEmpty()).isTrue();
        index.remove(literal);
        assertThat(index.match("foo.bar").isEmpty()).isTrue();
        assertThat(matchBytes(index, "foo.bar", key).isEmpty()).isTrue();
    }

    @Test
    void indexCacheHitsAreCountedAndShareTheResult() {
        SubjectIndex index = new SubjectIndex(true);
        LookupKey key = new LookupKey();
        index.insert(sub("foo"));
        MatchResult first = matchBytes(index, "foo", key);
        assertThat(index.stats().cacheEntries()).as("a subject seen once is not cached").isZero();
        MatchResult second = index.match("foo");
        MatchResult third = matchBytes(index, "foo", key);
        MatchResult fourth = index.match("foo");
        assertThat(plain(first)).isEqualTo(plain(second));
        assertThat(third).as("a byte-array lookup hits what a String lookup cached").isSameAs(second);
        assertThat(fourth).isSameAs(second);
        SubjectIndex.Stats stats = index.stats();
        assertThat(stats.matches()).isEqualTo(4);
        assertThat(stats.cacheHits()).isEqualTo(2);
        assertThat(stats.cacheEntries()).isEqualTo(1);
    }

    @Test
    void subjectsSeenOnceDoNotEvictSubjectsThatRepeat() {
        SubjectIndex index = new SubjectIndex(true);
        LookupKey key = new LookupKey();
        Sub acks = sub("$JS.ACK.>");
        Sub orders = sub("orders.*");
        index.insert(acks);
        index.insert(orders);
        matchBytes(index, "orders.new", key);
        MatchResult hot = matchBytes(index, "orders.new", key);
        for (int i = 0; i < SubjectIndex.CACHE_MAX * 4; i++) {
            assertThat(plain(index.match("$JS.ACK.S.C.1." + i + "." + i + ".0.0"))).containsExactly(acks);
        }
        assertThat(index.stats().cacheEntries()).isEqualTo(1);
        assertThat(matchBytes(index, "orders.new", key)).isSameAs(hot);
    }

    @Test
    void indexCacheStaysBoundedAndCorrect() {
        SubjectIndex index = new SubjectIndex(true);
        LookupKey key = new LookupKey();
        Sub even = sub("n.*.even");
        index.insert(even);
        for (int i = 0; i < SubjectIndex.CACHE_MAX * 3; i++) {
            String subject = "n." + i + (i % 2 == 0 ? ".even" : ".odd");
            MatchResult result = i % 3 == 0 ? index.match(subject) : matchBytes(index, subject, key);
            assertThat(result.plain()).as(subject).hasSize(i % 2 == 0 ? 1 : 0);
            assertThat(index.stats().cacheEntries()).isLessThanOrEqualTo(SubjectIndex.CACHE_MAX);
        }
        index.remove(even);
        for (int i = 0; i < SubjectIndex.CACHE_MAX * 3; i += 2) {
            assertThat(matchBytes(index, "n." + i + ".even", key).isEmpty()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "foo..bar", ".foo", "foo.", "foo.>.x", "foo bar", "foo\tbar"})
    void indexMalformedSubjectMatchesInvalid(String subject) {
        for (boolean cache : new boolean[] {true, false}) {
            SubjectIndex index = new SubjectIndex(cache);
            index.insert(sub(">"));
            index.insert(sub("foo.*"));
            LookupKey key = new LookupKey();
            for (int round = 0; round < 2; round++) { // the second round would be served by the cache, if cached
                assertThat(index.match(subject)).isSameAs(MatchResult.INVALID);
                assertThat(matchBytes(index, subject, key)).isSameAs(MatchResult.INVALID);
            }
        }
    }

    @Test
    void indexWildcardPublishSubjectMatchesItsTokensLiterally() {
        // As nats-server's sublist: a published "foo.*" reaches "foo.*" and "foo.>", not "foo.bar".
        for (boolean cache : new boolean[] {true, false}) {
            SubjectIndex index = new SubjectIndex(cache);
            index.insert(sub("foo.*"));
            index.insert(sub("foo.>"));
            index.insert(sub("foo.bar"));
            assertThat(subjectsOf(index.match("foo.*"))).containsExactlyInAnyOrder("foo.*", "foo.>");
            assertThat(subjectsOf(index.match(">"))).isEmpty();
        }
    }

    private static List<String> subjectsOf(MatchResult result) {
        List<String> out = new ArrayList<>();
        for (Subscription s : result.plain()) {
            out.add(s.subject());
        }
        return out;
    }

    @Test
    void indexBytePathEqualsStringPath() {
        SubjectIndex viaBytes = new SubjectIndex(true);
        SubjectIndex viaString = new SubjectIndex(false);
        List<Sub> subs = List.of(sub("a.b"), sub("a.*"), sub(">"), queueSub("a.>", "q"), queueSub("*.b", "q"),
                sub("ä.ö"), sub("*.ö"));
        for (Sub s : subs) {
            viaBytes.insert(s);
            viaString.insert(s);
        }
        LookupKey key = new LookupKey();
        for (String subject : List.of("a.b", "a.c", "b.b", "a.b.c", "a", "ä.ö", "x.ö", "a..b", "a.*")) {
            for (int round = 0; round < 2; round++) {
                MatchResult bytes = matchBytes(viaBytes, subject, key);
                MatchResult string = viaString.match(subject);
                assertThat(bytes == MatchResult.INVALID).as(subject).isEqualTo(string == MatchResult.INVALID);
                assertThat(plain(bytes)).as(subject).isEqualTo(plain(string));
                assertThat(groups(bytes)).as(subject).isEqualTo(groups(string));
            }
        }
    }

    // ---------------------------------------------------------------- model check

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void indexRandomOperationsAgreeWithBruteForce(boolean cache) {
        long[] seeds = Long.getLong("natrix.index.seed") != null
                ? new long[] {Long.getLong("natrix.index.seed")} : new long[] {1, 2, 3, 42};
        for (long seed : seeds) {
            runModel(seed, cache, 8000);
        }
    }

    private static void runModel(long seed, boolean cache, int operations) {
        Random random = new Random(seed);
        SubjectIndex index = new SubjectIndex(cache);
        LookupKey key = new LookupKey();
        List<Sub> live = new ArrayList<>();
        for (int op = 0; op < operations; op++) {
            String context = "seed " + seed + " (cache " + cache + "), operation " + op;
            int kind = random.nextInt(10);
            if (kind < 2) {
                Sub s = new Sub(randomFilter(random), randomQueue(random));
                index.insert(s);
                live.add(s);
            } else if (kind < 4) {
                if (!live.isEmpty() && random.nextInt(5) != 0) {
                    Sub s = live.remove(random.nextInt(live.size()));
                    assertThat(index.remove(s)).as("%s: remove live %s", context, s).isTrue();
                } else {
                    Sub absent = new Sub(randomFilter(random), randomQueue(random));
                    assertThat(index.remove(absent)).as("%s: remove absent %s", context, absent).isFalse();
                }
            } else {
                String subject = random.nextInt(20) == 0 ? randomInvalid(random) : randomLiteral(random);
                MatchResult result = random.nextBoolean() ? index.match(subject) : matchBytes(index, subject, key);
                if (!Subjects.isValidPublishSubject(subject) && !Subjects.isValidSubscribeSubject(subject)) {
                    assertThat(result).as("%s: %s", context, subject).isSameAs(MatchResult.INVALID);
                } else {
                    assertMatchesReference(result, subject, live, context);
                }
            }
            if (op % 500 == 0) {
                assertThat(index.count()).as(context).isEqualTo(live.size());
            }
        }
        assertThat(index.count()).isEqualTo(live.size());
    }

    /** 1..4 tokens over {a, b, c, *}, the last possibly '>'. */
    static String randomFilter(Random random) {
        int tokens = 1 + random.nextInt(4);
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < tokens; t++) {
            if (t > 0) {
                sb.append('.');
            }
            if (t == tokens - 1 && random.nextInt(5) == 0) {
                sb.append('>');
            } else {
                sb.append("abc*".charAt(random.nextInt(4)));
            }
        }
        return sb.toString();
    }

    static String randomLiteral(Random random) {
        int tokens = 1 + random.nextInt(5);
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < tokens; t++) {
            if (t > 0) {
                sb.append('.');
            }
            sb.append("abcd".charAt(random.nextInt(4)));
        }
        return sb.toString();
    }

    private static String randomInvalid(Random random) {
        String[] invalid = {"", "a..b", ".a", "a.", "a.*", "a.>", "*", "a b", ">"};
        return invalid[random.nextInt(invalid.length)];
    }

    private static String randomQueue(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> "q1";
            case 1 -> "q2";
            default -> null;
        };
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void indexConcurrentMatchesDuringChangesStayConsistent() throws Exception {
        SubjectIndex index = new SubjectIndex(true);
        // Subscriptions that live through the whole test: every reader must always see them.
        Sub stableAll = sub("a.>");
        Sub stableStar = queueSub("*.b", "stable");
        index.insert(stableAll);
        index.insert(stableStar);
        List<String> subjects = SubjectsTest.literals(new String[] {"a", "b", "c"}, 3);

        int readers = 3;
        AtomicBoolean writerDone = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(readers + 1);
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(readers + 1);
        try {
            List<Future<Integer>> readerFutures = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                int seed = r;
                readerFutures.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    LookupKey key = new LookupKey();
                    started.countDown();
                    started.await();
                    int matches = 0;
                    while (!writerDone.get() && problems.isEmpty()) {
                        String subject = subjects.get(random.nextInt(subjects.size()));
                        MatchResult result = random.nextBoolean() ? index.match(subject)
                                : matchBytes(index, subject, key);
                        checkWhileChanging(result, subject, stableAll, stableStar, problems);
                        matches++;
                    }
                    return matches;
                }));
            }
            List<Sub> live = new ArrayList<>(List.of(stableAll, stableStar));
            Future<?> writer = pool.submit(() -> {
                Random random = new Random(99);
                started.countDown();
                started.await();
                List<Sub> mine = new ArrayList<>();
                for (int op = 0; op < 4000 && problems.isEmpty(); op++) {
                    if (mine.isEmpty() || random.nextInt(3) != 0) {
                        Sub s = new Sub(randomFilter(random), randomQueue(random));
                        index.insert(s);
                        mine.add(s);
                        live.add(s);
                    } else {
                        Sub s = mine.remove(random.nextInt(mine.size()));
                        if (!index.remove(s)) {
                            problems.add("remove of a live subscription failed: " + s);
                        }
                        live.remove(s);
                    }
                    // Right after a change every lookup must reflect it, whatever the readers cached meanwhile.
                    for (int k = 0; k < 3; k++) {
                        String subject = subjects.get(random.nextInt(subjects.size()));
                        try {
                            assertMatchesReference(index.match(subject), subject, live, "writer op " + op);
                        } catch (AssertionError e) {
                            problems.add(e.getMessage());
                        }
                    }
                }
                return null;
            });
            writer.get(60, TimeUnit.SECONDS);
            writerDone.set(true);
            int total = 0;
            for (Future<Integer> f : readerFutures) {
                total += f.get(30, TimeUnit.SECONDS);
            }
            if (!problems.isEmpty()) {
                fail(problems.size() + " problems, first: " + problems.peek());
            }
            assertThat(total).as("the readers ran").isPositive();
            // The final state, through both paths, with and without whatever the cache holds.
            LookupKey key = new LookupKey();
            for (String subject : subjects) {
                assertMatchesReference(index.match(subject), subject, live, "final");
                assertMatchesReference(matchBytes(index, subject, key), subject, live, "final via bytes");
            }
            assertThat(index.count()).isEqualTo(live.size());
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static void checkWhileChanging(MatchResult result, String subject, Sub stableAll, Sub stableStar,
                                           ConcurrentLinkedQueue<String> problems) {
        boolean sawStableAll = false;
        boolean sawStableStar = false;
        for (Subscription s : result.plain()) {
            if (!Subjects.matches(s.subject(), subject)) {
                problems.add(subject + " returned non-matching " + s);
            }
            sawStableAll |= s == stableAll;
        }
        for (Subscription[] group : result.queueGroups()) {
            for (Subscription s : group) {
                if (!Subjects.matches(s.subject(), subject)) {
                    problems.add(subject + " returned non-matching " + s);
                }
                sawStableStar |= s == stableStar;
            }
        }
        if (Subjects.matches(stableAll.subject(), subject) && !sawStableAll) {
            problems.add(subject + " lost " + stableAll);
        }
        if (Subjects.matches(stableStar.subject(), subject) && !sawStableStar) {
            problems.add(subject + " lost " + stableStar);
        }
    }
}
