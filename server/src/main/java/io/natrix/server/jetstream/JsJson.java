package io.natrix.server.jetstream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * JetStream API JSON as nats-server's Go encoder writes it: compact, fields in declaration order, map keys sorted,
 * {@code <}, {@code >}, {@code &}, U+2028 and U+2029 written as {@code \u003c}-style escapes, times as RFC 3339
 * with nanoseconds ({@link GoTime}), byte arrays as padded base64, durations as integer nanoseconds (they are plain
 * {@code long}s in the records).
 *
 * <p>{@link #read} reads documents of the API types back (responses recorded from nats-server, stored state); it
 * refuses fields the types do not know. Requests from clients are read by the stricter Go-compatible readers
 * ({@link StreamConfigRequest#parse}, {@link JsApi}'s request parsers) instead, whose errors are nats-server's.
 *
 * <p>Thread-safe: the mapper is configured once and only used.
 */
public final class JsJson {
    private static final ObjectMapper MAPPER = mapper();

    private JsJson() {
    }

    /** The document as nats-server would send it. */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("can not write " + value.getClass().getSimpleName(), e);
        }
    }

    /** The same, as text. */
    public static String writeString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException("can not write " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Reads a document of one of the API types.
     *
     * @throws IOException when it is not valid JSON of that type
     */
    public static <T> T read(byte[] json, Class<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }

    private static ObjectMapper mapper() {
        JsonFactory factory = JsonFactory.builder()
                .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
                .build()
                .setCharacterEscapes(new GoEscapes());
        SimpleModule times = new SimpleModule("go-times")
                .addSerializer(Instant.class, new InstantSerializer())
                .addSerializer(OffsetDateTime.class, new OffsetDateTimeSerializer())
                .addDeserializer(Instant.class, new InstantDeserializer())
                .addDeserializer(OffsetDateTime.class, new OffsetDateTimeDeserializer());
        return JsonMapper.builder(factory)
                .addModule(times)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .build();
    }

    /** Go's HTML-safe escaping on top of JSON's own. */
    private static final class GoEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private static final SerializedString LINE_SEPARATOR = new SerializedString("\\u2028");
        private static final SerializedString PARAGRAPH_SEPARATOR = new SerializedString("\\u2029");

        private final int[] ascii = CharacterEscapes.standardAsciiEscapesForJSON();

        GoEscapes() {
            ascii['<'] = CharacterEscapes.ESCAPE_STANDARD;
            ascii['>'] = CharacterEscapes.ESCAPE_STANDARD;
            ascii['&'] = CharacterEscapes.ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch == 0x2028 ? LINE_SEPARATOR : ch == 0x2029 ? PARAGRAPH_SEPARATOR : null;
        }
    }

    private static final class InstantSerializer extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(GoTime.format(value));
        }
    }

    private static final class OffsetDateTimeSerializer extends JsonSerializer<OffsetDateTime> {
        @Override
        public void serialize(OffsetDateTime value, JsonGenerator gen, SerializerProvider provider)
                throws IOException {
            gen.writeString(GoTime.format(value));
        }
    }

    private static final class InstantDeserializer extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            return parseTime(parser, context).toInstant();
        }
    }

    private static final class OffsetDateTimeDeserializer extends JsonDeserializer<OffsetDateTime> {
        @Override
        public OffsetDateTime deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            return parseTime(parser, context);
        }
    }

    private static OffsetDateTime parseTime(JsonParser parser, DeserializationContext context) throws IOException {
        String text = parser.getValueAsString();
        if (text == null) {
            return context.reportInputMismatch(OffsetDateTime.class, "a time must be an RFC 3339 string");
        }
        try {
            return GoTime.parse(text);
        } catch (IllegalArgumentException e) {
            return context.reportInputMismatch(OffsetDateTime.class, "%s", e.getMessage());
        }
    }
}
