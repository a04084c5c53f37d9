package io.natrix.cli.admin;

import io.natrix.cli.CliException;
import io.natrix.cli.output.Json;
import io.nats.client.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code server report connections}: "Top N Connections out of M by SORT" across every server, as natscli's
 * connections report, filtered by account, subject interest, user and state.
 */
@Command(name = "connections", aliases = {"conn", "connz", "conns"}, description = "Report on connections")
final class ConnectionsReport extends ConnzReport {
    @Parameters(index = "0", arity = "0..1", paramLabel = "LIMIT",
            description = "Limit the responses to a certain amount of servers")
    int waitFor;

    @Option(names = "--account", description = "Limit report to a specific account")
    String account;

    @Option(names = "--sort", defaultValue = "subs",
            description = "Sort by a specific property (in-bytes,out-bytes,in-msgs,out-msgs,uptime,cid,subs)")
    String sort;

    @Option(names = "--subject",
            description = "Limits responses only to those connections with matching subscription interest")
    String subject;

    @Option(names = "--username",
            description = "Limits responses only to those connections for a specific authentication username")
    String user;

    @Option(names = "--state", defaultValue = "open",
            description = "Limits responses only to those connections that are in a specific state "
                    + "(open, closed, all)")
    String state;

    @Option(names = "--closed-reason", paramLabel = "REASON",
            description = "Filter results based on a closed reason (a regular expression, lower case)")
    String closedReason;

    @Override
    int waitFor() {
        return waitFor;
    }

    @Override
    String account() {
        return account;
    }

    @Override
    public Integer call() throws InterruptedException {
        order(sort);
        Pattern reason = null;
        if (closedReason != null) {
            try {
                reason = Pattern.compile(closedReason);
            } catch (PatternSyntaxException e) {
                throw new CliException("invalid --closed-reason \"" + closedReason + "\": " + e.getDescription());
            }
        }
        List<Conn> conns;
        try (Connection nc = connect()) {
            conns = connections(nc, user, subject, state);
        }
        if (reason != null) {
            // natscli's filter: the lower-cased close reason matches the expression.
            Pattern r = reason;
            conns = new ArrayList<>(conns.stream()
                    .filter(c -> r.matcher(c.info().path("reason").asText().toLowerCase(Locale.ROOT)).find())
                    .toList());
        }
        if (json) {
            Json.print(out(), flat(conns));
            return 0;
        }
        render(conns, sort, state.equals("closed") || state.equals("all"));
        return 0;
    }
}
