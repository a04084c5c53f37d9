package io.natrix.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.natrix.cli.CliException;
import java.io.PrintWriter;

/** JSON for {@code --json} output: the API's documents, indented two spaces as natscli prints them. */
public final class Json {

    /** One mapper for the module (thread-safe once configured). */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private Json() {
    }

    /** Parses JSON text (an API response, a config file); bad JSON is a one-line error naming what it was. */
    public static JsonNode parse(String text, String what) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CliException("invalid JSON in " + what + ": " + e.getOriginalMessage());
        }
    }

    /** Parses JSON bytes. */
    public static JsonNode parse(byte[] bytes, String what) {
        return parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), what);
    }

    /** Indented JSON text of a tree or any object Jackson can write. */
    public static String pretty(Object value) {
        try {
            Object tree = value instanceof String s ? MAPPER.readTree(s) : value;
            return PRETTY.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new CliException("cannot write JSON: " + e.getOriginalMessage());
        }
    }

    /** Prints indented JSON and a newline. */
    public static void print(PrintWriter out, Object value) {
        out.println(pretty(value));
        out.flush();
    }
}
