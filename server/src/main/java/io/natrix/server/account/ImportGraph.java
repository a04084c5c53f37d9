package io.natrix.server.account;

import io.natrix.server.subject.Subjects;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The imports accepted so far, for finding the one that would close a loop, searched as nats-server searches
 * (checkServiceImportsForCycles, checkStreamImportsForCycles in server/accounts.go) so that the same
 * configurations are refused.
 *
 * <p>The search follows an account's imports whose subjects collide with the subject in question into the
 * exporting accounts. One set of visited accounts serves the whole search and reaching a visited account again is
 * a cycle; like nats-server this also refuses some diamonds (two import paths meeting in an account that imports
 * on), and it bounds the search to one visit per account.
 *
 * <p>Single use, one thread.
 */
final class ImportGraph {
    /** nats-server's MaxAccountCycleSearchDepth. */
    static final int SEARCH_DEPTH_MAX = 1024;
    static final String CYCLE = "import forms a cycle";
    static final String DEPTH = "search cycle depth exhausted";

    /**
     * An import as nats-server stores it. Streams: {@code from} is the exporter's subject, {@code to} the local one.
     * Services: {@code from} is the local subject, {@code to} the exporter's. Placeholders already read as
     * {@code *}.
     */
    record Edge(String exporter, String from, String to) {
    }

    private final Map<String, List<String>> streamExports = new HashMap<>();
    private final Map<String, List<Edge>> streams = new HashMap<>();
    private final Map<String, List<Edge>> services = new HashMap<>();

    void addStreamExport(String account, String subject) {
        streamExports.computeIfAbsent(account, a -> new ArrayList<>()).add(subject);
    }

    void addStream(String importer, Edge edge) {
        streams.computeIfAbsent(importer, a -> new ArrayList<>()).add(edge);
    }

    void addService(String importer, Edge edge) {
        services.computeIfAbsent(importer, a -> new ArrayList<>()).add(edge);
    }

    /** Whether {@code importer} already imports {@code subject} from {@code exporter} as a stream. */
    boolean hasStream(String importer, String exporter, String subject) {
        return streams.getOrDefault(importer, List.of()).stream()
                .anyMatch(e -> e.exporter().equals(exporter) && e.from().equals(subject));
    }

    /**
     * Why a service import into {@code importer} from {@code exporter} with local subject {@code from} may not be
     * added: {@link #CYCLE} followed by the accounts of the loop, or {@link #DEPTH}; null if it may.
     */
    String serviceImportProblem(String importer, String exporter, String from) {
        return problem(new Search(importer, exporter, true).visit(exporter, from));
    }

    /** {@link #serviceImportProblem} for a stream import, for one of its subjects. */
    String streamImportProblem(String importer, String exporter, String subject) {
        return problem(new Search(importer, exporter, false).visit(exporter, subject));
    }

    private static String problem(List<String> loop) {
        if (loop == null) {
            return null;
        }
        return loop.isEmpty() ? DEPTH : CYCLE + " (" + String.join(" -> ", loop) + ")";
    }

    /** One search; the path is the chain of accounts followed, for the message. */
    private final class Search {
        private final Set<String> visited = new HashSet<>();
        private final List<String> path = new ArrayList<>();
        private final boolean services;

        Search(String importer, String exporter, boolean services) {
            this.services = services;
            visited.add(importer);
            path.add(importer);
            path.add(exporter);
        }

        /** The loop found from {@code account}, an empty list when the search went too deep, null if none. */
        List<String> visit(String account, String subject) {
            if (visited.size() >= SEARCH_DEPTH_MAX) {
                return List.of();
            }
            if (!services && streamExports.getOrDefault(account, List.of()).stream()
                    .noneMatch(export -> Subjects.isSubsetOf(subject, export))) {
                return null; // nothing of that subject leaves this account
            }
            List<Edge> edges = (services ? ImportGraph.this.services : streams).getOrDefault(account, List.of());
            for (Edge edge : edges) {
                if (!ImportSubjects.collide(subject, edge.to())) {
                    continue;
                }
                if (visited.contains(edge.exporter())) {
                    List<String> loop = new ArrayList<>(path);
                    loop.add(edge.exporter());
                    return loop;
                }
                visited.add(account);
                // Follow with the narrower subject where the import's is inside the one in question.
                String next = services
                        ? (Subjects.isSubsetOf(edge.from(), subject) ? edge.from() : subject)
                        : (Subjects.isSubsetOf(edge.to(), subject) ? edge.to() : subject);
                path.add(edge.exporter());
                List<String> found = visit(edge.exporter(), next);
                if (found != null) {
                    return found;
                }
                path.remove(path.size() - 1);
            }
            return null;
        }
    }
}
