package io.natrix.cli.admin;

import io.natrix.cli.support.ScatterGather;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Json;
import io.nats.client.Connection;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * {@code natrix server request KIND [WAIT]}: one monitoring document from every server over the system account,
 * as natscli's {@code server request}: {@code variables} (varz), {@code connections} (connz),
 * {@code subscriptions} (subsz), {@code accounts} (accountz), {@code jetstream} (jsz), {@code jetstream-health}
 * (healthz), and {@code kick}. Each answer is printed as one line of JSON, in arrival order. The filter flags
 * ({@code --name}, {@code --host}, {@code --cluster}, {@code --tags}) pick the servers that answer; WAIT says how
 * many answers to wait for (one when a name or host is given; otherwise until answers stop coming).
 */
@Command(name = "request", aliases = "req", description = "Request monitoring data from a specific server",
        subcommands = {ServerRequestCommand.Variables.class, ServerRequestCommand.Connections.class,
                ServerRequestCommand.Subscriptions.class, ServerRequestCommand.Accounts.class,
                ServerRequestCommand.JetStream.class, ServerRequestCommand.Health.class,
                ServerRequestCommand.Kick.class})
public final class ServerRequestCommand extends ClientCommand {

    @Option(names = "--limit", defaultValue = "2048", scope = ScopeType.INHERIT,
            description = "Limit the responses to a certain amount of records (default 2048)")
    int limit;

    @Option(names = "--offset", defaultValue = "0", scope = ScopeType.INHERIT,
            description = "Start at a certain record")
    int offset;

    @Option(names = "--name", scope = ScopeType.INHERIT, description = "Limit to servers matching a server name")
    String name;

    @Option(names = "--host", scope = ScopeType.INHERIT, description = "Limit to servers matching a server host name")
    String host;

    @Option(names = "--cluster", scope = ScopeType.INHERIT, description = "Limit to servers matching a cluster name")
    String cluster;

    @Option(names = "--tags", split = ",", scope = ScopeType.INHERIT,
            description = "Limit to servers with these configured tags")
    List<String> tags = new ArrayList<>();

    @Override
    public Integer call() {
        throw new CliException("a request kind is required: variables, connections, subscriptions, accounts, "
                + "jetstream, jetstream-health or kick");
    }

    /** The server filter and paging every request carries, under nats-server's option names. */
    ObjectNode options() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        putIfSet(o, "server_name", name);
        putIfSet(o, "host", host);
        putIfSet(o, "cluster", cluster);
        if (!tags.isEmpty()) {
            tags.forEach(o.putArray("tags")::add);
        }
        return o;
    }

    private static void putIfSet(ObjectNode o, String key, String value) {
        if (value != null && !value.isEmpty()) {
            o.put(key, value);
        }
    }

    /** One kind of monitoring request: its subject suffix and the options it sends. */
    abstract static class Kind extends ClientCommand {
        @ParentCommand
        ServerRequestCommand parent;

        @Parameters(index = "0", arity = "0..1", paramLabel = "WAIT",
                description = "Wait for a certain number of responses")
        int wait;

        abstract String document();

        abstract void addOptions(ObjectNode options);

        @Override
        public Integer call() {
            ObjectNode options = parent.options();
            addOptions(options);
            int expect = wait;
            if (expect == 0 && (parent.name != null || parent.host != null)) {
                expect = 1;
            }
            String subject = "$SYS.REQ.SERVER.PING." + document().toUpperCase(Locale.ROOT);
            List<byte[]> answers;
            try (Connection nc = connect()) {
                answers = ScatterGather.request(nc, subject, options.toString(), expect, globals().timeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted", e);
            }
            if (answers.isEmpty()) {
                throw new CliException(ScatterGather.NO_SYSTEM_PRIVILEGES);
            }
            PrintWriter out = out();
            for (JsonNode answer : SystemAnswers.parse(answers, subject)) {
                out.println(answer.toString());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "variables", aliases = {"var", "varz"}, description = "Show runtime variables")
    static final class Variables extends Kind {
        @Override
        String document() {
            return "varz";
        }

        @Override
        void addOptions(ObjectNode options) {
        }
    }

    @Command(name = "connections", aliases = {"conn", "connz"}, description = "Show connection details")
    static final class Connections extends Kind {
        @Option(names = "--sort", defaultValue = "cid", description = "Sort by a specific property (default cid)")
        String sort;

        @Option(names = "--subscriptions", description = "Show subscriptions")
        boolean detail;

        @Option(names = "--filter-cid", paramLabel = "CID", description = "Filter on a specific CID")
        long cid;

        @Option(names = "--filter-state", defaultValue = "open",
                description = "Filter on a specific account state (open, closed, all)")
        String state;

        @Option(names = "--filter-user", paramLabel = "USER", description = "Filter on a specific username")
        String user;

        @Option(names = "--filter-account", paramLabel = "ACCOUNT", description = "Filter on a specific account")
        String account;

        @Option(names = "--filter-subject", paramLabel = "SUBJECT",
                description = "Limits responses only to those connections with matching subscription interest")
        String subject;

        @Override
        String document() {
            return "connz";
        }

        @Override
        void addOptions(ObjectNode o) {
            o.put("sort", sort);
            o.put("subscriptions", detail);
            o.put("offset", parent.offset);
            o.put("limit", parent.limit);
            if (cid > 0) {
                o.put("cid", cid);
            }
            o.put("state", switch (state) {
                case "open" -> 0;
                case "closed" -> 1;
                case "all" -> 2;
                default -> throw new CliException("invalid state \"" + state + "\": use open, closed or all");
            });
            if (user != null) {
                o.put("user", user);
            }
            if (account != null) {
                o.put("acc", account);
            }
            if (subject != null) {
                o.put("filter_subject", subject);
            }
        }
    }

    @Command(name = "subscriptions", aliases = {"sub", "subsz"}, description = "Show subscription information")
    static final class Subscriptions extends Kind {
        @Option(names = "--detail", description = "Include detail about all subscriptions")
        boolean detail;

        @Option(names = "--filter-account", paramLabel = "ACCOUNT", description = "Filter on a specific account")
        String account;

        @Option(names = "--filter-subject", paramLabel = "SUBJECT",
                description = "Filter based on subscriptions matching this subject")
        String subject;

        @Override
        String document() {
            return "subsz";
        }

        @Override
        void addOptions(ObjectNode o) {
            o.put("subscriptions", detail);
            o.put("offset", parent.offset);
            o.put("limit", parent.limit);
            if (account != null) {
                o.put("account", account);
            }
            if (subject != null) {
                o.put("test", subject);
            }
        }
    }

    @Command(name = "accounts", aliases = {"accountz", "acct"}, description = "Show account details")
    static final class Accounts extends Kind {
        @Option(names = "--account", description = "Retrieve information for a specific account")
        String account;

        @Override
        String document() {
            return "accountz";
        }

        @Override
        void addOptions(ObjectNode o) {
            if (account != null) {
                o.put("account", account);
            }
        }
    }

    @Command(name = "jetstream", aliases = {"jsz", "js"}, description = "Show JetStream details")
    static final class JetStream extends Kind {
        @Option(names = "--account", description = "Show statistics scoped to a specific account")
        String account;

        @Option(names = "--accounts", description = "Include details about accounts")
        boolean accounts;

        @Option(names = "--streams", description = "Include details about Streams")
        boolean streams;

        @Option(names = "--consumer", description = "Include details about Consumers")
        boolean consumers;

        @Option(names = "--config", description = "Include details about configuration")
        boolean config;

        @Option(names = "--leader", description = "Request a response from the Meta-group leader only")
        boolean leaderOnly;

        @Option(names = "--all", description = "Include accounts, streams, consumers and configuration")
        boolean all;

        @Override
        String document() {
            return "jsz";
        }

        @Override
        void addOptions(ObjectNode o) {
            if (leaderOnly) {
                wait = 1;
            }
            if (account != null) {
                o.put("account", account);
            }
            o.put("accounts", accounts || all);
            o.put("streams", streams || all);
            o.put("consumer", consumers || all);
            o.put("config", config || all);
            o.put("leader_only", leaderOnly);
            o.put("offset", parent.offset);
            o.put("limit", parent.limit);
        }
    }

    @Command(name = "jetstream-health", aliases = "healthz", description = "Request JetStream health status")
    static final class Health extends Kind {
        @Mixin
        HealthFilter health;

        @Option(names = "--details", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Include extended details about all failures (default true)")
        boolean details;

        @Override
        String document() {
            return "healthz";
        }

        @Override
        void addOptions(ObjectNode o) {
            health.addTo(o);
            o.put("details", details);
        }
    }

    /** {@code kick CID SERVER_ID}: disconnects one client; the server's answer is printed indented. */
    @Command(name = "kick", description = "Disconnects a client immediately")
    static final class Kick extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The Client ID to disconnect")
        long cid;

        @Parameters(index = "1", paramLabel = "SERVER_ID", description = "The Server ID to disconnect the client from")
        String serverId;

        @Override
        public Integer call() {
            String subject = "$SYS.REQ.SERVER." + serverId + ".KICK";
            String body = Json.MAPPER.createObjectNode().put("cid", cid).toString();
            List<byte[]> answers;
            try (Connection nc = connect()) {
                answers = ScatterGather.request(nc, subject, body, 1, globals().timeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted", e);
            }
            if (answers.isEmpty()) {
                throw new CliException("no responses received");
            }
            for (JsonNode answer : SystemAnswers.parse(answers, subject)) {
                Json.print(out(), answer);
            }
            return 0;
        }
    }
}
