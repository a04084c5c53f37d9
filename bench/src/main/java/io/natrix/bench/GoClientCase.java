package io.natrix.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A case driven by the Go client (bench/go, built to {@code natrix-gobench}): the driver runs the binary once per
 * run, pinned to the client CPU, against the shared server's URL, and reads the one JSON object it prints. The Go
 * program does its own delivery counting and reports ok=false with the reason when anything was lost.
 */
final class GoClientCase implements BenchCase {
    private final Path binary;
    private final String scenario;
    private final String description;
    private final int size;
    private final int subscribers;
    private final List<Metric> metrics;

    private GoClientCase(Path binary, String scenario, String description, int size, int subscribers,
            List<Metric> metrics) {
        this.binary = binary;
        this.scenario = scenario;
        this.description = description;
        this.size = size;
        this.subscribers = subscribers;
        this.metrics = metrics;
    }

    static GoClientCase throughput(Path binary, Pattern pattern, int size, int subscribers) {
        return new GoClientCase(binary, pattern.option(), pattern.describe(subscribers), size, subscribers,
                List.of(Metric.rate("rate", "msg/s", size), Metric.serverCpu("msg")));
    }

    static GoClientCase requestReply(Path binary, int size) {
        return new GoClientCase(binary, "reqrep", "request/reply", size, 1, List.of(
                Metric.lower("p50", "latency p50", Metric.Unit.MICROS),
                Metric.lower("p99", "latency p99", Metric.Unit.MICROS),
                Metric.rate("rate", "requests/s", 0),
                Metric.serverCpu("request")));
    }

    @Override
    public String title() {
        return "go " + description + ", " + Sizes.label(size);
    }

    @Override
    public List<Metric> metrics() {
        return metrics;
    }

    @Override
    public boolean usesSharedServer() {
        return true;
    }

    @Override
    public Sample run(Context context) throws Exception {
        BenchConfig config = context.config();
        List<String> command = new ArrayList<>();
        if (config.pin()) {
            command.addAll(List.of("taskset", "-c", Integer.toString(config.clientCpu())));
        }
        command.addAll(List.of(binary.toString(),
                "-url", context.shared().url(),
                "-scenario", scenario,
                "-size", Integer.toString(size),
                "-subs", Integer.toString(subscribers),
                "-msgs", Long.toString(config.msgs()),
                "-duration", config.durationMillis() + "ms",
                "-timeout", config.runTimeoutMillis() + "ms",
                "-window", Long.toString(config.windowBytes())));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        ChildProcesses.register(process);
        try {
            // The Go program bounds itself by -timeout; this is the last resort if it hangs anyway.
            byte[] output;
            try (var in = process.getInputStream()) {
                output = in.readNBytes(1 << 20);
            }
            if (!process.waitFor(config.runTimeoutMillis() + 30_000, TimeUnit.MILLISECONDS)) {
                return Sample.failed("the Go client did not exit");
            }
            String text = new String(output, StandardCharsets.UTF_8).trim();
            int brace = text.lastIndexOf("\n{");
            String json = brace >= 0 ? text.substring(brace + 1) : text;
            if (!json.startsWith("{")) {
                return Sample.failed("the Go client printed no result (exit " + process.exitValue() + "): " + text);
            }
            return toSample(FlatJson.parse(json));
        } catch (IOException | IllegalArgumentException e) {
            return Sample.failed("the Go client failed: " + e.getMessage());
        } finally {
            ChildProcesses.end(process.toHandle());
        }
    }

    private static Sample toSample(Map<String, Object> result) {
        Map<String, Double> values = new HashMap<>();
        values.put("rate", number(result, "msgs_per_sec"));
        values.put("count", "reqrep".equals(result.get("scenario")) ? number(result, "received")
                : number(result, "expected"));
        values.put("seconds", number(result, "elapsed_ns") / 1e9);
        if (result.containsKey("p50_us") && number(result, "p50_us") > 0) {
            values.put("p50", number(result, "p50_us"));
            values.put("p99", number(result, "p99_us"));
        }
        if (Boolean.TRUE.equals(result.get("ok"))) {
            return Sample.ok(values);
        }
        Object error = result.get("error");
        return Sample.failed(error == null || error.toString().isEmpty() ? "the Go client reported failure"
                : error.toString(), values);
    }

    private static double number(Map<String, Object> result, String key) {
        return result.get(key) instanceof Double value ? value : 0.0;
    }
}
