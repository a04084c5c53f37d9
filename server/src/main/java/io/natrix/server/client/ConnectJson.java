package io.natrix.server.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the JSON of a CONNECT the way nats-server does, which is Go's {@code encoding/json} unmarshalling into its
 * {@code ClientOpts} struct, so that a client gets the same answer from Natrix for every value it may send. Jackson's
 * data binding differs in ways a client can see, all found by {@code WireConnectFuzzTest} against nats-server 2.9.10:
 * <ul>
 *   <li>Types are strict: a field takes JSON of its own type or {@code null}, which leaves the field as it was (its
 *       default, or the value of an earlier CONNECT on the connection). {@code "verbose":"false"}, {@code
 *       "user":5}, {@code "protocol":1.0} or {@code "protocol":1e2} are errors, where Jackson would coerce.</li>
 *   <li>Keys match case-insensitively ({@code "Verbose"} is {@code verbose}); of repeated keys, the last wins.</li>
 *   <li>The whole input must be one JSON value, nothing after it; a top-level {@code null} changes nothing.</li>
 *   <li>Invalid UTF-8 and unpaired surrogate escapes in strings become U+FFFD instead of failing.</li>
 *   <li>{@code import} and {@code export} (route and leaf fields, which Natrix ignores for clients) must still be
 *       {@code null} or objects whose {@code allow} and {@code deny} are arrays of strings.</li>
 *   <li>Nesting in ignored fields may go 10,000 deep and numbers may be of any length, as in Go; the control-line
 *       limit bounds both long before.</li>
 * </ul>
 * Any error closes the connection without a {@code -ERR}, as nats-server does.
 *
 * <p>Stateless and thread-safe.
 */
final class ConnectJson {
    /** Go's {@code encoding/json} nesting limit. */
    private static final int NESTING_DEPTH_MAX = 10_000;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(NESTING_DEPTH_MAX)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .build())
            .build();

    /** A CONNECT that nats-server would not unmarshal; the message says why, for the log. */
    static final class InvalidConnectException extends IOException {
        InvalidConnectException(String message) {
            super(message);
        }
    }

    private ConnectJson() {
    }

    /**
     * Decodes {@code json} over a copy of {@code base} (the defaults, or the options of the connection's previous
     * CONNECT, as nats-server unmarshals into the options it holds).
     *
     * @throws IOException when nats-server's unmarshalling would fail: bad syntax or a value of the wrong type
     */
    static ConnectOptions decode(byte[] json, ConnectOptions base) throws IOException {
        ConnectOptions o = base.copy();
        // Decoding with replacement is what Go does to invalid UTF-8 inside strings; outside them U+FFFD is a
        // syntax error, as the bad byte is in Go.
        String text = new String(json, StandardCharsets.UTF_8);
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken root = p.nextToken();
            if (root == null) {
                throw new InvalidConnectException("unexpected end of JSON input");
            }
            String typeError = null;
            if (root == JsonToken.START_OBJECT) {
                typeError = fields(p, o);
            } else if (root != JsonToken.VALUE_NULL) {
                p.skipChildren();
                typeError = "cannot unmarshal " + kind(root) + " into Go value of type server.ClientOpts";
            }
            if (p.nextToken() != null) {
                throw new InvalidConnectException("invalid character after top-level value");
            }
            if (typeError != null) {
                throw new InvalidConnectException(typeError);
            }
            return o;
        } catch (JsonProcessingException e) {
            throw new InvalidConnectException(e.getOriginalMessage());
        }
    }

    /**
     * Reads an object's fields into {@code o}; returns the first type error (Go reads on to the end and reports
     * it then, so a syntax error after it still wins), or null.
     */
    private static String fields(JsonParser p, ConnectOptions o) throws IOException {
        String typeError = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            String error = field(p, t, key, o);
            if (typeError == null) {
                typeError = error;
            }
        }
        return typeError;
    }

    private static String field(JsonParser p, JsonToken t, String key, ConnectOptions o) throws IOException {
        String name = canonical(key);
        if (name == null) {
            p.skipChildren();
            return null;
        }
        if (t == JsonToken.VALUE_NULL) {
            return null; // Go leaves the field as it is; for the import/export pointers it clears nothing we keep
        }
        switch (name) {
            case "verbose", "pedantic", "tls_required", "echo", "new_account", "headers", "no_responders" -> {
                if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                    return typeError(p, t, name, "bool");
                }
                setBoolean(o, name, t == JsonToken.VALUE_TRUE);
                return null;
            }
            case "protocol" -> {
                if (t != JsonToken.VALUE_NUMBER_INT) {
                    return typeError(p, t, name, "int");
                }
                // Go parses the literal as a 64-bit integer; anything else (overflow) is a type error.
                try {
                    long v = Long.parseLong(p.getText());
                    o.protocol = Math.clamp(v, Integer.MIN_VALUE, Integer.MAX_VALUE);
                } catch (NumberFormatException e) {
                    return "cannot unmarshal number " + p.getText() + " into Go struct field ClientOpts.protocol"
                            + " of type int";
                }
                return null;
            }
            case "import", "export" -> {
                return subjectPermission(p, t, name);
            }
            default -> {
                if (t != JsonToken.VALUE_STRING) {
                    return typeError(p, t, name, "string");
                }
                setString(o, name, wellFormed(p.getText()));
                return null;
            }
        }
    }

    /** A {@code SubjectPermission}: an object whose {@code allow} and {@code deny} are arrays of strings. */
    private static String subjectPermission(JsonParser p, JsonToken t, String name) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            return typeError(p, t, name, "server.SubjectPermission");
        }
        String error = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            boolean list = foldEquals(key, "allow") || foldEquals(key, "deny");
            String e = list ? stringList(p, v, name + "." + key.toLowerCase(java.util.Locale.ROOT)) : skip(p);
            if (error == null) {
                error = e;
            }
        }
        return error;
    }

    private static String stringList(JsonParser p, JsonToken t, String name) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            return typeError(p, t, name, "[]string");
        }
        String error = null;
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
            if (e != JsonToken.VALUE_STRING && e != JsonToken.VALUE_NULL && error == null) {
                error = typeError(p, e, name, "string");
            } else {
                p.skipChildren();
            }
        }
        return error;
    }

    private static String skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    /** Skips the value and words the error as Go does (the message only goes to the log). */
    private static String typeError(JsonParser p, JsonToken t, String field, String goType) throws IOException {
        p.skipChildren();
        return "cannot unmarshal " + kind(t) + " into Go struct field ClientOpts." + field + " of type " + goType;
    }

    private static String kind(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "object";
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_TRUE, VALUE_FALSE -> "bool";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            default -> String.valueOf(t);
        };
    }

    private static final String[] NAMES = {"verbose", "pedantic", "tls_required", "echo", "new_account", "headers",
        "no_responders", "protocol", "import", "export", "nkey", "jwt", "sig", "auth_token", "user", "pass", "name",
        "lang", "version", "account"};

    /** The field {@code key} names, matched as Go matches keys to struct tags; null for none. */
    private static String canonical(String key) {
        for (String name : NAMES) {
            if (foldEquals(key, name)) {
                return name;
            }
        }
        return null;
    }

    /**
     * Go's key folding for an ASCII field name: ASCII letters in either case, and also the Kelvin sign for k and
     * the long s for s, which Unicode folds to them. (Java's {@code equalsIgnoreCase} would let more through, such
     * as the dotless i.)
     */
    static boolean foldEquals(String key, String name) {
        if (key.length() != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char k = key.charAt(i);
            char n = name.charAt(i);
            if (k == n || (k < 0x80 && Character.isLetter(n) && Character.toLowerCase(k) == n)) {
                continue;
            }
            if ((n == 'k' && k == '\u212a') || (n == 's' && k == '\u017f')) {
                continue;
            }
            return false;
        }
        return true;
    }

    /** Replaces unpaired surrogates (from {@code \ud800}-style escapes) with U+FFFD, as Go decodes them. */
    private static String wellFormed(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(s.charAt(i + 1));
                }
                i++;
                continue;
            }
            if (Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(s.length()).append(s, 0, i);
                }
                out.append('\ufffd');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    private static void setBoolean(ConnectOptions o, String name, boolean v) {
        switch (name) {
            case "verbose" -> o.verbose = v;
            case "pedantic" -> o.pedantic = v;
            case "tls_required" -> o.tlsRequired = v;
            case "echo" -> o.echo = v;
            case "new_account" -> o.newAccount = v;
            case "headers" -> o.headers = v;
            case "no_responders" -> o.noResponders = v;
            default -> throw new IllegalArgumentException(name);
        }
    }

    private static void setString(ConnectOptions o, String name, String v) {
        switch (name) {
            case "nkey" -> o.nkey = v;
            case "jwt" -> o.jwt = v;
            case "sig" -> o.sig = v;
            case "auth_token" -> o.authToken = v;
            case "user" -> o.user = v;
            case "pass" -> o.pass = v;
            case "name" -> o.name = v;
            case "lang" -> o.lang = v;
            case "version" -> o.version = v;
            case "account" -> o.account = v;
            default -> throw new IllegalArgumentException(name);
        }
    }
}
