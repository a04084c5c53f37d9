package io.natrix.cli.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.output.Json;
import io.natrix.cli.support.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The operators, accounts, users and keys of {@code natrix auth}, kept in the nsc layout natscli's {@code auth}
 * commands use (natscli keeps them in {@code $XDG_DATA_HOME/nats/nsc}, else {@code ~/.local/share/nats/nsc}), so
 * natscli and nsc see what Natrix creates and the other way round:
 *
 * <pre>
 * ROOT/stores/OPERATOR/.nsc                             {"managed":false,"name":OPERATOR,"kind":"operator","version":"1"}
 * ROOT/stores/OPERATOR/OPERATOR.jwt                     the operator JWT
 * ROOT/stores/OPERATOR/accounts/ACCOUNT/ACCOUNT.jwt     an account JWT
 * ROOT/stores/OPERATOR/accounts/ACCOUNT/users/USER.jwt  a user JWT
 * ROOT/keys/keys/K/AB/KAB....nk                         the seed of public key KAB... (K its type letter)
 * </pre>
 *
 * Seeds are found by the public keys the JWTs name (subject, signing keys). Every file is written to a temporary
 * file in its directory and moved into place, so a reader never sees half a JWT; seeds and JWTs are readable by
 * their owner only (0600, directories 0700) where the file system has POSIX permissions.
 *
 * <p>Not thread-safe, and not safe against two processes changing the same entity at once (nor is nsc): each
 * command line reads, changes and writes a few files.
 */
final class AuthStore {

    /** A stored JWT and its decoded (signature-checked) claims. */
    record Entry(String name, String jwt, ObjectNode claims) {
        String subject() {
            return claims.path("sub").asText("");
        }

        String issuer() {
            return claims.path("iss").asText("");
        }

        ObjectNode nats() {
            return Claims.nats(claims);
        }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final String JWT = ".jwt";

    private final Path root;

    private AuthStore(Path root) {
        this.root = root;
    }

    /** The store in {@code dir}, or natscli's when {@code dir} is null ({@code XDG_DATA_HOME}, else {@code HOME}). */
    static AuthStore open(String dir, Map<String, String> env) {
        if (dir != null && !dir.isBlank()) {
            return new AuthStore(Path.of(dir));
        }
        String data = env.get("XDG_DATA_HOME");
        Path base;
        if (data != null && !data.isBlank()) {
            base = Path.of(data);
        } else {
            String home = env.getOrDefault("HOME", System.getProperty("user.home"));
            base = Path.of(home, ".local", "share");
        }
        return new AuthStore(base.resolve("nats").resolve("nsc"));
    }

    Path root() {
        return root;
    }

    // ---------------------------------------------------------------- operators

    List<String> operatorNames() {
        return containers(root.resolve("stores"));
    }

    boolean hasOperator(String name) {
        return Files.isRegularFile(operatorDir(name).resolve(name + JWT));
    }

    Entry operator(String name) {
        if (!hasOperator(name)) {
            throw new CliException("unknown operator \"" + name + "\"");
        }
        return read(name, operatorDir(name).resolve(name + JWT));
    }

    /** The operator named, or the only one when none is named. */
    Entry pickOperator(String name) {
        if (name != null) {
            return operator(name);
        }
        List<String> names = operatorNames();
        if (names.isEmpty()) {
            throw new CliException("no operators in " + root + ": add one with 'auth operator add NAME'");
        }
        if (names.size() > 1) {
            throw new CliException("several operators (" + String.join(", ", names) + "): choose one with --operator");
        }
        return operator(names.getFirst());
    }

    void writeOperator(String name, String jwt) {
        Path dir = operatorDir(name);
        ObjectNode info = Json.MAPPER.createObjectNode();
        info.put("managed", false);
        info.put("name", name);
        info.put("kind", "operator");
        info.put("version", "1");
        PrivateFiles.write(dir.resolve(".nsc"), GoJson.write(info));
        PrivateFiles.createDirectories(dir.resolve("accounts"));
        PrivateFiles.write(dir.resolve(name + JWT), jwt);
    }

    void deleteOperator(String name) {
        operator(name);
        deleteTree(operatorDir(name));
    }

    // ---------------------------------------------------------------- accounts

    List<String> accountNames(String operator) {
        return containers(operatorDir(operator).resolve("accounts"));
    }

    boolean hasAccount(String operator, String name) {
        return Files.isRegularFile(accountDir(operator, name).resolve(name + JWT));
    }

    Entry account(String operator, String name) {
        if (!hasAccount(operator, name)) {
            throw new CliException("unknown account \"" + name + "\" in operator \"" + operator + "\"");
        }
        return read(name, accountDir(operator, name).resolve(name + JWT));
    }

    void writeAccount(String operator, String name, String jwt) {
        PrivateFiles.write(accountDir(operator, name).resolve(name + JWT), jwt);
    }

    void deleteAccount(String operator, String name) {
        account(operator, name);
        deleteTree(accountDir(operator, name));
    }

    // ---------------------------------------------------------------- users

    List<String> userNames(String operator, String account) {
        Path dir = accountDir(operator, account).resolve("users");
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(JWT) && n.length() > JWT.length())
                    .map(n -> n.substring(0, n.length() - JWT.length()))
                    .sorted()
                    .forEach(names::add);
        } catch (IOException e) {
            throw new CliException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return names;
    }

    boolean hasUser(String operator, String account, String name) {
        return Files.isRegularFile(userFile(operator, account, name));
    }

    Entry user(String operator, String account, String name) {
        if (!hasUser(operator, account, name)) {
            throw new CliException("unknown user \"" + name + "\" in account \"" + account + "\"");
        }
        return read(name, userFile(operator, account, name));
    }

    void writeUser(String operator, String account, String name, String jwt) {
        PrivateFiles.write(userFile(operator, account, name), jwt);
    }

    void deleteUser(String operator, String account, String name) {
        user(operator, account, name);
        try {
            Files.delete(userFile(operator, account, name));
        } catch (IOException e) {
            throw new CliException("cannot delete user " + name + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- keys

    /** Keeps a seed under its public key (a seed already there is left as it is). */
    void storeSeed(String seed) {
        Path file = seedFile(NKeys.publicKey(seed, "a new key"));
        if (!Files.exists(file)) {
            PrivateFiles.write(file, seed);
        }
    }

    boolean hasSeed(String publicKey) {
        return Files.isRegularFile(seedFile(publicKey));
    }

    /** The seed of {@code publicKey}; its absence is a one-line error. */
    String seed(String publicKey) {
        Path file = seedFile(publicKey);
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw new CliException("the seed of " + publicKey + " is not in the key store " + root.resolve("keys"));
        } catch (IOException e) {
            throw new CliException("cannot read the seed of " + publicKey + ": " + e.getMessage(), e);
        }
    }

    void deleteSeed(String publicKey) {
        try {
            Files.deleteIfExists(seedFile(publicKey));
        } catch (IOException e) {
            throw new CliException("cannot delete the seed of " + publicKey + ": " + e.getMessage(), e);
        }
    }

    private Path seedFile(String publicKey) {
        if (publicKey.length() < 3 || !publicKey.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= '2' && c <= '7')) {
            throw new CliException("invalid public key \"" + publicKey + "\"");
        }
        return root.resolve("keys").resolve("keys").resolve(publicKey.substring(0, 1))
                .resolve(publicKey.substring(1, 3)).resolve(publicKey + ".nk");
    }

    // ---------------------------------------------------------------- files

    /** Refuses names that cannot be a directory or file name in the store. */
    static String checkName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches() || name.startsWith(".")) {
            throw new CliException("invalid " + what + " name \"" + name
                    + "\": use letters, digits, '-', '_' and '.' (not first)");
        }
        return name;
    }

    private Path operatorDir(String name) {
        return root.resolve("stores").resolve(checkName("operator", name));
    }

    private Path accountDir(String operator, String name) {
        return operatorDir(operator).resolve("accounts").resolve(checkName("account", name));
    }

    private Path userFile(String operator, String account, String name) {
        return accountDir(operator, account).resolve("users").resolve(checkName("user", name) + JWT);
    }

    /** The directories under {@code dir} holding a JWT named after themselves (nsc's containers), sorted. */
    private static List<String> containers(Path dir) {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            entries.filter(p -> Files.isRegularFile(p.resolve(p.getFileName() + JWT)))
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .forEach(names::add);
        } catch (IOException e) {
            throw new CliException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return names;
    }

    private static Entry read(String name, Path file) {
        try {
            if (Files.size(file) > Jwt.LENGTH_MAX) {
                throw new CliException("invalid JWT in " + file + ": larger than " + Jwt.LENGTH_MAX + " bytes");
            }
            String jwt = Files.readString(file, StandardCharsets.UTF_8).strip();
            return new Entry(name, jwt, Jwt.decode(jwt, file.toString()));
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new CliException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }

}
