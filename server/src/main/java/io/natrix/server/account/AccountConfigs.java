package io.natrix.server.account;

import io.natrix.server.auth.ExportType;
import io.natrix.server.config.ConfigException;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ServerOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the configuration says about accounts beyond their users: each account's exports, imports and subject
 * mappings, the top-level mappings (which belong to the global account {@code $G}), and the system account. Read
 * once at start-up (and reload) by {@link #read}, which checks the imports against the exports the way nats-server
 * does when it loads a configuration (server/opts.go parseAccounts, server/accounts.go).
 *
 * <p>The configuration forms:
 * <pre>{@code
 * accounts {
 *   A {
 *     exports: [
 *       { stream: "public.>" }                                    # public
 *       { stream: "private.>", accounts: [B] }                    # only B may import
 *       { service: "req.>", response: stream, response_threshold: "2s", accounts: [B, C],
 *         latency: { sampling: 50%, subject: "lat.req" }, allow_trace: true }
 *       { service: "acct.*.info", account_token_position: 2 }     # each account its own token
 *     ]
 *     mappings: { "old.*": "new.$1" }                             # kept raw, see MappingsConfig
 *   }
 *   B {
 *     imports: [
 *       { stream: { account: A, subject: "public.>" }, prefix: "a" }       # arrives as a.public.>
 *       { stream: { account: A, subject: "private.x" }, to: "x.from.a" }
 *       { service: { account: A, subject: "req.foo" }, to: "a.foo", share: true }
 *     ]
 *   }
 *   C: {}
 * }
 * accounts: [A, B]                  # also accepted: accounts with a name only
 * mappings: { "foo": "bar" }        # for $G, the account of users outside any account (alias: maps)
 * system_account: SYS               # alias: system; default $SYS; must be configured unless operator mode
 * no_system_account: true           # aliases: no_system, no_sys_acc
 * }</pre>
 * Keys match without regard to case; account names and subjects do not.
 *
 * <p>Checks at load, with nats-server's messages: an account named {@code $G} is reserved; accounts listed in an
 * export, and the account of an import, must be configured; an import's subject must lie within an export of the
 * same type that lets the importer in (public, listed, or the importer's name at the account token position); an
 * account token position must point at a {@code *} of the exported subject; a stream import's prefix must be
 * literal and it takes a prefix or a {@code to}, not both; a renamed import of a subject with wildcards must map
 * both ways ({@code >} on both sides or neither, every {@code *} used once as {@code $n}); the same service
 * subject may not be imported twice from one account, nor a stream subject; latency tracking needs a singleton
 * service, a literal results subject outside the service's own exports and a system account; and no import may
 * close a loop of imports over colliding subjects, services or streams, such as {@code A} importing {@code q} from
 * {@code B} which imports {@code q} from {@code A}:
 * <pre>{@code
 * accounts.B.imports[0]: error adding service import "q": import forms a cycle (B -> A -> B)
 * }</pre>
 * An account may import its own export (nats-server allows it, for latency tracking within an account) as long as
 * that does not loop. Problems are {@link ConfigException}s naming {@code file:line:column} and the key path; all
 * problems of the entries are collected and the first is thrown with the others suppressed, and only well-formed
 * entries are checked against each other (whose problems are again collected). Unknown keys of an account are
 * {@linkplain #warnings() warnings}; unknown keys inside an export or import are errors, since a misspelt
 * {@code accounts} would make an export public.
 *
 * <p>Differences from nats-server, which reads accounts in random order: everything here happens in configuration
 * order, so the import blamed for a cycle is the one written last; a stream import that says both {@code to} and
 * {@code prefix} is always refused; subjects that are not subjects are refused in exports and as an import's local
 * subject (nats-server accepts them and they never match); and an export or import entry with neither stream nor
 * service is an error (nats-server drops it silently).
 *
 * <p>Immutable and thread-safe.
 */
public final class AccountConfigs {
    private final List<AccountConfig> accounts;
    private final Map<String, AccountConfig> byName = new LinkedHashMap<>();
    private final List<MappingsConfig> globalMappings;
    private final String systemAccount;
    private final boolean noSystemAccount;
    private final List<ConfigLoader.Warning> warnings;

    AccountConfigs(List<AccountConfig> accounts, List<MappingsConfig> globalMappings, String systemAccount,
                   boolean noSystemAccount, List<ConfigLoader.Warning> warnings) {
        this.accounts = List.copyOf(accounts);
        this.globalMappings = List.copyOf(globalMappings);
        this.systemAccount = systemAccount;
        this.noSystemAccount = noSystemAccount;
        this.warnings = List.copyOf(warnings);
        for (AccountConfig account : this.accounts) {
            byName.put(account.name(), account);
        }
    }

    /**
     * Reads the accounts of {@link ServerOptions#rawConfig()} and checks their imports against their exports.
     *
     * @throws ConfigException when the configuration is invalid
     */
    public static AccountConfigs read(ServerOptions options) {
        return new AccountConfigReader(options).read();
    }

    /** The configured accounts in configuration order; {@code $G} is never among them. */
    public List<AccountConfig> accounts() {
        return accounts;
    }

    /** The configured account of that name. */
    public Optional<AccountConfig> account(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The exports of the account, empty for an account that is not configured. */
    public List<ExportConfig> exportsOf(String account) {
        AccountConfig config = byName.get(account);
        return config == null ? List.of() : config.exports();
    }

    /** The imports of the account, in configuration order; empty for an account that is not configured. */
    public List<ImportConfig> importsOf(String account) {
        AccountConfig config = byName.get(account);
        return config == null ? List.of() : config.imports();
    }

    /**
     * The unparsed {@code mappings} of the account; for {@link Account#GLOBAL} the top-level ones. Empty when there
     * are none or the account is not configured.
     */
    public List<MappingsConfig> mappingsOf(String account) {
        if (account.equals(Account.GLOBAL)) {
            return globalMappings;
        }
        AccountConfig config = byName.get(account);
        return config == null ? List.of() : config.mappings();
    }

    /**
     * Whether {@code importer} may import {@code subject} (a valid subject, wildcards allowed) of the given type
     * from {@code exporter}: some export of that type covers the subject and lets the importer in.
     */
    public boolean exportAllows(String exporter, ExportType type, String subject, String importer) {
        return allows(exportsOf(exporter), type, subject, importer);
    }

    static boolean allows(List<ExportConfig> exports, ExportType type, String subject, String importer) {
        if (subject == null || !ImportSubjects.isValid(subject)) {
            return false;
        }
        for (ExportConfig export : exports) {
            if (export.type() == type && export.covers(subject) && export.authorizes(importer, subject)) {
                return true;
            }
        }
        return false;
    }

    /** The system account's name: {@code system_account} if set, else {@link Account#SYSTEM}. */
    public String systemAccount() {
        return systemAccount;
    }

    /** Whether {@code no_system_account} asks for no system account (when none is named). */
    public boolean noSystemAccount() {
        return noSystemAccount;
    }

    /** Problems worth reporting that do not stop the server (unknown account keys), for the caller to log. */
    public List<ConfigLoader.Warning> warnings() {
        return warnings;
    }
}
