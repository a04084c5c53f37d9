package io.natrix.cli.auth;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * What the {@code auth} commands share: the {@code --store} override of natscli's store location (see
 * {@link AuthStore}), the time JWTs are issued at, and natscli's removal confirmation (asked only on a terminal).
 */
abstract class AuthBase extends ClientCommand {

    @Option(names = "--store", paramLabel = "DIR",
            description = "The nsc-layout store to use (default $XDG_DATA_HOME/nats/nsc, as natscli)")
    String storeDir;

    AuthStore store() {
        return AuthStore.open(storeDir, globals().env());
    }

    long nowSeconds() {
        return Instant.now().getEpochSecond();
    }

    /**
     * natscli's "Really remove ..." question: asked on a terminal unless {@code --force}; without a terminal the
     * command goes ahead, as with {@code --force} (every value comes from flags there).
     */
    boolean confirmed(String question, boolean force) {
        if (force || !globals().terminal()) {
            return true;
        }
        out().print(question + " (y/N) ");
        out().flush();
        try {
            String answer = new BufferedReader(new InputStreamReader(globals().stdin(), StandardCharsets.UTF_8))
                    .readLine();
            return answer != null && answer.strip().toLowerCase(Locale.ROOT).startsWith("y");
        } catch (IOException e) {
            throw new CliException("cannot read the answer: " + e.getMessage(), e);
        }
    }
}
