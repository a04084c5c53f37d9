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
import io.nats.client.support.JwtUtils;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code auth user}: natscli's user commands ({@code add}, {@code info}, {@code edit}, {@code ls}, {@code rm},
 * {@code credential}) on the nsc-layout store, plus {@code revoke}. The account is the positional ACCOUNT as in
 * natscli, or {@code --account}. Users are issued by their account's identity key; a creds file holds the user JWT
 * and seed in the standard decorated format jnats, nats.go and nsc read.
 *
 * <p>Revoking (here, or {@code rm --revoke}) adds the user's key to the account JWT's {@code revocations} with the
 * current time, so that the user's JWTs issued until now are refused; running servers learn it when the account
 * is pushed ({@code auth account push}).
 */
@Command(name = "user", aliases = {"u", "usr", "users"}, description = "Manage Account Users",
        subcommands = {UserCommand.Add.class, UserCommand.Info.class, UserCommand.Edit.class, UserCommand.Ls.class,
                UserCommand.Rm.class, UserCommand.Credential.class, UserCommand.Revoke.class})
final class UserCommand extends ClientCommand {

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 0;
    }

    /** The account flags and arguments every user command takes. */
    abstract static class UserBase extends AuthBase {
        @Option(names = "--account", paramLabel = "NAME", description = "Account holding the user (or ACCOUNT)")
        String accountOption;

        @Option(names = "--operator", paramLabel = "NAME", description = "Operator holding the Account")
        String operatorName;

        AuthStore.Entry operator;

        /** The operator, then the account named by argument or flag. */
        AuthStore.Entry account(AuthStore store, String accountArg) {
            operator = store.pickOperator(operatorName);
            String name = accountArg != null ? accountArg : accountOption;
            if (name == null) {
                throw new CliException("no account given: name it as ACCOUNT or with --account");
            }
            return store.account(operator.name(), name);
        }
    }

    static void show(PrintWriter out, AuthStore.Entry account, AuthStore.Entry user, boolean json) {
        if (json) {
            Json.print(out, user.claims());
            return;
        }
        ObjectNode nats = user.nats();
        Columns cols = new Columns("User " + user.name() + " (" + user.subject() + ")")
                .title("Configuration")
                .row("Account", account.name() + " (" + account.subject() + ")")
                .row("Issuer", user.issuer())
                .row("Scoped", false)
                .row("Bearer Token", nats.path("bearer_token").asBoolean(false));
        long expires = user.claims().path("exp").asLong(0);
        if (expires > 0) {
            cols.row("Expires", Human.time(java.time.Instant.ofEpochSecond(expires)
                    .atZone(java.time.ZoneId.systemDefault())));
        }
        long revokedAt = account.nats().path("revocations").path(user.subject()).asLong(0);
        if (revokedAt > 0 && revokedAt >= user.claims().path("iat").asLong(0)) {
            cols.row("Revoked", Human.time(java.time.Instant.ofEpochSecond(revokedAt)
                    .atZone(java.time.ZoneId.systemDefault())));
        }
        long payload = nats.path("payload").asLong(-1);
        long data = nats.path("data").asLong(-1);
        cols.title("Limits")
                .row("Max Payload", payload < 0 ? "Unlimited" : Human.bytes(payload))
                .row("Max Data", data < 0 ? "Unlimited" : Human.bytes(data))
                .limit("Max Subscriptions", nats.path("subs").asLong(-1))
                .title("Permissions");
        List<String> pubAllow = Claims.strings(nats.path("pub"), "allow");
        List<String> pubDeny = Claims.strings(nats.path("pub"), "deny");
        List<String> subAllow = Claims.strings(nats.path("sub"), "allow");
        List<String> subDeny = Claims.strings(nats.path("sub"), "deny");
        if (pubAllow.isEmpty() && pubDeny.isEmpty()) {
            cols.row("Publish", "No permissions defined");
        }
        cols.rows("Publish Allow", pubAllow).rows("Publish Deny", pubDeny);
        if (subAllow.isEmpty() && subDeny.isEmpty()) {
            cols.row("Subscribe", "No permissions defined");
        }
        cols.rows("Subscribe Allow", subAllow).rows("Subscribe Deny", subDeny);
        cols.print(out);
    }

    /**
     * Writes a creds file for a user: its stored JWT, or, with an expiry, a JWT issued now that expires then
     * (as natscli's {@code credential --expire}). Refuses to replace a file unless {@code force}.
     */
    static void writeCreds(AuthStore store, AuthStore.Entry account, AuthStore.Entry user, Path file,
                           Duration expire, boolean force, long nowSeconds) {
        if (!force && Files.exists(file)) {
            throw new CliException("file " + file + " already exist");
        }
        String jwt = user.jwt();
        if (expire != null) {
            ObjectNode claims = Jwt.reissuable(user.claims());
            claims.put("exp", nowSeconds + expire.toSeconds());
            jwt = Signers.issueUser(store, account, claims, nowSeconds);
        }
        String seed = store.seed(user.subject());
        PrivateFiles.write(file, String.format(JwtUtils.NATS_USER_JWT_FORMAT, jwt, seed));
    }

    /** Revokes every JWT of {@code user} issued until now in its account, and re-issues the account. */
    static void revoke(AuthStore store, AuthStore.Entry operator, AuthStore.Entry account, AuthStore.Entry user,
                       long nowSeconds) {
        ObjectNode claims = Jwt.reissuable(account.claims());
        Claims.object(Claims.nats(claims), "revocations").put(user.subject(), nowSeconds);
        store.writeAccount(operator.name(), account.name(),
                Signers.issueAccount(store, operator, claims, nowSeconds));
    }

    /** {@code auth user add NAME [ACCOUNT]}: a new user of an account. */
    @Command(name = "add", aliases = {"create", "new"}, description = "Adds a new User")
    static final class Add extends UserBase {
        @Parameters(index = "0", paramLabel = "NAME", description = "Unique name for this User")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "ACCOUNT", description = "Account to add the user to")
        String accountArg;

        @Mixin
        UserLimitsOptions limits;

        @Option(names = "--credential", paramLabel = "FILE", description = "Writes credentials to a file")
        Path credential;

        @Option(names = {"-f", "--force"}, description = "Overwrite existing files")
        boolean force;

        @Option(names = "--defaults", hidden = true, description = "Accepted as natscli takes it; these commands never prompt")
        boolean defaults;

        @Override
        public Integer call() {
            AuthStore.checkName("user", name);
            AuthStore store = store();
            AuthStore.Entry account = account(store, accountArg);
            if (store.hasUser(operator.name(), account.name(), name)) {
                throw new CliException("user " + name + " already exist");
            }
            if (credential != null && !force && Files.exists(credential)) {
                throw new CliException("file " + credential + " already exist");
            }
            long now = nowSeconds();
            String seed = NKeys.createSeed(NKeys.Kind.USER);
            ObjectNode claims = Claims.user(name, NKeys.publicKey(seed, "the user key"));
            limits.apply(claims);
            String jwt = Signers.issueUser(store, account, claims, now);
            store.storeSeed(seed);
            store.writeUser(operator.name(), account.name(), name, jwt);
            AuthStore.Entry user = store.user(operator.name(), account.name(), name);
            if (credential != null) {
                writeCreds(store, account, user, credential, null, force, now);
            }
            show(out(), account, user, false);
            return 0;
        }
    }

    /** {@code auth user info NAME [ACCOUNT]}: one user. */
    @Command(name = "info", aliases = {"i", "show", "view"}, description = "Show User information")
    static final class Info extends UserBase {
        @Parameters(index = "0", paramLabel = "NAME", description = "User to show")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "ACCOUNT", description = "Account to query")
        String accountArg;

        @Option(names = {"-j", "--json"}, description = "Produce JSON output (the JWT claims)")
        boolean json;

        @Override
        public Integer call() {
            AuthStore store = store();
            AuthStore.Entry account = account(store, accountArg);
            show(out(), account, store.user(operator.name(), account.name(), name), json);
            return 0;
        }
    }

    /** {@code auth user edit NAME [ACCOUNT]}: changes the permissions and limits given, re-issuing the user. */
    @Command(name = "edit", aliases = "update", description = "Edits User settings")
    static final class Edit extends UserBase {
        @Parameters(index = "0", paramLabel = "NAME", description = "User to edit")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "ACCOUNT", description = "Account to query")
        String accountArg;

        @Mixin
        UserLimitsOptions limits;

        @Option(names = "--credential", paramLabel = "FILE", description = "Writes credentials to a file")
        Path credential;

        @Override
        public Integer call() {
            AuthStore store = store();
            AuthStore.Entry account = account(store, accountArg);
            AuthStore.Entry user = store.user(operator.name(), account.name(), name);
            long now = nowSeconds();
            ObjectNode claims = Jwt.reissuable(user.claims());
            limits.apply(claims);
            store.writeUser(operator.name(), account.name(), name, Signers.issueUser(store, account, claims, now));
            user = store.user(operator.name(), account.name(), name);
            if (credential != null) {
                writeCreds(store, account, user, credential, null, true, now);
            }
            show(out(), account, user, false);
            return 0;
        }
    }

    /** {@code auth user ls [ACCOUNT]}: an account's users. */
    @Command(name = "ls", aliases = "list", description = "List users")
    static final class Ls extends UserBase {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ACCOUNT", description = "Account to query")
        String accountArg;

        @Option(names = "--names", description = "Show just the User names")
        boolean names;

        @Override
        public Integer call() {
            AuthStore store = store();
            AuthStore.Entry account = account(store, accountArg);
            List<String> all = store.userNames(operator.name(), account.name());
            if (all.isEmpty()) {
                out().println("No users found");
            } else if (names) {
                all.forEach(out()::println);
            } else {
                Table table = Table.titled("Users in account " + account.name(), "Name", "Subject", "Scoped",
                        "Sub Perms", "Pub Perms", "Max Subscriptions");
                for (String n : all) {
                    AuthStore.Entry user = store.user(operator.name(), account.name(), n);
                    JsonNode nats = user.nats();
                    long subs = nats.path("subs").asLong(-1);
                    table.row(n, user.subject(), false, has(nats.path("sub")) ? "✓" : "",
                            has(nats.path("pub")) ? "✓" : "", subs < 0 ? "Unlimited" : Long.toString(subs));
                }
                table.print(out());
            }
            out().flush();
            return 0;
        }

        private static boolean has(JsonNode permission) {
            return permission.path("allow").size() > 0 || permission.path("deny").size() > 0;
        }
    }

    /** {@code auth user rm NAME [ACCOUNT]}: deletes a user and its seed, revoking it first with {@code --revoke}. */
    @Command(name = "rm", aliases = {"delete", "del"}, description = "Removes an user")
    static final class Rm extends UserBase {
        @Parameters(index = "0", paramLabel = "NAME", description = "User to remove")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "ACCOUNT", description = "Account to query")
        String accountArg;

        @Option(names = "--revoke", description = "Also revokes the user before deleting it")
        boolean revoke;

        @Option(names = {"-f", "--force"}, description = "Removes without prompting")
        boolean force;

        @Override
        public Integer call() {
            AuthStore store = store();
            AuthStore.Entry account = account(store, accountArg);
            AuthStore.Entry user = store.user(operator.name(), account.name(), name);
            if (!confirmed("Really remove the User " + name, force)) {
                return 0;
            }
            if (revoke) {
                revoke(store, operator, account, user, nowSeconds());
            }
            store.deleteUser(operator.name(), account.name(), name);
            store.deleteSeed(user.subject());
            out().println("Removed user " + name);
            out().flush();
            return 0;
        }
    }

    /** {@code auth user credential FILE NAME [ACCOUNT]}: writes a user's creds file (mode 0600). */
    @Command(name = "credential", aliases = {"cred", "creds"},
            description = "Creates a credential file for a user")
    static final class Credential extends UserBase {
        @Parameters(index = "0", paramLabel = "FILE", description = "The file to create")
        Path file;

        @Parameters(index = "1", paramLabel = "NAME", description = "User to generate a credential for")
        String name;

        @Parameters(index = "2", arity = "0..1", paramLabel = "ACCOUNT", description = "Account to query")
        String accountArg;

        @Option(names = "--expire", paramLabel = "DURATION", description = "Duration till expiry")
        String expire;

        @Option(names = {"-f", "--force"}, description = "Overwrite existing files")
        boolean force;

        @Override
        public Integer call() {
            Duration expiry = expire == null ? null : AccountLimitsOptions.duration("--expire", expire);
            AuthStore store = store();
            AuthStore.Entry account = account(store, accountArg);
            AuthStore.Entry user = store.user(operator.name(), account.name(), name);
            writeCreds(store, account, user, file, expiry, force, nowSeconds());
            out().println("Wrote credential for " + name + " to " + file);
            out().flush();
            return 0;
        }
    }

    /** {@code auth user revoke NAME [ACCOUNT]}: revokes a user's JWTs issued until now. */
    @Command(name = "revoke", description = "Revokes the User's credentials issued until now")
    static final class Revoke extends UserBase {
        @Parameters(index = "0", paramLabel = "NAME", description = "User to revoke")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "ACCOUNT", description = "Account holding the user")
        String accountArg;

        @Override
        public Integer call() {
            AuthStore store = store();
            AuthStore.Entry account = account(store, accountArg);
            AuthStore.Entry user = store.user(operator.name(), account.name(), name);
            revoke(store, operator, account, user, nowSeconds());
            out().println("Revoked user " + name + " (" + user.subject() + ") in account " + account.name());
            out().println("Push the account to running servers: auth account push " + account.name());
            out().flush();
            return 0;
        }
    }
}
