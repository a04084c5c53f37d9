package io.natrix.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.server.subject.LookupKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link PermissionsPolicy} against a reference model written independently of it: 3000 random allow/deny sets
 * (with wildcards and queue qualifiers, with and without allow_responses), each checked for publishing to subjects
 * of a small universe (literal and wildcard), for random subscriptions with and without queues, and for every
 * delivery to each allowed subscription.
 *
 * <p>The model works on sets of literal subjects instead of tokens: a filter stands for the literals of a finite
 * universe that its regular expression matches, "subscription S lies within allow entry A" is set inclusion, "S
 * overlaps deny D" is a non-empty intersection, and nats-server's deny reading (the subscription's wildcards taken
 * as plain tokens) is the filter's expression applied to the subscription with its wildcards spelt out as ordinary
 * words. The universe (tokens a, b, c and a fresh z, up to four tokens) is large enough for subjects of up to three
 * tokens: any difference between two such sets shows within it.
 *
 * <p>Run one seed with {@code -Dnatrix.permissions.seed=N}; a failure names the seed and case.
 */
class PermissionsMatrixTest {

    private static final String[] FILTER_TOKENS = {"a", "b", "c", "*", ">"};
    private static final String[] LITERAL_TOKENS = {"a", "b", "c", "z"};
    private static final String[] QUALIFIERS = {"q1", "q2", "q.*", "q.>", "*", ">", "q.a", "q1.*"};
    private static final String[] QUEUES = {"q1", "q2", "q.a", "q.b", "q.a.b", "q.*", "q.>", "*", ">", "x", "q1.a",
        "_sys_"};
    private static final String[] QUEUE_UNIVERSE_TOKENS = {"q", "q1", "q2", "a", "b", "x", "z"};
    private static final int CASES = 3000;
    /** Literal subjects published per case, drawn from the universe of 340. */
    private static final int PUBLISH_SAMPLES = 100;

    private static final List<String> UNIVERSE = literals(LITERAL_TOKENS, 4);
    private static final List<String> QUEUE_UNIVERSE = literals(QUEUE_UNIVERSE_TOKENS, 4);
    private final Map<String, BitSet> subjectSets = new HashMap<>();
    private final Map<String, BitSet> queueSets = new HashMap<>();

    private long checks;

    @Test
    void randomPermissionsAgreeWithTheReferenceModel() {
        Long only = Long.getLong("natrix.permissions.seed");
        long[] seeds = only != null ? new long[] {only} : new long[] {1, 2, 3, 20240611};
        for (long seed : seeds) {
            Random random = new Random(seed);
            for (int c = 0; c < CASES / seeds.length + 1; c++) {
                runCase(random, "seed " + seed + ", case " + c);
            }
        }
        assertThat(checks).isGreaterThan(500_000);
    }

    private void runCase(Random random, String context) {
        List<String> pubAllow = randomEntries(random, 3, false);
        List<String> pubDeny = randomEntries(random, 3, false);
        List<String> subAllow = randomEntries(random, 4, true);
        List<String> subDeny = randomEntries(random, 4, true);
        boolean responses = random.nextInt(5) == 0;
        PermissionsPolicy policy = PermissionsPolicy.of(SubjectPermission.forPublish(pubAllow, pubDeny),
                SubjectPermission.forSubscribe(subAllow, subDeny),
                responses ? PermissionsPolicy.Responses.DEFAULT : null);
        String where = context + ": " + policy;
        LookupKey key = new LookupKey();

        BitSet publishable = modelPublishable(pubAllow, pubDeny, responses);
        for (int i = 0; i < PUBLISH_SAMPLES; i++) {
            int m = random.nextInt(UNIVERSE.size());
            String subject = UNIVERSE.get(m);
            boolean expected = publishable.get(m);
            check(policy.canPublish(subject), expected, where, "publish " + subject);
            byte[] bytes = subject.getBytes(StandardCharsets.UTF_8);
            check(policy.canPublish(bytes, 0, bytes.length, key), expected, where, "publish bytes " + subject);
        }
        for (int i = 0; i < 6; i++) {
            String subject = randomFilter(random); // publishing to a wildcard subject: nats-server's literal reading
            check(policy.canPublish(subject), modelCanPublish(pubAllow, pubDeny, responses, subject), where,
                    "publish " + subject);
        }

        for (int i = 0; i < 24; i++) {
            String subject = randomFilter(random);
            String queue = random.nextInt(3) == 0 ? null : QUEUES[random.nextInt(QUEUES.length)];
            PermissionsPolicy.SubscribeDecision expected = modelSubscribe(subAllow, subDeny, subject, queue);
            PermissionsPolicy.SubscribeDecision actual = policy.checkSubscribe(subject, queue);
            check(actual, expected, where, "SUB " + subject + " " + queue);
            if (actual == PermissionsPolicy.SubscribeDecision.DENIED) {
                continue;
            }
            BitSet receives = subjectSet(subject);
            BitSet denied = modelDenied(subDeny, queue);
            for (int m = receives.nextSetBit(0); m >= 0; m = receives.nextSetBit(m + 1)) {
                String message = UNIVERSE.get(m);
                boolean allowed = !denied.get(m);
                if (actual == PermissionsPolicy.SubscribeDecision.ALLOWED) {
                    // Unfiltered subscriptions are never asked; the model must agree that nothing is denied.
                    check(true, allowed, where, "deliver " + message + " to unfiltered SUB " + subject + " " + queue);
                } else {
                    check(policy.deliveryAllowed(queue, message), allowed, where,
                            "deliver " + message + " to SUB " + subject + " " + queue);
                    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
                    check(policy.deliveryAllowed(queue, bytes, 0, bytes.length, key), allowed, where,
                            "deliver bytes " + message + " to SUB " + subject + " " + queue);
                }
            }
        }
    }

    /** Compares without AssertJ on the fast path: a million descriptions would cost more than the checks. */
    private void check(Object actual, Object expected, String where, String what) {
        checks++;
        if (!actual.equals(expected)) {
            assertThat(actual).as("%s: %s", where, what).isEqualTo(expected);
        }
    }

    // ------------------------------------------------------------------------------------------ reference model

    /** The universe's literal subjects the user may publish to. */
    private BitSet modelPublishable(List<String> allow, List<String> deny, boolean responses) {
        BitSet allowed = new BitSet();
        if (allow.isEmpty() && !responses) {
            allowed.set(0, UNIVERSE.size());
        }
        allow.forEach(a -> allowed.or(subjectSet(a)));
        deny.forEach(d -> allowed.andNot(subjectSet(d)));
        return allowed;
    }

    private boolean modelCanPublish(List<String> allow, List<String> deny, boolean responses, String subject) {
        String asWords = spellWildcards(subject);
        boolean allowRestricted = !allow.isEmpty() || responses;
        if (allowRestricted && allow.stream().noneMatch(a -> regex(a).matcher(asWords).matches())) {
            return false;
        }
        return deny.stream().noneMatch(d -> regex(d).matcher(asWords).matches());
    }

    private PermissionsPolicy.SubscribeDecision modelSubscribe(List<String> allow, List<String> deny,
                                                                String subject, String queue) {
        if ("_sys_".equals(queue)) {
            return PermissionsPolicy.SubscribeDecision.DENIED;
        }
        if (!allow.isEmpty()) {
            boolean plain = false;
            List<String> qualifiers = new ArrayList<>();
            for (String entry : allow) {
                String[] parts = entry.split(" ");
                if (!within(subject, parts[0])) {
                    continue;
                }
                if (parts.length == 1) {
                    plain = true;
                } else {
                    qualifiers.add(parts[1]);
                }
            }
            boolean allowed = queue != null && !qualifiers.isEmpty()
                    ? qualifiers.stream().anyMatch(q -> modelQueueMatches(queue, q)) : plain;
            if (!allowed) {
                return PermissionsPolicy.SubscribeDecision.DENIED;
            }
        }
        String asWords = spellWildcards(subject);
        for (String entry : deny) {
            String[] parts = entry.split(" ");
            if (regex(parts[0]).matcher(asWords).matches()
                    && (parts.length == 1 || (queue != null && modelQueueMatches(queue, parts[1])))) {
                return PermissionsPolicy.SubscribeDecision.DENIED;
            }
        }
        return subjectSet(subject).intersects(modelDenied(deny, queue))
                ? PermissionsPolicy.SubscribeDecision.FILTERED : PermissionsPolicy.SubscribeDecision.ALLOWED;
    }

    /** The universe's subjects that may not be delivered to a subscription in {@code queue} (null: none). */
    private BitSet modelDenied(List<String> deny, String queue) {
        BitSet denied = new BitSet();
        for (String entry : deny) {
            String[] parts = entry.split(" ");
            if (parts.length == 1 || (queue != null && modelQueueMatches(queue, parts[1]))) {
                denied.or(subjectSet(parts[0]));
            }
        }
        return denied;
    }

    /** Every subject the inner pattern matches is matched by the outer one (within the universe). */
    private boolean within(String inner, String outer) {
        BitSet extra = (BitSet) subjectSet(inner).clone();
        extra.andNot(subjectSet(outer));
        return extra.isEmpty();
    }

    private boolean modelQueueMatches(String queue, String qualifier) {
        if (queue.equals(qualifier)) {
            return true;
        }
        if (!List.of(qualifier.split("\\.")).contains("*") && !List.of(qualifier.split("\\.")).contains(">")) {
            return false;
        }
        BitSet extra = (BitSet) queueSet(queue).clone();
        extra.andNot(queueSet(qualifier));
        return extra.isEmpty();
    }

    private BitSet subjectSet(String pattern) {
        return subjectSets.computeIfAbsent(pattern, p -> matching(p, UNIVERSE));
    }

    private BitSet queueSet(String pattern) {
        return queueSets.computeIfAbsent(pattern, p -> matching(p, QUEUE_UNIVERSE));
    }

    private static BitSet matching(String pattern, List<String> universe) {
        Pattern regex = regex(pattern);
        BitSet set = new BitSet(universe.size());
        for (int i = 0; i < universe.size(); i++) {
            if (regex.matcher(universe.get(i)).matches()) {
                set.set(i);
            }
        }
        return set;
    }

    /** A filter as a regular expression over literal subjects. */
    private static Pattern regex(String filter) {
        StringBuilder out = new StringBuilder();
        String[] tokens = filter.split("\\.", -1);
        for (int i = 0; i < tokens.length; i++) {
            if (i > 0) {
                out.append("\\.");
            }
            switch (tokens[i]) {
                case "*" -> out.append("[^.]+");
                case ">" -> out.append("[^.]+(?:\\.[^.]+)*");
                default -> out.append(Pattern.quote(tokens[i]));
            }
        }
        return Pattern.compile(out.toString());
    }

    /** The subject with its wildcard tokens replaced by words no filter uses, so filters see them as literals. */
    private static String spellWildcards(String subject) {
        String[] tokens = subject.split("\\.", -1);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = switch (tokens[i]) {
                case "*" -> "STAR";
                case ">" -> "FULL";
                default -> tokens[i];
            };
        }
        return String.join(".", tokens);
    }

    // ------------------------------------------------------------------------------------------ generators

    private static List<String> randomEntries(Random random, int max, boolean queues) {
        int n = random.nextInt(max + 1);
        List<String> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String subject = randomFilter(random);
            entries.add(queues && random.nextInt(10) < 3 ? subject + " " + QUALIFIERS[random.nextInt(
                    QUALIFIERS.length)] : subject);
        }
        return entries;
    }

    private static String randomFilter(Random random) {
        int length = 1 + random.nextInt(3);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            if (i > 0) {
                out.append('.');
            }
            String token = FILTER_TOKENS[random.nextInt(FILTER_TOKENS.length)];
            if (token.equals(">") && i < length - 1) {
                token = "*";
            }
            out.append(token);
        }
        return out.toString();
    }

    private static List<String> literals(String[] tokens, int maxLength) {
        List<String> out = new ArrayList<>();
        List<String> level = List.of("");
        for (int length = 1; length <= maxLength; length++) {
            List<String> next = new ArrayList<>();
            for (String prefix : level) {
                for (String token : tokens) {
                    next.add(prefix.isEmpty() ? token : prefix + "." + token);
                }
            }
            out.addAll(next);
            level = next;
        }
        return List.copyOf(out);
    }
}
