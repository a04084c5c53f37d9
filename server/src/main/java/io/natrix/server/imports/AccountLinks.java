package io.natrix.server.imports;

import io.natrix.server.account.Account;
import io.natrix.server.auth.ExportType;
import io.natrix.server.client.InternalSubscription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The live imports between accounts: for each importing account, the internal subscriptions that carry its imports
 * (a {@link ServiceImport} in the importer, a {@link StreamImport} in the exporter), and for each exporting account
 * with imported services its {@link ResponseRoutes}.
 *
 * <p>{@link #link} replaces an account's imports as a whole: the configuration is loaded or reloaded, or an account
 * JWT is updated. Whether an import is allowed (the export exists, covers it and admits the importer; no cycles) is
 * decided before, by whoever resolved the declarations; this class only wires what it is given.
 *
 * <p>Thread-safe: changes are serialised on this object; message delivery never takes its lock.
 */
public final class AccountLinks {
    private record Installed(Account owner, InternalSubscription subscription) {
    }

    private final Map<Account, List<Installed>> byImporter = new HashMap<>();
    /** Also used on publishing threads (replies to responses, {@link ResponseRoutes}), hence concurrent. */
    private final Map<Account, ResponseRoutes> responses = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.function.Supplier<String> serverName;

    /** Links whose shared request details name no server. */
    public AccountLinks() {
        this(() -> null);
    }

    /** Links whose shared request details ({@link RequestInfo}) name the server {@code serverName} supplies. */
    public AccountLinks(java.util.function.Supplier<String> serverName) {
        this.serverName = serverName;
    }

    /** Makes {@code links} the imports of {@code importer}, replacing any it had. */
    public synchronized void link(Account importer, List<ImportLink> links) {
        unlink(importer);
        List<Installed> installed = new ArrayList<>(links.size());
        for (ImportLink link : links) {
            InternalSubscription sub;
            Account owner;
            if (link.type() == ExportType.SERVICE) {
                sub = new ServiceImport(link, responsesOf(link.exporter()), serverName);
                owner = importer;
            } else {
                sub = new StreamImport(importer, link);
                owner = link.exporter();
            }
            owner.index().insert(sub);
            installed.add(new Installed(owner, sub));
        }
        if (!installed.isEmpty()) {
            byImporter.put(importer, installed);
        }
    }

    /** Removes every import of {@code importer}. */
    public synchronized void unlink(Account importer) {
        List<Installed> old = byImporter.remove(importer);
        if (old != null) {
            for (Installed i : old) {
                i.owner.index().remove(i.subscription);
            }
        }
    }

    /** The imports currently wired for {@code importer}. */
    public synchronized List<ImportLink> importsOf(Account importer) {
        List<ImportLink> out = new ArrayList<>();
        for (Installed i : byImporter.getOrDefault(importer, List.of())) {
            if (i.subscription instanceof ServiceImport s) {
                out.add(s.link());
            } else if (i.subscription instanceof StreamImport s) {
                out.add(s.link());
            }
        }
        return out;
    }

    /** Open response routes of service requests into {@code exporter} (monitoring and tests). */
    public synchronized int pendingResponses(Account exporter) {
        ResponseRoutes r = responses.get(exporter);
        return r == null ? 0 : r.size();
    }

    /** The response routes into {@code exporter}, made on first use. Any thread. */
    private ResponseRoutes responsesOf(Account exporter) {
        return responses.computeIfAbsent(exporter, e -> {
            ResponseRoutes r = ResponseRoutes.create(e, this::responsesOf);
            e.index().insert(r);
            return r;
        });
    }
}
