package io.natrix.cli.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.output.Human;
import io.natrix.cli.output.Json;
import io.natrix.cli.output.Table;
import io.nats.client.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code server report accounts [ACCOUNT]}: connections and traffic per account, summed from every server's connz,
 * as natscli's accounts report; with ACCOUNT, that account's connections.
 */
@Command(name = "accounts", aliases = "acct", description = "Report on account activity")
final class AccountsReport extends ConnzReport {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ACCOUNT",
            description = "Account to produce a report for")
    String account;

    @Parameters(index = "1", arity = "0..1", paramLabel = "LIMIT",
            description = "Limit the responses to a certain amount of servers")
    int waitFor;

    @Option(names = "--sort", defaultValue = "subs",
            description = "Sort by a specific property (in-bytes,out-bytes,in-msgs,out-msgs,conns,subs)")
    String sort;

    @Override
    String account() {
        return account == null || account.isEmpty() ? null : account;
    }

    @Override
    int waitFor() {
        return waitFor;
    }

    @Override
    public Integer call() throws InterruptedException {
        account = account();
        Comparator<ObjectNode> order = switch (sort) {
            case "in-bytes" -> Comparator.comparingLong(a -> a.path("in_bytes").asLong());
            case "out-bytes" -> Comparator.comparingLong(a -> a.path("out_bytes").asLong());
            case "in-msgs" -> Comparator.comparingLong(a -> a.path("in_msgs").asLong());
            case "out-msgs" -> Comparator.comparingLong(a -> a.path("out_msgs").asLong());
            case "conns" -> Comparator.comparingLong(a -> a.path("connections").asLong());
            case "subs" -> Comparator.comparingLong(a -> a.path("subscriptions").asLong());
            default -> throw new CliException("invalid sort \"" + sort
                    + "\": use in-bytes, out-bytes, in-msgs, out-msgs, conns or subs");
        };
        List<Conn> conns;
        try (Connection nc = connect()) {
            conns = connections(nc, null, null, "open");
        }
        Map<String, ObjectNode> accounts = new LinkedHashMap<>();
        Map<String, List<Conn>> byAccount = new LinkedHashMap<>();
        for (Conn c : conns) {
            String name = c.info().path("account").asText();
            ObjectNode a = accounts.computeIfAbsent(name, k -> Json.MAPPER.createObjectNode().put("account", k));
            a.put("connections", a.path("connections").asLong() + 1);
            for (String f : List.of("in_msgs", "out_msgs", "in_bytes", "out_bytes")) {
                a.put(f, a.path(f).asLong() + c.number(f));
            }
            a.put("subscriptions", a.path("subscriptions").asLong() + c.subs());
            byAccount.computeIfAbsent(name, k -> new ArrayList<>()).add(c);
        }
        if (account != null) {
            List<Conn> mine = byAccount.get(account);
            if (mine == null) {
                throw new CliException("did not receive any results for account " + account);
            }
            if (json) {
                ObjectNode a = accounts.get(account);
                a.set("connections_info", flat(mine));
                Json.print(out(), a);
                return 0;
            }
            render(mine, "subs", false);
            return 0;
        }
        List<ObjectNode> list = new ArrayList<>(accounts.values());
        list.sort(parent.reverse ? order.reversed() : order);
        if (top > 0 && top < list.size()) {
            list = parent.reverse ? list.subList(0, top) : list.subList(list.size() - top, list.size());
        }
        if (json) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            list.forEach(array::add);
            Json.print(out(), array);
            return 0;
        }
        Table table = Table.titled(list.size() + " Accounts Overview", "Account", "Connections", "In Msgs",
                "Out Msgs", "In Bytes", "Out Bytes", "Subs");
        for (ObjectNode a : list) {
            table.row(a.path("account").asText(), Fmt.count(a.path("connections").asLong()),
                    Fmt.count(a.path("in_msgs").asLong()), Fmt.count(a.path("out_msgs").asLong()),
                    Human.bytes(a.path("in_bytes").asLong()), Human.bytes(a.path("out_bytes").asLong()),
                    Fmt.count(a.path("subscriptions").asLong()));
        }
        table.print(out());
        return 0;
    }
}
