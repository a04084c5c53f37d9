package io.natrix.cli.errors;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.CliException;
import io.natrix.cli.output.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The NATS (JetStream API) error catalogue as data: each error's NATS code ({@code error_code}), HTTP-style code,
 * description template, Go constant name, and, when the source has them, comment, help text and URL.
 *
 * <p>The built-in catalogue is {@code errors.json} beside this class, a copy of the server module's catalogue (which
 * is generated from nats-server's {@code server/errors.json}); a test proves the two hold the same errors. A file
 * given with {@code errors --errors FILE} may be in that form ({@code {"errors":[...]}}) or in nats-server's own
 * form (a bare array with {@code comment}, {@code help}, {@code url}).
 *
 * <p>Immutable; safe on any thread.
 */
public final class ErrorCatalogue {

    private static final String RESOURCE = "errors.json";

    /** One error of the catalogue; empty strings where the source has nothing. */
    public record Entry(int errCode, int code, String description, String constant, String comment, String help,
                        String url) {
    }

    private final List<Entry> entries;

    private ErrorCatalogue(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** The built-in catalogue. */
    public static ErrorCatalogue builtIn() {
        try (InputStream in = ErrorCatalogue.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the error catalogue " + RESOURCE + " is missing from the cli module");
            }
            return of(Json.parse(in.readAllBytes(), "the built-in error catalogue"));
        } catch (IOException e) {
            throw new IllegalStateException("the error catalogue " + RESOURCE + " cannot be read", e);
        }
    }

    /** A catalogue from a file; an unreadable or malformed file is a one-line error. */
    public static ErrorCatalogue load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CliException("errors file " + file + " does not exist");
        } catch (IOException e) {
            throw new CliException("cannot read errors file " + file + ": " + e.getMessage());
        }
        return of(Json.parse(bytes, file.toString()));
    }

    private static ErrorCatalogue of(JsonNode root) {
        JsonNode list = root.isArray() ? root : root.path("errors");
        if (!list.isArray()) {
            throw new CliException(
                    "an error catalogue is a JSON array of errors, or an object with an \"errors\" array");
        }
        List<Entry> entries = new ArrayList<>();
        for (JsonNode e : list) {
            entries.add(new Entry(e.path("error_code").asInt(), e.path("code").asInt(), e.path("description").asText(),
                    e.path("constant").asText(), e.path("comment").asText(), e.path("help").asText(),
                    e.path("url").asText()));
        }
        return new ErrorCatalogue(entries);
    }

    /** Every error, in the source's order. */
    public List<Entry> entries() {
        return entries;
    }

    /** The error with this NATS code. */
    public Optional<Entry> find(int errCode) {
        return entries.stream().filter(e -> e.errCode() == errCode).findFirst();
    }
}
