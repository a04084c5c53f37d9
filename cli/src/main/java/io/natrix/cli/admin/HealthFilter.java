package io.natrix.cli.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/**
 * What a healthz request checks, under natscli's flags, shared by {@code server request jetstream-health} and
 * {@code server report health}: whether JetStream must be enabled, whether only the server is checked, and one
 * account, stream or consumer. Written into the request as the server's healthz options name them.
 */
final class HealthFilter {

    @Option(names = {"-J", "--js-enabled"}, description = "Checks that JetStream should be enabled on all servers")
    boolean jsEnabled;

    @Option(names = {"-S", "--server-only"},
            description = "Restricts the health check to the JetStream server only, do not check streams "
                    + "and consumers")
    boolean serverOnly;

    @Option(names = "--account", description = "Check only a specific Account")
    String account;

    @Option(names = "--stream", description = "Check only a specific Stream")
    String stream;

    @Option(names = "--consumer", description = "Check only a specific Consumer")
    String consumer;

    /** Puts the filter into a healthz request body (the names given only). */
    void addTo(ObjectNode body) {
        body.put("js-enabled-only", jsEnabled);
        body.put("js-server-only", serverOnly);
        if (account != null) {
            body.put("account", account);
        }
        if (stream != null) {
            body.put("stream", stream);
        }
        if (consumer != null) {
            body.put("consumer", consumer);
        }
    }
}
