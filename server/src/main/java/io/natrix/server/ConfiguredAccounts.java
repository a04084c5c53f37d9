package io.natrix.server;

import io.natrix.server.account.Account;
import io.natrix.server.account.AccountConfig;
import io.natrix.server.account.AccountConfigs;
import io.natrix.server.account.Accounts;
import io.natrix.server.account.ExportConfig;
import io.natrix.server.account.ImportConfig;
import io.natrix.server.account.MappingsConfig;
import io.natrix.server.account.ResponseType;
import io.natrix.server.auth.ExportType;
import io.natrix.server.imports.AccountLinks;
import io.natrix.server.imports.ImportLink;
import io.natrix.server.subject.SubjectMapping;
import io.natrix.server.subject.SubjectMappings;
import io.natrix.server.subject.SubjectTransform;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Puts the {@code accounts} block and the {@code mappings} of a configuration into effect: every configured account
 * exists, carries its subject mappings (top-level ones on {@code $G}), and has its imports wired. Run at start and
 * on every reload; accounts that left the configuration lose their imports and mappings (their connections stay
 * until they reconnect, as in nats-server).
 *
 * <p>The declarations were checked when {@link AccountConfigs} read them (accounts exist, exports admit the
 * imports, no cycles); this only resolves them into {@link ImportLink}s.
 *
 * <p>Not thread-safe; the server calls it under its lifecycle lock or before it starts.
 */
final class ConfiguredAccounts {
    private final Set<String> configured = new HashSet<>();

    void apply(AccountConfigs config, Accounts accounts, AccountLinks links) {
        Set<String> now = new HashSet<>();
        accounts.global().mappings(mappings(config.mappingsOf(Account.GLOBAL)));
        for (AccountConfig ac : config.accounts()) {
            Account account = accounts.getOrCreate(ac.name());
            account.mappings(mappings(ac.mappings()));
            account.traceDestination(ac.traceDestination());
            now.add(ac.name());
        }
        for (AccountConfig ac : config.accounts()) {
            links.link(accounts.getOrCreate(ac.name()), importLinks(config, accounts, ac));
        }
        for (String gone : configured) {
            if (!now.contains(gone)) {
                Account account = accounts.getOrCreate(gone);
                links.unlink(account);
                account.mappings(SubjectMappings.EMPTY);
                account.traceDestination(null);
            }
        }
        configured.clear();
        configured.addAll(now);
    }

    private static SubjectMappings mappings(List<MappingsConfig> blocks) {
        if (blocks.isEmpty()) {
            return SubjectMappings.EMPTY;
        }
        List<SubjectMapping> all = new ArrayList<>();
        for (MappingsConfig block : blocks) {
            all.addAll(SubjectMappings.fromConfig(block.value(), block.path(), block.position()).mappings());
        }
        return SubjectMappings.of(all);
    }

    private static List<ImportLink> importLinks(AccountConfigs config, Accounts accounts, AccountConfig importer) {
        List<ImportLink> out = new ArrayList<>();
        for (ImportConfig ic : importer.imports()) {
            ExportConfig export = config.exportsOf(ic.fromAccount()).stream()
                    .filter(e -> e.type() == ic.type() && e.covers(ic.subject())
                            && e.authorizes(importer.name(), ic.subject()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("import not checked at load: " + ic));
            Account exporter = accounts.getOrCreate(ic.fromAccount());
            boolean renamed = ic.to() != null && (ic.to().contains("$") || ic.to().contains("{{"));
            if (ic.type() == ExportType.SERVICE) {
                ImportLink link = ImportLink.service(exporter, ic.subject(), ic.localSubject(),
                        export.response() == null || export.response() == ResponseType.SINGLETON, export.threshold())
                        .withShare(ic.share())
                        .withAllowTrace(export.allowTrace());
                out.add(renamed ? link.withTransform(SubjectTransform.parseStrict(ic.subject(), ic.to()).reverse())
                        : link);
            } else {
                ImportLink link = ImportLink.stream(exporter, ic.subject(), ic.localSubject())
                        .withAllowTrace(ic.allowTrace());
                out.add(renamed ? link.withTransform(SubjectTransform.parseStrict(ic.subject(), ic.to())) : link);
            }
        }
        return out;
    }
}
