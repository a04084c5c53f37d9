package io.natrix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.cli.CliHarness.Result;
import java.util.List;

/**
 * Assertions on what a command line did, shared by every command family's tests: that it succeeded, and that it
 * failed the way every natrix command must, with exit status 1 and one {@code natrix: error: ...} line.
 */
public final class CliAssert {

    private static final String ERROR = "natrix: error: ";

    private CliAssert() {
    }

    /** Asserts that {@code r} succeeded (exit status 0); returns it. */
    public static Result ok(Result r) {
        assertThat(r.status()).as(r.toString()).isZero();
        return r;
    }

    /**
     * Asserts that {@code r} failed with exit status 1 and exactly one error line, whatever else it logged on standard
     * error first (a benchmark's banner, say); returns that line.
     */
    public static String oneError(Result r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        List<String> errors = r.err().lines().filter(l -> l.startsWith(ERROR)).toList();
        assertThat(errors).as(r.toString()).hasSize(1);
        return errors.getFirst();
    }

    /** Asserts that {@code r} failed with exit status 1 and printed nothing but one error line starting {@code start}. */
    public static void oneLineError(Result r, String start) {
        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).as(r.toString()).startsWith(ERROR + start).hasLineCount(1);
    }
}
