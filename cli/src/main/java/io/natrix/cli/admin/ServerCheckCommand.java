package io.natrix.cli.admin;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.Globals;
import io.natrix.cli.support.GoDuration;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code natrix server check KIND}: health checks for monitoring systems, as natscli's {@code server check}:
 * {@code connection}, {@code server}, {@code jetstream}, {@code stream}, {@code consumer}, {@code kv},
 * {@code request}, {@code message} and {@code credential} (each in its own class, on {@link HealthCheck}). Each
 * prints one {@link CheckResult} ({@code --format nagios|json|prometheus|text}, to a file with {@code --outfile})
 * and exits with the Nagios status (0 OK,
 * 1 WARNING, 2 CRITICAL). Failures to reach the server or load the checked thing are CRITICAL results, not errors,
 * so a monitoring system always gets a verdict.
 */
@Command(name = "check", description = "Health check for NATS servers",
        subcommands = {ConnectionCheck.class, ServerHealthCheck.class, JetStreamCheck.class, StreamCheck.class,
                ConsumerCheck.class, KvCheck.class, RequestCheck.class, MessageCheck.class, CredentialCheck.class})
public final class ServerCheckCommand extends ClientCommand {

    @Option(names = "--format", defaultValue = "nagios", scope = ScopeType.INHERIT,
            description = "Render the check in a specific format (nagios, json, prometheus, text)")
    String format;

    @Option(names = "--namespace", defaultValue = "nats_server_check", scope = ScopeType.INHERIT,
            description = "The prometheus namespace to use in output (default nats_server_check)")
    String namespace;

    @Option(names = "--outfile", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Save output to a file rather than STDOUT")
    String outFile;

    @Override
    public Integer call() {
        throw new CliException("a check is required: connection, server, jetstream, stream, consumer, kv, request, "
                + "message or credential");
    }

    CheckResult.Format format() {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "nagios" -> CheckResult.Format.NAGIOS;
            case "json" -> CheckResult.Format.JSON;
            case "text" -> CheckResult.Format.TEXT;
            case "prometheus" -> CheckResult.Format.PROMETHEUS;
            default -> throw new CliException("invalid format \"" + format
                    + "\": use nagios, json, prometheus or text");
        };
    }

    /** A duration flag in seconds, as the checks compare them; 0 when not given. */
    static double seconds(String flag, String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            return GoDuration.parse(value).toNanos() / 1e9;
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid " + flag + " \"" + value + "\": " + e.getMessage());
        }
    }

    static String reason(CliException e) {
        return e.getCause() != null ? Globals.rootMessage(e.getCause()) : e.getMessage();
    }
}
