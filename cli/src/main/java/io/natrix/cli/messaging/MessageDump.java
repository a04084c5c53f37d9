package io.natrix.cli.messaging;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.output.Json;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;

/**
 * {@code sub --dump}: each message as the JSON natscli writes (Go's encoding of a {@code nats.Msg}):
 *
 * <pre>
 *   {"Subject":"orders.1","Reply":"","Header":{"K":["v"]},"Data":"aGVsbG8=","Sub":null}
 * </pre>
 *
 * {@code Header} is null without headers (keys sorted, as Go sorts map keys), {@code Data} is base64. Into a
 * directory, one file per message named {@code N.json}: N the message count, or the stream sequence for
 * JetStream messages. To {@code -}, each document on standard output followed by a NUL byte (for
 * {@code xargs -0}).
 *
 * <p>Not thread-safe: the subscriber's handler calls it under its own lock.
 */
final class MessageDump {

    private final Path dir;
    private final PrintWriter out;

    private MessageDump(Path dir, PrintWriter out) {
        this.dir = dir;
        this.out = out;
    }

    /** A dump to {@code target}: {@code -} for standard output, else a directory made if missing. */
    static MessageDump to(String target, PrintWriter out) {
        if (target.equals("-")) {
            return new MessageDump(null, out);
        }
        Path dir = Path.of(target);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CliException("could not create dump directory " + target + ": " + e.getMessage(), e);
        }
        return new MessageDump(dir, out);
    }

    /** The JSON document for one message. */
    static String json(String subject, String reply, Headers headers, byte[] data) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("Subject", subject);
        doc.put("Reply", reply == null ? "" : reply);
        if (headers == null || headers.isEmpty()) {
            doc.putNull("Header");
        } else {
            ObjectNode h = doc.putObject("Header");
            TreeMap<String, List<String>> sorted = new TreeMap<>();
            for (String key : headers.keySet()) {
                sorted.put(key, headers.get(key));
            }
            sorted.forEach((key, values) -> {
                ArrayNode array = h.putArray(key);
                values.forEach(array::add);
            });
        }
        doc.put("Data", Base64.getEncoder().encodeToString(data == null ? new byte[0] : data));
        doc.putNull("Sub");
        return doc.toString();
    }

    /** Writes one message; {@code name} is its file name without {@code .json}, {@code count} its number. */
    void write(String name, long count, String subject, String reply, Headers headers, byte[] data)
            throws IOException {
        String doc = json(subject, reply, headers, data);
        if (dir == null) {
            out.print(doc);
            out.print('\0');
            out.flush();
            return;
        }
        Files.writeString(dir.resolve(name + ".json"), doc, StandardCharsets.UTF_8);
        if (count % 100 == 0) {
            // natscli's progress mark while dumping many messages.
            out.print('.');
            out.flush();
        }
    }
}
