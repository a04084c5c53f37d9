package io.natrix.cli.bench;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The subjects of a benchmark, as natscli names them: the given subject, or in multi-subject mode
 * {@code SUBJECT.<n>} where {@code n} is the publisher's message number (modulo {@code --multisubjectmax} and zero
 * padded to its width, or random below it with {@code --multisubjectrandomize}), subscribed to as
 * {@code SUBJECT.*}. Immutable and thread-safe.
 */
record Subjects(String base, boolean multi, int max, boolean random) {

    /** What subscribers and streams listen on. */
    String subscribeSubject() {
        return multi ? base + ".*" : base;
    }

    /** The subject of message number {@code n} (counted across all publishers). */
    String publishSubject(long n) {
        if (!multi) {
            return base;
        }
        if (max == 0) {
            return base + "." + n;
        }
        long token = random ? ThreadLocalRandom.current().nextInt(max) : n % max;
        return base + "." + String.format(Locale.ROOT, "%0" + Integer.toString(max).length() + "d", token);
    }
}
