package io.natrix.cli.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.CliException;
import io.natrix.cli.Globals;
import io.natrix.cli.context.NatsContext;
import io.natrix.cli.output.Json;
import io.natrix.cli.support.ScatterGather;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Talks to the running servers' account resolvers through their system account, as natscli's
 * {@code auth account push} and {@code query} do. {@link #push} counts the servers ({@code $SYS.REQ.SERVER.PING}),
 * sends the JWT to {@code $SYS.REQ.ACCOUNT.<key>.CLAIMS.UPDATE} and prints one line per server's answer, failing
 * unless every server took it; {@link #lookup} asks {@code $SYS.REQ.ACCOUNT.<key>.CLAIMS.LOOKUP} for the JWT a
 * server holds.
 *
 * <p>Only a system account user may do this. Unless the command line brings credentials of its own
 * ({@code --creds}, {@code --nkey}, {@code --user}, {@code --token}, their environment variables, or a context
 * with them), it connects as the operator's system account user from the store ({@code sys}, created by
 * {@code auth operator add}). One use per request; not thread-safe.
 */
final class ResolverClient {

    private final Globals globals;
    private final PrintWriter out;

    ResolverClient(Globals globals, PrintWriter out) {
        this.globals = globals;
        this.out = out;
    }

    void push(AuthStore store, AuthStore.Entry operator, AuthStore.Entry account) {
        Duration timeout = globals.timeout();
        try (Connection nc = connect(store, operator)) {
            int expect = gather(nc, "$SYS.REQ.SERVER.PING", new byte[0], 0, timeout, m -> { });
            if (expect > 0) {
                out.printf("Updating account %s (%s) on %d server(s)%n", account.name(), account.subject(), expect);
            } else {
                out.printf("Updating Account %s (%s) on all servers%n", account.name(), account.subject());
            }
            out.println();
            int[] counts = new int[2]; // updated, failed
            String subject = "$SYS.REQ.ACCOUNT." + account.subject() + ".CLAIMS.UPDATE";
            gather(nc, subject, account.jwt().getBytes(StandardCharsets.UTF_8), expect, timeout, m -> {
                JsonNode answer = Json.parse(m, "the server's answer");
                String server = answer.path("server").path("name").asText("unknown server");
                if (answer.has("error")) {
                    out.printf("X Update failed on %s: %s%n", server,
                            answer.path("error").path("description").asText("unknown error"));
                    counts[1]++;
                } else {
                    out.printf("✓ Update completed on %s%n", server);
                    counts[0]++;
                }
            });
            out.println();
            if (expect > 0) {
                out.printf("Success %d Failed %d Expected %d%n", counts[0], counts[1], expect);
            } else {
                out.printf("Success %d Failed %d%n", counts[0], counts[1]);
            }
            out.flush();
            if (counts[1] > 0) {
                throw new CliException(expect > 0 ? "update failed on " + counts[1] + "/" + expect + " servers"
                        : "update failed on " + counts[1] + " servers");
            }
            if (counts[0] == 0) {
                throw new CliException("no servers were updated");
            }
            if (expect > 0 && counts[0] + counts[1] != expect) {
                throw new CliException("received updated from only " + (counts[0] + counts[1]) + " out of "
                        + expect + " servers");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while pushing account " + account.name(), e);
        }
    }

    /** The account JWT the first server to answer holds for {@code accountKey}; none is a one-line error. */
    String lookup(AuthStore store, AuthStore.Entry operator, String accountKey) {
        String[] jwt = {""};
        try (Connection nc = connect(store, operator)) {
            gather(nc, "$SYS.REQ.ACCOUNT." + accountKey + ".CLAIMS.LOOKUP", new byte[0], 1, globals.timeout(),
                    m -> jwt[0] = new String(m, StandardCharsets.UTF_8).strip());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while looking up account " + accountKey, e);
        }
        if (jwt[0].isEmpty()) {
            throw new CliException("did not receive a valid token from the server");
        }
        return jwt[0];
    }

    private Connection connect(AuthStore store, AuthStore.Entry operator) {
        if (hasOwnCredentials()) {
            return globals.connect();
        }
        AuthStore.Entry system = OperatorCommand.systemAccount(store, operator);
        if (system == null) {
            throw new CliException("operator " + operator.name() + " has no system account in the store: "
                    + "push with --creds of a system account user");
        }
        List<String> users = store.userNames(operator.name(), system.name());
        if (users.isEmpty()) {
            throw new CliException("the system account " + system.name() + " has no users: add one with "
                    + "'auth user add " + OperatorCommand.SYSTEM_USER + " " + system.name()
                    + "', or push with --creds");
        }
        String userName = users.contains(OperatorCommand.SYSTEM_USER) ? OperatorCommand.SYSTEM_USER
                : users.getFirst();
        AuthStore.Entry user = store.user(operator.name(), system.name(), userName);
        char[] jwt = user.jwt().toCharArray();
        char[] seed = store.seed(user.subject()).toCharArray();
        return globals.connect(b -> b.authHandler(Nats.staticCredentials(jwt, seed)));
    }

    /** Whether flags, environment or the selected context give credentials to connect with. */
    private boolean hasOwnCredentials() {
        Map<String, Object> flags = globals.flagSettings();
        if (flags.containsKey("creds") || flags.containsKey("nkey") || flags.containsKey("user")
                || flags.containsKey("token")) {
            return true;
        }
        Map<String, String> env = globals.env();
        for (String variable : List.of("NATS_CREDS", "NATS_NKEY", "NATS_USER")) {
            String value = env.get(variable);
            if (value != null && !value.isEmpty()) {
                return true;
            }
        }
        NatsContext ctx = globals.selectedContext();
        return notEmpty(ctx.creds()) || notEmpty(ctx.nkey()) || notEmpty(ctx.user()) || notEmpty(ctx.token());
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    /**
     * Sends one request and hands each answer's payload to {@code handler}: until {@code expect} answers arrived,
     * or, when {@code expect} is 0, until none came for a quiet interval after the last; never longer than
     * {@code timeout} ({@link ScatterGather}). Returns the number of answers.
     */
    private static int gather(Connection nc, String subject, byte[] body, int expect, Duration timeout,
                              Consumer<byte[]> handler) {
        try {
            return ScatterGather.stream(nc, subject, body, expect, timeout, ScatterGather.QUIET, r -> {
                handler.accept(r.data());
                return true;
            });
        } catch (ScatterGather.NoResponders e) {
            throw new CliException("no servers answered on " + subject + ": connect as a system account user");
        }
    }
}
