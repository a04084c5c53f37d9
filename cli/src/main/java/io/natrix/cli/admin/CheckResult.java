package io.natrix.cli.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.output.Json;
import io.natrix.cli.output.Table;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of one {@code server check}: OK, warning and critical messages and performance data, rendered as
 * natscli renders checks (jsm.go's monitor results) and ending in a Nagios exit status: 0 OK, 1 WARNING,
 * 2 CRITICAL.
 *
 * <pre>
 * nagios: OK Connection OK:connected to nats://127.0.0.1:4222 in 1.2ms OK:rtt time 210µs | connect_time=...
 * json:   {"status": "OK", "check_suite": "connections", "check_name": "Connection", "ok": [...], "perf_data": [...]}
 * text:   "Connection: OK", a Status Detail table and a Check Metrics table
 * prometheus: one gauge per metric, NAMESPACE_SUITE_METRIC{item="NAME"}, and NAMESPACE_SUITE_status_code
 * </pre>
 *
 * Performance data is {@code name=value[unit][;warn;crit]}, values in seconds with four decimals when the unit is
 * {@code s}, else whole. Not thread-safe: one check fills it on one thread.
 */
public final class CheckResult {

    /** How a check is printed, natscli's {@code --format}. */
    public enum Format { NAGIOS, JSON, TEXT, PROMETHEUS }

    /** One performance metric; a zero threshold is "none". */
    public record PerfData(String name, double value, double warn, double crit, String unit, String help) {
        String nagios() {
            String valueFormat = "s".equals(unit) ? "%.4f" : "%.0f";
            String n = name.contains(" ") || name.contains("\t") ? "'" + name + "'" : name;
            StringBuilder sb = new StringBuilder(n).append('=').append(String.format(Locale.ROOT, valueFormat, value));
            sb.append(unit);
            if (warn != 0 || crit != 0) {
                sb.append(';');
                if (warn != 0) {
                    sb.append(String.format(Locale.ROOT, valueFormat, warn));
                }
                if (crit != 0) {
                    sb.append(';').append(String.format(Locale.ROOT, valueFormat, crit));
                }
            }
            return sb.toString();
        }
    }

    private final String name;
    private final String suite;
    private final List<String> oks = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> criticals = new ArrayList<>();
    private final List<PerfData> perfData = new ArrayList<>();

    public CheckResult(String name, String suite) {
        this.name = name;
        this.suite = suite;
    }

    public void ok(String message) {
        oks.add(message);
    }

    public void warn(String message) {
        warnings.add(message);
    }

    public void critical(String message) {
        criticals.add(message);
    }

    public void perf(String metric, double value, double warn, double crit, String unit, String help) {
        perfData.add(new PerfData(metric, value, warn, crit, unit == null ? "" : unit, help));
    }

    /** OK, WARNING or CRITICAL, by the worst message. */
    public String status() {
        if (!criticals.isEmpty()) {
            return "CRITICAL";
        }
        return warnings.isEmpty() ? "OK" : "WARNING";
    }

    /** The Nagios exit status: 0 OK, 1 WARNING, 2 CRITICAL. */
    public int exitStatus() {
        if (!criticals.isEmpty()) {
            return 2;
        }
        return warnings.isEmpty() ? 0 : 1;
    }

    /** The exit status for a format: Prometheus output is scraped, so it always exits 0, as natscli does. */
    public int exitStatus(Format format) {
        return format == Format.PROMETHEUS ? 0 : exitStatus();
    }

    /** The result in the given format, without a trailing newline; {@code namespace} prefixes Prometheus names. */
    public String render(Format format, String namespace) {
        return switch (format) {
            case NAGIOS -> nagios();
            case JSON -> json();
            case TEXT -> text();
            case PROMETHEUS -> prometheus(namespace);
        };
    }

    private String nagios() {
        List<String> parts = new ArrayList<>();
        parts.add(name);
        criticals.forEach(c -> parts.add("Crit:" + c));
        warnings.forEach(w -> parts.add("Warn:" + w));
        oks.forEach(o -> parts.add("OK:" + o));
        String line = status() + " " + String.join(" ", parts);
        if (perfData.isEmpty()) {
            return line;
        }
        List<String> metrics = new ArrayList<>();
        perfData.forEach(p -> metrics.add(p.nagios()));
        return line + " | " + String.join(" ", metrics).strip();
    }

    private String prometheus(String namespace) {
        String item = name.replace('"', '.');
        java.util.TreeMap<String, String> families = new java.util.TreeMap<>();
        for (PerfData p : perfData) {
            String metric = fqName(namespace, suite, p.name());
            String help = p.help() == null || p.help().isEmpty() ? "Data about the NATS CLI check " + suite : p.help();
            families.putIfAbsent(metric, family(metric, help, "{item=\"" + label(item) + "\"} " + goFloat(p.value())));
        }
        String status = fqName(namespace, suite, "status_code");
        families.putIfAbsent(status, family(status, "Nagios compatible status code for " + suite,
                "{item=\"" + label(item) + "\",status=\"" + status() + "\"} " + exitStatus()));
        return String.join("", families.values()).stripTrailing();
    }

    private static String family(String metric, String help, String sample) {
        return "# HELP " + metric + " " + help.replace("\\", "\\\\").replace("\n", "\\n") + "\n# TYPE " + metric
                + " gauge\n" + metric + sample + "\n";
    }

    private static String fqName(String... parts) {
        List<String> present = new ArrayList<>();
        for (String p : parts) {
            if (p != null && !p.isEmpty()) {
                present.add(p);
            }
        }
        return String.join("_", present);
    }

    private static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /**
     * A float as Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}, as Prometheus' text format writes samples: the
     * shortest digits that read back the same, in exponent form below 1e-4 and from 1e6 ({@code 0.0012},
     * {@code 42}, {@code 1e-05}, {@code 5.6e+07}).
     */
    static String goFloat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int exp = digits.length() - 1 - d.scale();
        String sign = v < 0 ? "-" : "";
        if (exp < -4 || exp >= 6) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        return sign + d.toPlainString();
    }

    private String json() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("status", status());
        o.put("check_suite", suite);
        o.put("check_name", name);
        strings(o, "warning", warnings);
        strings(o, "critical", criticals);
        strings(o, "ok", oks);
        ArrayNode perf = o.putArray("perf_data");
        for (PerfData p : perfData) {
            ObjectNode item = perf.addObject();
            item.put("name", p.name());
            item.put("value", p.value());
            item.put("warning", p.warn());
            item.put("critical", p.crit());
            if (!p.unit().isEmpty()) {
                item.put("unit", p.unit());
            }
        }
        return Json.pretty(o);
    }

    private static void strings(ObjectNode o, String key, List<String> values) {
        if (!values.isEmpty()) {
            ArrayNode array = o.putArray(key);
            values.forEach(array::add);
        }
    }

    private String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(name).append(": ").append(status()).append("\n\n");
        if (!oks.isEmpty() || !warnings.isEmpty() || !criticals.isEmpty()) {
            Table details = Table.of("Status", "Message");
            oks.forEach(m -> details.row("OK", m));
            warnings.forEach(m -> details.row("Warning", m));
            criticals.forEach(m -> details.row("Critical", m));
            sb.append("Status Detail\n\n").append(details.render());
        }
        if (!perfData.isEmpty()) {
            Table metrics = Table.of("Metric", "Value", "Unit", "Critical Threshold", "Warning Threshold",
                    "Description");
            for (PerfData p : perfData) {
                metrics.row(p.name(), Fmt.decimal(p.value()), p.unit(), Fmt.decimal(p.crit()), Fmt.decimal(p.warn()),
                        p.help());
            }
            sb.append("\nCheck Metrics\n\n").append(metrics.render()).append('\n');
        }
        return sb.toString().stripTrailing();
    }

    /** A number of seconds as Go's {@code %v} prints a float64: {@code 1}, {@code 0.5}. */
    public static String seconds(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
