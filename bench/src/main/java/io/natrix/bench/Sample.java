package io.natrix.bench;

import java.util.Map;

/**
 * The outcome of one run of one case on one server: the measured values by metric key, and a failure description
 * when the run did not do what it should (lost messages, errors, timeouts). A failed sample may still carry values,
 * but they never enter a median.
 */
record Sample(Map<String, Double> values, String failure) {

    static Sample ok(Map<String, Double> values) {
        return new Sample(Map.copyOf(values), null);
    }

    static Sample failed(String failure) {
        return new Sample(Map.of(), failure);
    }

    static Sample failed(String failure, Map<String, Double> values) {
        return new Sample(Map.copyOf(values), failure);
    }

    boolean isOk() {
        return failure == null;
    }
}
