package io.natrix.cli.auth;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.support.PrivateFiles;
import io.nats.client.NKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code auth nkey}: natscli's nkey tools: {@code gen} a seed of any type (curve too), {@code show} the public key
 * of a seed file, {@code sign} a file and {@code verify} a signature (base64url without padding, as natscli
 * prints it). natscli's {@code seal}/{@code unseal} (X25519 boxes) are not offered.
 */
@Command(name = "nkey", aliases = "nk", description = "Create and Use NKeys",
        subcommands = {NkeyCommand.Gen.class, NkeyCommand.Show.class, NkeyCommand.Sign.class,
                NkeyCommand.Verify.class})
final class NkeyCommand extends ClientCommand {

    /** The biggest file {@code sign} and {@code verify} read. */
    static final long DATA_FILE_MAX = 64L * 1024 * 1024;

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 0;
    }

    static byte[] readData(Path file) {
        try {
            if (Files.size(file) > DATA_FILE_MAX) {
                throw new CliException("cannot read " + file + ": larger than " + DATA_FILE_MAX + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CliException("cannot read " + file + ": no such file");
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code auth nkey gen TYPE}: a new seed (and with {@code --public} its public key), printed or written. */
    @Command(name = "gen", description = "Generates NKeys")
    static final class Gen extends ClientCommand {
        @Parameters(index = "0", paramLabel = "TYPE",
                description = "Type of key to generate: user, account, server, cluster, operator, curve")
        String type;

        @Option(names = "--public", description = "Output the public key")
        boolean publicKey;

        @Option(names = "--output", paramLabel = "FILE", description = "Write the key to a file (mode 0600)")
        String output;

        @Override
        public Integer call() {
            String seed = NKeys.createSeed(NKeys.Kind.parse(type));
            StringBuilder text = new StringBuilder(seed).append('\n');
            if (publicKey) {
                text.append(NKeys.publicKey(seed, "the new key")).append('\n');
            }
            if (output != null) {
                PrivateFiles.write(Path.of(output), text.toString());
            } else {
                out().print(text);
                out().flush();
            }
            return 0;
        }
    }

    /** {@code auth nkey show KEYFILE}: the public key of the seed in a file. */
    @Command(name = "show", description = "Show the public key")
    static final class Show extends ClientCommand {
        @Parameters(index = "0", paramLabel = "KEY", description = "File containing NKey to act on")
        Path keyFile;

        @Override
        public Integer call() {
            out().println(NKeys.publicKey(NKeys.readKeyFile(keyFile), keyFile.toString()));
            out().flush();
            return 0;
        }
    }

    /** {@code auth nkey sign FILE KEYFILE}: the Ed25519 signature of a file, base64url. */
    @Command(name = "sign", description = "Signs data using NKeys")
    static final class Sign extends ClientCommand {
        @Parameters(index = "0", paramLabel = "FILE", description = "File to sign")
        Path dataFile;

        @Parameters(index = "1", paramLabel = "KEY", description = "File containing NKey to sign with")
        Path keyFile;

        @Override
        public Integer call() {
            NKey key = NKeys.fromSeed(NKeys.readKeyFile(keyFile), keyFile.toString());
            byte[] data = readData(dataFile);
            try {
                out().println(Base64.getUrlEncoder().withoutPadding().encodeToString(key.sign(data)));
            } catch (GeneralSecurityException | IOException e) {
                throw new CliException("cannot sign with " + keyFile + ": " + e.getMessage(), e);
            }
            out().flush();
            return 0;
        }
    }

    /** {@code auth nkey verify FILE SIGFILE KEYFILE}: checks a signature with a public key or seed. */
    @Command(name = "verify", description = "Verify signed data")
    static final class Verify extends ClientCommand {
        @Parameters(index = "0", paramLabel = "FILE", description = "File containing the data to check")
        Path dataFile;

        @Parameters(index = "1", paramLabel = "SIGNATURE", description = "File containing the signature")
        Path signatureFile;

        @Parameters(index = "2", paramLabel = "KEY", description = "File containing NKey to use for verification")
        Path keyFile;

        @Override
        public Integer call() {
            NKey key = NKeys.fromSeedOrPublicKey(NKeys.readKeyFile(keyFile), keyFile.toString());
            byte[] data = readData(dataFile);
            String encoded = new String(readData(signatureFile), StandardCharsets.US_ASCII).strip();
            byte[] signature;
            try {
                signature = Base64.getUrlDecoder().decode(encoded);
            } catch (IllegalArgumentException e) {
                throw new CliException("invalid signature in " + signatureFile + ": " + e.getMessage());
            }
            boolean valid;
            try {
                valid = key.verify(data, signature);
            } catch (GeneralSecurityException | IOException | RuntimeException e) {
                valid = false;
            }
            if (!valid) {
                throw new CliException("signature verification failed");
            }
            out().println("Verified OK");
            out().flush();
            return 0;
        }
    }
}
