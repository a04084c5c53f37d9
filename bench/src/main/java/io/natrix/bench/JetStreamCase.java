package io.natrix.bench;

/**
 * A JetStream case measured on the driver's long-lived JetStream server, warmed up on it too: a run measures
 * {@code --msgs} operations or for {@code --duration-ms}, a warm-up for the warm-up's time (see {@link #measure}).
 */
interface JetStreamCase extends BenchCase, BenchCase.WarmUp {

    /**
     * One measurement against {@code server}: {@code fixedCount} operations when positive, otherwise for
     * {@code durationMillis}. Cases with fixed work (a watch, an object) may ignore both.
     */
    Sample measure(ServerProcess server, BenchConfig config, long fixedCount, long durationMillis) throws Exception;

    @Override
    default boolean usesSharedServer() {
        return true;
    }

    @Override
    default boolean needsJetStream() {
        return true;
    }

    @Override
    default Sample run(Context context) throws Exception {
        BenchConfig config = context.config();
        return measure(context.shared(), config, config.msgs(), config.durationMillis());
    }

    @Override
    default Sample warmUp(ServerProcess server, BenchConfig config, long millis) throws Exception {
        return measure(server, config, 0, millis);
    }
}
