package io.natrix.cli.context;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.support.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The context files natscli and Natrix share: {@code $XDG_CONFIG_HOME/nats} (else {@code ~/.config/nats}) holds
 * {@code context/NAME.json} per context and {@code context.txt} with the selected context's name. Files are
 * private to their owner (a context may hold a password) and replaced atomically ({@link PrivateFiles}).
 */
public final class NatsContexts {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private final Path dir;

    private NatsContexts(Path dir) {
        this.dir = dir;
    }

    /** The context directory for this environment ({@code XDG_CONFIG_HOME}, else {@code HOME}). */
    public static NatsContexts from(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base;
        if (xdg != null && !xdg.isBlank()) {
            base = Path.of(xdg);
        } else {
            String home = env.getOrDefault("HOME", System.getProperty("user.home"));
            base = Path.of(home, ".config");
        }
        return new NatsContexts(base.resolve("nats"));
    }

    /** The {@code nats} configuration directory. */
    public Path dir() {
        return dir;
    }

    /** The file a context lives in. */
    public Path file(String name) {
        checkName(name);
        return dir.resolve("context").resolve(name + ".json");
    }

    /** Whether a context of that name exists. */
    public boolean exists(String name) {
        return Files.isRegularFile(file(name));
    }

    /** The names of the saved contexts, sorted. */
    public List<String> names() {
        Path contexts = dir.resolve("context");
        if (!Files.isDirectory(contexts)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(contexts)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length()))
                    .sorted()
                    .forEach(names::add);
        } catch (IOException e) {
            throw new CliException("cannot list contexts in " + contexts + ": " + e.getMessage(), e);
        }
        return names;
    }

    /** Loads a context; a missing or unreadable one is a clear error. */
    public NatsContext load(String name) {
        Path file = file(name);
        try {
            JsonNode node = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (!(node instanceof ObjectNode object)) {
                throw new CliException("invalid context " + name + ": " + file + " is not a JSON object");
            }
            return new NatsContext(name, object);
        } catch (NoSuchFileException e) {
            throw new CliException("unknown context \"" + name + "\"");
        } catch (JsonProcessingException e) {
            throw new CliException("invalid context " + name + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new CliException("cannot read context " + name + ": " + e.getMessage(), e);
        }
    }

    /** Writes a context atomically. */
    public void save(NatsContext context) {
        try {
            PrivateFiles.write(file(context.name()), JSON.writeValueAsString(context.document()) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletes a context, and unselects it when it was selected. */
    public void delete(String name) {
        try {
            if (!Files.deleteIfExists(file(name))) {
                throw new CliException("unknown context \"" + name + "\"");
            }
            if (name.equals(selected())) {
                Files.deleteIfExists(dir.resolve("context.txt"));
            }
        } catch (IOException e) {
            throw new CliException("cannot delete context " + name + ": " + e.getMessage(), e);
        }
    }

    /** The selected context's name, or null when none is selected. */
    public String selected() {
        try {
            String name = Files.readString(dir.resolve("context.txt"), StandardCharsets.UTF_8).strip();
            return name.isEmpty() ? null : name;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new CliException("cannot read the selected context: " + e.getMessage(), e);
        }
    }

    /** Selects a context (it must exist). */
    public void select(String name) {
        if (!exists(name)) {
            throw new CliException("unknown context \"" + name + "\"");
        }
        PrivateFiles.write(dir.resolve("context.txt"), name);
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.startsWith(".")) {
            throw new CliException("invalid context name \"" + name + "\": use letters, digits, '-', '_' and '.'");
        }
    }

}
