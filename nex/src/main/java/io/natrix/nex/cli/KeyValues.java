package io.natrix.nex.cli;

import io.natrix.cli.CliException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses {@code K=V} words (environment variables, tags) given on a command line. */
final class KeyValues {

    private KeyValues() {
    }

    static Map<String, String> parse(List<String> words, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        if (words == null) {
            return out;
        }
        for (String word : words) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new CliException("invalid " + what + " \"" + word + "\": expected KEY=VALUE");
            }
            out.put(word.substring(0, eq), word.substring(eq + 1));
        }
        return out;
    }
}
