package io.natrix.cli.auth;

import io.natrix.cli.support.ByteSize;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * natscli's user flags, shared by {@code user add} and {@code user edit}: permissions (each flag repeatable; a
 * list given replaces the current one, a single empty value clears it), limits and bearer tokens. A flag left out
 * keeps the current value (on {@code add}: no limits, no permissions).
 *
 * <p>A picocli mixin: one instance per command line.
 */
final class UserLimitsOptions {

    @Option(names = "--bearer", negatable = true, description = "Enables the use of bearer tokens")
    Boolean bearer;

    @Option(names = "--data", paramLabel = "BYTES", description = "Maximum message data size to allow")
    String data;

    @Option(names = "--payload", paramLabel = "BYTES", description = "Maximum payload size to allow")
    String payload;

    @Option(names = "--subscriptions", paramLabel = "N", description = "Maximum subscription count to allow")
    Long subscriptions;

    @Option(names = "--pub-allow", paramLabel = "SUBJECT", description = "Allow publishing to a subject")
    List<String> pubAllow;

    @Option(names = "--pub-deny", paramLabel = "SUBJECT", description = "Deny publishing to a subject")
    List<String> pubDeny;

    @Option(names = "--sub-allow", paramLabel = "SUBJECT", description = "Allow subscribing to a subject")
    List<String> subAllow;

    @Option(names = "--sub-deny", paramLabel = "SUBJECT", description = "Deny subscribing to a subject")
    List<String> subDeny;

    void apply(ObjectNode claims) {
        ObjectNode nats = Claims.nats(claims);
        if (bearer != null) {
            if (bearer) {
                nats.put("bearer_token", true);
            } else {
                nats.remove("bearer_token");
            }
        }
        if (data != null) {
            nats.put("data", ByteSize.parse(data, "--data"));
        }
        if (payload != null) {
            nats.put("payload", ByteSize.parse(payload, "--payload"));
        }
        if (subscriptions != null) {
            nats.put("subs", subscriptions < 0 ? -1 : subscriptions);
        }
        permission(Claims.object(nats, "pub"), "allow", pubAllow);
        permission(Claims.object(nats, "pub"), "deny", pubDeny);
        permission(Claims.object(nats, "sub"), "allow", subAllow);
        permission(Claims.object(nats, "sub"), "deny", subDeny);
    }

    private static void permission(ObjectNode node, String field, List<String> subjects) {
        if (subjects == null || subjects.isEmpty()) {
            return;
        }
        List<String> given = subjects.size() == 1 && subjects.getFirst().isEmpty() ? List.of() : subjects;
        Claims.strings(node, field, given);
    }
}
