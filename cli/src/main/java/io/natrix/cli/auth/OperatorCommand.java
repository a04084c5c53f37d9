package io.natrix.cli.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Columns;
import io.natrix.cli.output.Json;
import io.natrix.cli.output.Table;
import io.natrix.cli.support.PrivateFiles;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code auth operator}: natscli's operator commands ({@code add}, {@code ls}, {@code info}, {@code edit},
 * {@code rm}) on the nsc-layout store, plus {@code config}, which prints the operator-mode server configuration
 * (operator JWT, system account, a full resolver and its preloads) that nsc's {@code generate config} would.
 *
 * <p>As natscli does, {@code add} gives every operator a system account ({@code SYSTEM} unless
 * {@code --system-account} names it) and, unless {@code --no-signing-key}, a signing key that then issues the
 * accounts. Natrix also gives the system account a user, {@code sys}, whose credentials
 * {@code auth account push} uses to reach the server's system account.
 */
@Command(name = "operator", aliases = {"o", "op"}, description = "Manage NATS Operators",
        subcommands = {OperatorCommand.Add.class, OperatorCommand.Ls.class, OperatorCommand.Info.class,
                OperatorCommand.Edit.class, OperatorCommand.Rm.class, OperatorCommand.Config.class})
final class OperatorCommand extends ClientCommand {

    /** The name of the user {@code operator add} creates in the system account. */
    static final String SYSTEM_USER = "sys";

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 0;
    }

    /** The system account of an operator, or null when its JWT names none (or names one the store lacks). */
    static AuthStore.Entry systemAccount(AuthStore store, AuthStore.Entry operator) {
        String key = operator.nats().path("system_account").asText("");
        if (key.isEmpty()) {
            return null;
        }
        for (String name : store.accountNames(operator.name())) {
            AuthStore.Entry account = store.account(operator.name(), name);
            if (account.subject().equals(key)) {
                return account;
            }
        }
        return null;
    }

    static void show(PrintWriter out, AuthStore store, AuthStore.Entry operator, boolean json) {
        if (json) {
            Json.print(out, operator.claims());
            return;
        }
        ObjectNode nats = operator.nats();
        AuthStore.Entry system = systemAccount(store, operator);
        String systemKey = nats.path("system_account").asText("");
        String systemText = system != null ? system.name() + " (" + system.subject() + ")"
                : systemKey.isEmpty() ? "not set" : systemKey;
        String accountServer = nats.path("account_server_url").asText("");
        new Columns("Operator " + operator.name() + " (" + operator.subject() + ")")
                .title("Configuration")
                .row("Name", operator.name())
                .row("Subject", operator.subject())
                .rows("Service URL(s)", Claims.strings(nats, "operator_service_urls"))
                .row("Account Server", accountServer.isEmpty() ? null : accountServer)
                .row("Accounts", store.accountNames(operator.name()).size())
                .row("System Account", systemText)
                .rows("Signing Keys", Claims.strings(nats, "signing_keys").stream().sorted().toList())
                .print(out);
    }

    private static List<String> checkUrls(List<String> urls) {
        for (String url : urls) {
            checkUrl(url);
        }
        return urls;
    }

    private static String checkUrl(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null) {
                throw new CliException("invalid URL \"" + url + "\": it has no scheme (nats://, tls://, http://)");
            }
            return url;
        } catch (URISyntaxException e) {
            throw new CliException("invalid URL \"" + url + "\": " + e.getReason());
        }
    }

    /** {@code auth operator add NAME}: a new operator with its system account (and user) and signing key. */
    @Command(name = "add", description = "Adds a new Operator")
    static final class Add extends AuthBase {
        @Parameters(index = "0", paramLabel = "NAME", description = "Unique name for this Operator")
        String name;

        @Option(names = {"--service", "--service-url"}, paramLabel = "URL",
                description = "URLs for the Operator services (repeatable)")
        List<String> services = new ArrayList<>();

        @Option(names = "--account-server", paramLabel = "URL", description = "URL for the account server")
        String accountServer;

        @Option(names = "--signing-key", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Creates a signing key for this Operator (default true)")
        boolean signingKey;

        @Option(names = "--system-account", paramLabel = "NAME", defaultValue = "SYSTEM",
                description = "Name of the system account to create (default SYSTEM)")
        String systemAccountName;

        @Override
        public Integer call() {
            AuthStore.checkName("operator", name);
            AuthStore.checkName("account", systemAccountName);
            checkUrls(services);
            if (accountServer != null) {
                checkUrl(accountServer);
            }
            AuthStore store = store();
            if (store.hasOperator(name)) {
                throw new CliException("operator " + name + " already exist");
            }
            long now = nowSeconds();
            String operatorSeed = NKeys.createSeed(NKeys.Kind.OPERATOR);
            String systemSeed = NKeys.createSeed(NKeys.Kind.ACCOUNT);
            String userSeed = NKeys.createSeed(NKeys.Kind.USER);
            store.storeSeed(operatorSeed);
            store.storeSeed(systemSeed);
            store.storeSeed(userSeed);

            ObjectNode claims = Claims.operator(name, NKeys.publicKey(operatorSeed, "the operator key"));
            ObjectNode nats = Claims.nats(claims);
            if (signingKey) {
                String signingSeed = NKeys.createSeed(NKeys.Kind.OPERATOR);
                store.storeSeed(signingSeed);
                Claims.strings(nats, "signing_keys", List.of(NKeys.publicKey(signingSeed, "the signing key")));
            }
            if (accountServer != null) {
                nats.put("account_server_url", accountServer);
            }
            Claims.strings(nats, "operator_service_urls", services);
            String systemKey = NKeys.publicKey(systemSeed, "the system account key");
            nats.put("system_account", systemKey);
            store.writeOperator(name, Signers.issueOperator(store, claims, now));
            AuthStore.Entry operator = store.operator(name);

            ObjectNode systemClaims = Claims.account(systemAccountName, systemKey);
            store.writeAccount(name, systemAccountName, Signers.issueAccount(store, operator, systemClaims, now));
            AuthStore.Entry system = store.account(name, systemAccountName);
            ObjectNode userClaims = Claims.user(SYSTEM_USER, NKeys.publicKey(userSeed, "the system user key"));
            store.writeUser(name, systemAccountName, SYSTEM_USER,
                    Signers.issueUser(store, system, userClaims, now));

            show(out(), store, operator, false);
            return 0;
        }
    }

    /** {@code auth operator ls}: the operators in the store. */
    @Command(name = "ls", aliases = "list", description = "List Operators")
    static final class Ls extends AuthBase {
        @Option(names = "--names", description = "Show just the Operator names")
        boolean names;

        @Override
        public Integer call() {
            AuthStore store = store();
            List<String> all = store.operatorNames();
            if (all.isEmpty()) {
                out().println("No Operators found");
            } else if (names) {
                all.forEach(out()::println);
            } else {
                Table table = Table.titled("Operators", "Name", "Subject", "Accounts", "Account Server",
                        "Signing Keys");
                for (String n : all) {
                    AuthStore.Entry op = store.operator(n);
                    table.row(n, op.subject(), store.accountNames(n).size(),
                            op.nats().path("account_server_url").asText(""),
                            Claims.strings(op.nats(), "signing_keys").size());
                }
                table.print(out());
            }
            out().flush();
            return 0;
        }
    }

    /** {@code auth operator info [NAME]}: one operator (the only one when not named). */
    @Command(name = "info", aliases = {"i", "show", "view"}, description = "Show Operator information")
    static final class Info extends AuthBase {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Operator to view")
        String name;

        @Option(names = {"-j", "--json"}, description = "Produce JSON output (the JWT claims)")
        boolean json;

        @Override
        public Integer call() {
            AuthStore store = store();
            show(out(), store, store.pickOperator(name), json);
            return 0;
        }
    }

    /** {@code auth operator edit [NAME]}: changes the service URLs or account server and re-signs. */
    @Command(name = "edit", aliases = "update", description = "Edit an Operator")
    static final class Edit extends AuthBase {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Operator to edit")
        String name;

        @Option(names = {"--service", "--service-url"}, paramLabel = "URL",
                description = "URLs for the Operator Services, replacing the current ones (repeatable; '' clears)")
        List<String> services;

        @Option(names = "--account-server", paramLabel = "URL",
                description = "URL for the Account Server ('' clears)")
        String accountServer;

        @Override
        public Integer call() {
            AuthStore store = store();
            AuthStore.Entry operator = store.pickOperator(name);
            ObjectNode claims = Jwt.reissuable(operator.claims());
            ObjectNode nats = Claims.nats(claims);
            if (services != null) {
                List<String> urls = services.stream().filter(s -> !s.isEmpty()).toList();
                Claims.strings(nats, "operator_service_urls", checkUrls(urls));
            }
            if (accountServer != null) {
                if (accountServer.isEmpty()) {
                    nats.remove("account_server_url");
                } else {
                    nats.put("account_server_url", checkUrl(accountServer));
                }
            }
            store.writeOperator(operator.name(), Signers.issueOperator(store, claims, nowSeconds()));
            show(out(), store, store.operator(operator.name()), false);
            return 0;
        }
    }

    /** {@code auth operator rm NAME}: deletes an operator, its accounts and users, and all their seeds. */
    @Command(name = "rm", aliases = {"delete", "del"}, description = "Removes an Operator and all it holds")
    static final class Rm extends AuthBase {
        @Parameters(index = "0", paramLabel = "NAME", description = "Operator to remove")
        String name;

        @Option(names = {"-f", "--force"}, description = "Remove without prompting")
        boolean force;

        @Override
        public Integer call() {
            AuthStore store = store();
            AuthStore.Entry operator = store.operator(name);
            if (!confirmed("Really remove the Operator " + name + " with all its accounts, users and keys", force)) {
                return 0;
            }
            List<String> keys = new ArrayList<>();
            keys.add(operator.subject());
            keys.addAll(Claims.strings(operator.nats(), "signing_keys"));
            for (String accountName : store.accountNames(name)) {
                keys.addAll(AccountCommand.keysOf(store, name, store.account(name, accountName)));
            }
            store.deleteOperator(name);
            keys.forEach(store::deleteSeed);
            out().println("Removed operator " + name);
            out().flush();
            return 0;
        }
    }

    /**
     * {@code auth operator config [NAME]}: the server configuration for operator mode: the operator JWT, its
     * system account, a full resolver keeping account JWTs in {@code --resolver-dir}, and every account of the
     * operator preloaded (the resolver stores them at start; later changes arrive by {@code auth account push}).
     */
    @Command(name = "config", aliases = "server-config",
            description = "Print the server configuration for this Operator (full resolver)")
    static final class Config extends AuthBase {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Operator to configure")
        String name;

        @Option(names = "--resolver-dir", paramLabel = "DIR", defaultValue = "./jwt",
                description = "Where the server's full resolver keeps account JWTs (default ./jwt)")
        String resolverDir;

        @Option(names = "--output", paramLabel = "FILE", description = "Write the configuration to a file")
        String output;

        @Override
        public Integer call() {
            AuthStore store = store();
            AuthStore.Entry operator = store.pickOperator(name);
            StringBuilder b = new StringBuilder();
            b.append("# Operator mode for operator ").append(operator.name()).append(" (")
                    .append(operator.subject()).append(")\n");
            b.append("operator: ").append(operator.jwt()).append("\n");
            String system = operator.nats().path("system_account").asText("");
            if (!system.isEmpty()) {
                b.append("system_account: ").append(system).append("\n");
            }
            b.append("\nresolver: {\n    type: full\n    dir: ").append(quoted(resolverDir)).append("\n}\n");
            b.append("\nresolver_preload: {\n");
            for (String accountName : store.accountNames(operator.name())) {
                AuthStore.Entry account = store.account(operator.name(), accountName);
                b.append("    # ").append(accountName).append("\n");
                b.append("    ").append(account.subject()).append(": ").append(account.jwt()).append("\n");
            }
            b.append("}\n");
            if (output != null) {
                PrivateFiles.write(Path.of(output), b.toString());
                out().println("Wrote server configuration for operator " + operator.name() + " to " + output);
            } else {
                out().print(b);
            }
            out().flush();
            return 0;
        }

        private static String quoted(String text) {
            return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }
}
