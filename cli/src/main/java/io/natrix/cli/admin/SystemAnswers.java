package io.natrix.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.CliException;
import io.natrix.cli.output.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading the system account's answers: {@code {"server":{...},"data":{...}}} or
 * {@code {"server":{...},"error":{"code":N,"description":D}}}, as nats-server sends them. Stateless.
 */
public final class SystemAnswers {

    private SystemAnswers() {
    }

    /** Parses each answer; one that is not JSON is a one-line error naming the request. */
    public static List<JsonNode> parse(List<byte[]> answers, String what) {
        List<JsonNode> parsed = new ArrayList<>(answers.size());
        for (byte[] answer : answers) {
            parsed.add(Json.parse(answer, "the answer to " + what));
        }
        return parsed;
    }

    /** The {@code data} of an answer; an {@code error} answer becomes a one-line error. */
    public static JsonNode data(JsonNode answer) {
        JsonNode error = answer.get("error");
        if (error != null && !error.isNull()) {
            throw new CliException("invalid response received from "
                    + answer.path("server").path("name").asText("server") + ": "
                    + error.path("description").asText("error") + " (" + error.path("code").asInt() + ")");
        }
        JsonNode data = answer.get("data");
        if (data == null || data.isNull()) {
            throw new CliException("no data received in response from "
                    + answer.path("server").path("name").asText("server"));
        }
        return data;
    }

    /**
     * Removes the dot-separated name parts every name shares at its end (the first part is always kept), as natscli
     * compacts host and server names in its tables: {@code n1.example.net}, {@code n2.example.net} become {@code n1},
     * {@code n2}.
     */
    public static List<String> compact(List<String> names) {
        if (names.isEmpty()) {
            return names;
        }
        List<String[]> parts = new ArrayList<>();
        int shortest = Integer.MAX_VALUE;
        for (String name : names) {
            String[] p = name.split("\\.", -1);
            parts.add(p);
            shortest = Math.min(shortest, p.length);
        }
        String remove = "";
        for (int i = shortest - 1; i > 0; i--) {
            String s = parts.get(0)[i];
            boolean shared = true;
            for (String[] p : parts) {
                if (!p[i].equals(s)) {
                    shared = false;
                    break;
                }
            }
            if (!shared) {
                break;
            }
            remove = "." + s + remove;
        }
        List<String> result = new ArrayList<>(names.size());
        for (String name : names) {
            result.add(!remove.isEmpty() && name.endsWith(remove) ? name.substring(0, name.length() - remove.length())
                    : name);
        }
        return result;
    }
}
