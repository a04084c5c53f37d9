package io.natrix.nex.cli;

import io.natrix.cli.ClientCommand;
import io.natrix.nex.api.Names;
import io.natrix.cli.CliException;
import io.nats.client.Connection;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The base of the {@code natrix nex} commands: the namespace ({@code --namespace}, else {@code NEX_NAMESPACE},
 * else {@code default}) and a {@link NexClient} on a connection made with the global flags.
 */
abstract class NexClientCommand extends ClientCommand {

    /** The namespace this command line works in, checked. */
    protected String namespace() {
        String ns = null;
        for (CommandSpec s = spec; s != null; s = s.parent()) {
            if (s.userObject() instanceof NexCommand nex) {
                ns = nex.namespace;
                break;
            }
        }
        if (ns == null || ns.isEmpty()) {
            ns = globals().env().get("NEX_NAMESPACE");
        }
        if (ns == null || ns.isEmpty()) {
            ns = "default";
        }
        try {
            return Names.require(ns, "namespace");
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    protected NexClient client(Connection connection) {
        return new NexClient(connection, namespace(), globals().timeout());
    }
}
