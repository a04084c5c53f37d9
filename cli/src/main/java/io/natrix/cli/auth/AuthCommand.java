package io.natrix.cli.auth;

import io.natrix.cli.ClientCommand;
import picocli.CommandLine.Command;

/**
 * {@code natrix auth}: NATS decentralized authentication without nsc, as natscli's {@code auth} command: nkeys,
 * and operators, accounts and users kept in natscli's nsc-layout store ({@link AuthStore}) as signed JWTs
 * ({@link Jwt}), with creds files for users and the pushing of account JWTs to servers with a full resolver.
 */
@Command(name = "auth", description = "NATS Decentralized Authentication",
        subcommands = {OperatorCommand.class, AccountCommand.class, UserCommand.class, NkeyCommand.class})
public final class AuthCommand extends ClientCommand {

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 0;
    }
}
