package io.natrix.cli.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Columns;
import io.natrix.cli.output.Human;
import io.natrix.cli.output.Json;
import io.natrix.cli.output.Table;
import io.natrix.cli.support.PrivateFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code auth account}: natscli's account commands ({@code add}, {@code ls}, {@code info}, {@code edit},
 * {@code push}, {@code query}) on the nsc-layout store, plus {@code rm} (commented out in natscli). Accounts are
 * issued by their operator's signing key (see {@link Signers}); every change re-issues the JWT, which running servers
 * learn by {@code push} ({@link ResolverClient}).
 */
@Command(name = "account", aliases = {"a", "acct", "act"}, description = "Manage NATS Accounts",
        subcommands = {AccountCommand.Add.class, AccountCommand.Ls.class, AccountCommand.Info.class,
                AccountCommand.Edit.class, AccountCommand.Rm.class, AccountCommand.Push.class,
                AccountCommand.Query.class})
final class AccountCommand extends ClientCommand {

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 0;
    }

    /** The public keys whose seeds belong to an account: its own, its signing keys', its users'. */
    static List<String> keysOf(AuthStore store, String operator, AuthStore.Entry account) {
        List<String> keys = new ArrayList<>();
        keys.add(account.subject());
        for (JsonNode key : account.nats().path("signing_keys")) {
            keys.add(key.isTextual() ? key.asText() : key.path("key").asText());
        }
        for (String user : store.userNames(operator, account.name())) {
            keys.add(store.user(operator, account.name(), user).subject());
        }
        return keys;
    }

    static boolean isSystemAccount(AuthStore.Entry operator, AuthStore.Entry account) {
        return account.subject().equals(operator.nats().path("system_account").asText(""));
    }

    static void show(PrintWriter out, AuthStore store, AuthStore.Entry operator, AuthStore.Entry account,
                     boolean json) {
        if (json) {
            Json.print(out, account.claims());
            return;
        }
        ObjectNode nats = account.nats();
        JsonNode limits = nats.path("limits");
        int serviceExports = 0;
        int streamExports = 0;
        for (JsonNode e : nats.path("exports")) {
            if ("service".equals(e.path("type").asText())) {
                serviceExports++;
            } else {
                streamExports++;
            }
        }
        int serviceImports = 0;
        int streamImports = 0;
        for (JsonNode i : nats.path("imports")) {
            if ("service".equals(i.path("type").asText())) {
                serviceImports++;
            } else {
                streamImports++;
            }
        }
        long expires = account.claims().path("exp").asLong(0);
        boolean jetStream = Claims.jetStreamEnabled(account.claims());
        long payload = limits.path("payload").asLong(-1);
        Columns cols = new Columns("Account " + account.name() + " (" + account.subject() + ")")
                .title("Configuration")
                .row("Name", account.name())
                .row("Issuer", account.issuer())
                .row("Operator", operator.name())
                .row("System Account", isSystemAccount(operator, account))
                .row("JetStream", jetStream)
                .row("Expiry", expires > 0 ? Human.time(Instant.ofEpochSecond(expires)
                        .atZone(ZoneId.systemDefault())) : null)
                .row("Users", store.userNames(operator.name(), account.name()).size())
                .row("Revocations", nats.path("revocations").size())
                .row("Service Exports", serviceExports)
                .row("Stream Exports", streamExports)
                .row("Service Imports", serviceImports)
                .row("Stream Imports", streamImports)
                .title("Limits")
                .row("Bearer Tokens Allowed", !limits.path("disallow_bearer").asBoolean(false))
                .limit("Subscriptions", limits.path("subs").asLong(-1))
                .limit("Connections", limits.path("conn").asLong(-1))
                .row("Maximum Payload", payload <= 0 ? "Unlimited" : Human.bytes(payload))
                .limit("Leafnodes", limits.path("leaf").asLong(-1))
                .limit("Imports", limits.path("imports").asLong(-1))
                .limit("Exports", limits.path("exports").asLong(-1));
        if (jetStream) {
            long maxAck = limits.path("max_ack_pending").asLong(0);
            long diskStream = limits.path("disk_max_stream_bytes").asLong(0);
            long memStream = limits.path("mem_max_stream_bytes").asLong(0);
            cols.title("JetStream Settings")
                    .row("Max Ack Pending", maxAck <= 0 ? "Unlimited" : Long.toString(maxAck))
                    .limit("Maximum Streams", limits.path("streams").asLong(-1))
                    .limit("Max Consumers Per Stream", limits.path("consumer").asLong(-1))
                    .row("Max Stream Size Required", limits.path("max_bytes_required").asBoolean(false))
                    .row("Max File Storage", size(limits.path("disk_storage").asLong(0)))
                    .row("Max File Storage Stream Size", diskStream > 0 ? Human.bytes(diskStream) : null)
                    .row("Max Memory Storage", size(limits.path("mem_storage").asLong(0)))
                    .row("Max Memory Storage Stream Size", memStream > 0 ? Human.bytes(memStream) : null);
        }
        cols.print(out);
    }

    private static String size(long bytes) {
        return bytes < 0 ? "Unlimited" : Human.bytes(bytes);
    }

    /** {@code auth account add NAME}: a new account of an operator, with natscli's limit flags. */
    @Command(name = "add", aliases = {"create", "new"}, description = "Adds a new Account")
    static final class Add extends AuthBase {
        @Parameters(index = "0", paramLabel = "NAME", description = "Unique name for this Account")
        String name;

        @Option(names = "--operator", paramLabel = "NAME", description = "Operator to add the account to")
        String operatorName;

        @Option(names = "--defaults", hidden = true, description = "Accepted as natscli takes it; these commands never prompt")
        boolean defaults;

        @Mixin
        AccountLimitsOptions limits;

        @Override
        public Integer call() {
            AuthStore.checkName("account", name);
            AuthStore store = store();
            AuthStore.Entry operator = store.pickOperator(operatorName);
            if (store.hasAccount(operator.name(), name)) {
                throw new CliException("account " + name + " already exist");
            }
            long now = nowSeconds();
            String seed = NKeys.createSeed(NKeys.Kind.ACCOUNT);
            ObjectNode claims = Claims.account(name, NKeys.publicKey(seed, "the account key"));
            limits.apply(claims, true, now);
            String jwt = Signers.issueAccount(store, operator, claims, now);
            store.storeSeed(seed);
            store.writeAccount(operator.name(), name, jwt);
            show(out(), store, operator, store.account(operator.name(), name), false);
            return 0;
        }
    }

    /** {@code auth account ls [OPERATOR]}: an operator's accounts. */
    @Command(name = "ls", aliases = "list", description = "List Accounts")
    static final class Ls extends AuthBase {
        @Parameters(index = "0", arity = "0..1", paramLabel = "OPERATOR", description = "Operator to act on")
        String operatorArg;

        @Option(names = "--operator", paramLabel = "NAME", description = "Operator to act on")
        String operatorName;

        @Option(names = "--names", description = "Show just the Account names")
        boolean names;

        @Option(names = {"-j", "--json"}, description = "Produce JSON output")
        boolean json;

        @Override
        public Integer call() {
            AuthStore store = store();
            AuthStore.Entry operator = store.pickOperator(operatorArg != null ? operatorArg : operatorName);
            List<String> all = store.accountNames(operator.name());
            if (all.isEmpty() && !json) {
                out().println("No Accounts found");
            } else if (names) {
                if (json) {
                    Json.print(out(), all);
                } else {
                    all.forEach(out()::println);
                }
            } else if (json) {
                List<JsonNode> claims = new ArrayList<>();
                for (String n : all) {
                    claims.add(store.account(operator.name(), n).claims());
                }
                Json.print(out(), claims);
            } else {
                Table table = Table.titled("Accounts", "Name", "Subject", "Users", "JetStream", "System");
                for (String n : all) {
                    AuthStore.Entry account = store.account(operator.name(), n);
                    table.row(n, account.subject(), store.userNames(operator.name(), n).size(),
                            Claims.jetStreamEnabled(account.claims()) ? "true" : "",
                            isSystemAccount(operator, account) ? "true" : "");
                }
                table.print(out());
            }
            out().flush();
            return 0;
        }
    }

    /** {@code auth account info NAME}: one account. */
    @Command(name = "info", aliases = {"i", "show", "view"}, description = "Show Account information")
    static final class Info extends AuthBase {
        @Parameters(index = "0", paramLabel = "NAME", description = "Account to view")
        String name;

        @Option(names = "--operator", paramLabel = "NAME", description = "Operator hosting the account")
        String operatorName;

        @Option(names = {"-j", "--json"}, description = "Produce JSON output (the JWT claims)")
        boolean json;

        @Override
        public Integer call() {
            AuthStore store = store();
            AuthStore.Entry operator = store.pickOperator(operatorName);
            show(out(), store, operator, store.account(operator.name(), name), json);
            return 0;
        }
    }

    /** {@code auth account edit NAME}: changes the limits given as flags and re-issues the account. */
    @Command(name = "edit", aliases = "update", description = "Edit Account settings")
    static final class Edit extends AuthBase {
        @Parameters(index = "0", paramLabel = "NAME", description = "Account to edit")
        String name;

        @Option(names = "--operator", paramLabel = "NAME", description = "Operator hosting the account")
        String operatorName;

        @Mixin
        AccountLimitsOptions limits;

        @Override
        public Integer call() {
            AuthStore store = store();
            AuthStore.Entry operator = store.pickOperator(operatorName);
            AuthStore.Entry account = store.account(operator.name(), name);
            long now = nowSeconds();
            ObjectNode claims = Jwt.reissuable(account.claims());
            limits.apply(claims, false, now);
            store.writeAccount(operator.name(), name, Signers.issueAccount(store, operator, claims, now));
            show(out(), store, operator, store.account(operator.name(), name), false);
            return 0;
        }
    }

    /** {@code auth account rm NAME}: deletes an account, its users and their seeds (not the system account). */
    @Command(name = "rm", aliases = {"delete", "del"}, description = "Removes an Account and its users")
    static final class Rm extends AuthBase {
        @Parameters(index = "0", paramLabel = "NAME", description = "Account to remove")
        String name;

        @Option(names = "--operator", paramLabel = "NAME", description = "Operator hosting the account")
        String operatorName;

        @Option(names = {"-f", "--force"}, description = "Removes without prompting")
        boolean force;

        @Override
        public Integer call() {
            AuthStore store = store();
            AuthStore.Entry operator = store.pickOperator(operatorName);
            AuthStore.Entry account = store.account(operator.name(), name);
            if (isSystemAccount(operator, account)) {
                throw new CliException("cannot remove " + name + ": it is the system account of operator "
                        + operator.name());
            }
            if (!confirmed("Really remove the Account " + name + " and its users", force)) {
                return 0;
            }
            List<String> keys = keysOf(store, operator.name(), account);
            store.deleteAccount(operator.name(), name);
            keys.forEach(store::deleteSeed);
            out().println("Removed account " + name);
            out().flush();
            return 0;
        }
    }

    /**
     * {@code auth account push NAME}: sends the account JWT to the servers' resolvers on
     * {@code $SYS.REQ.ACCOUNT.<key>.CLAIMS.UPDATE} and reports each server's answer, as natscli does.
     */
    @Command(name = "push", description = "Push the Account to the NATS Resolver")
    static final class Push extends AuthBase {
        @Parameters(index = "0", paramLabel = "NAME", description = "Account to act on")
        String name;

        @Option(names = "--operator", paramLabel = "NAME", description = "Operator to act on")
        String operatorName;

        @Option(names = "--show", description = "Show the Account JWT before pushing")
        boolean showJwt;

        @Override
        public Integer call() {
            AuthStore store = store();
            AuthStore.Entry operator = store.pickOperator(operatorName);
            AuthStore.Entry account = store.account(operator.name(), name);
            if (showJwt) {
                out().println("Account JWT for " + name);
                out().println();
                out().println(account.jwt());
                out().println();
            }
            new ResolverClient(globals(), out()).push(store, operator, account);
            return 0;
        }
    }

    /**
     * {@code auth account query NAME [OUTPUT]}: the account JWT a server's resolver holds, shown (and saved to
     * OUTPUT), as natscli's {@code query}.
     */
    @Command(name = "query", aliases = "pull", description = "Pull the Account from the NATS Resolver and view it")
    static final class Query extends AuthBase {
        @Parameters(index = "0", paramLabel = "NAME", description = "Account to act on")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "OUTPUT", description = "Saves the JWT to a file")
        Path output;

        @Option(names = "--operator", paramLabel = "NAME", description = "Operator to act on")
        String operatorName;

        @Override
        public Integer call() {
            AuthStore store = store();
            AuthStore.Entry operator = store.pickOperator(operatorName);
            AuthStore.Entry local = store.account(operator.name(), name);
            String jwt = new ResolverClient(globals(), out()).lookup(store, operator, local.subject());
            AuthStore.Entry pulled = new AuthStore.Entry(name, jwt, Jwt.decode(jwt, "the server's answer"));
            if (output != null) {
                PrivateFiles.write(output, jwt);
            }
            show(out(), store, operator, pulled, false);
            return 0;
        }
    }
}
