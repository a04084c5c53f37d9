package io.natrix.cli;

import io.nats.client.Connection;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The base of every client command: its streams, the root's {@link Globals}, and a connection made with them.
 * A command implements {@link #call()}, returns its exit status, and reports failures by throwing
 * ({@link CliException} for the user's mistakes; anything else is described in one line by
 * {@link io.natrix.cli.support.ExecutionErrors}).
 */
public abstract class ClientCommand implements Callable<Integer> {

    @Spec
    protected CommandSpec spec;

    /** The command line's shared settings. */
    protected Globals globals() {
        Object root = spec.root().userObject();
        if (root instanceof CliRoot cliRoot) {
            return cliRoot.globals();
        }
        throw new IllegalStateException("client commands need a root command that implements CliRoot");
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Connects with the global settings; close it when done (try-with-resources). */
    protected Connection connect() {
        return globals().connect();
    }
}
