package io.natrix.server.jetstream;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The {@code Nats-Stream-Source} header a stream adds to every message it copies from one of its sources, and the
 * header edits copying makes; nats-server 2.11's format, so that stores move between the two servers and a source
 * resumes where nats-server left it.
 *
 * <p>Format (one header line, fields separated by single spaces):
 * <pre>
 *   Nats-Stream-Source: &lt;origin&gt; &lt;origin sequence&gt; &lt;filters&gt; &lt;destinations&gt;
 *
 *   origin        the origin stream's name; for an external origin followed by ':' and the 8-character hash of
 *                 its API prefix (base-62 digits of the first SHA-256 bytes, nats-server's getHash)
 *   sequence      the message's sequence in the origin, decimal
 *   filters       the source's filter_subject, or its transforms' sources joined by '\f'; '>' when empty
 *   destinations  '>' without transforms, else the transforms' destinations joined by '\f' ('>' for empty ones)
 * </pre>
 * The first, third and fourth fields together are the source's <em>index name</em>, which tells two sources of
 * one origin apart. Readers also accept what older nats-server versions wrote: {@code <origin> <sequence>} (a match
 * for every source of that origin), and the original consumer acknowledgement subject
 * {@code $JS.ACK.<origin>.<consumer>.<delivered>.<sequence>.<...>}. Newer versions add more fields after the
 * fourth; they are ignored.
 *
 * <p>Stateless; thread-safe.
 */
final class SourceHeader {
    static final String NAME = "Nats-Stream-Source";

    private static final String ALL = ">";
    private static final String HASH_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int HASH_LENGTH = 8;
    private static final String ACK_PREFIX = "$JS.ACK.";
    private static final int ACK_TOKENS = 9;

    private SourceHeader() {
    }

    /** What a {@code Nats-Stream-Source} value says; {@code indexName} is null for the older forms. */
    record Parsed(String origin, String indexName, long sequence) {
    }

    /** The index name of {@code source}: origin, filters and destinations as the header writes them. */
    static String indexName(StreamSource source) {
        return originField(source) + ' ' + filtersAndDestinations(source);
    }

    /** The header's first field for {@code source}. */
    static String originField(StreamSource source) {
        return source.external() == null ? source.name() : source.name() + ':' + hash(source.external().api());
    }

    private static String filtersAndDestinations(StreamSource source) {
        List<StreamConfig.SubjectTransformConfig> transforms = source.subjectTransforms();
        if (transforms.isEmpty()) {
            return (source.filterSubject().isEmpty() ? ALL : source.filterSubject()) + ' ' + ALL;
        }
        StringBuilder filters = new StringBuilder();
        StringBuilder destinations = new StringBuilder();
        for (StreamConfig.SubjectTransformConfig t : transforms) {
            if (!filters.isEmpty()) {
                filters.append('\f');
                destinations.append('\f');
            }
            filters.append(t.src().isEmpty() ? ALL : t.src());
            destinations.append(t.dest().isEmpty() ? ALL : t.dest());
        }
        return filters.append(' ').append(destinations).toString();
    }

    /** The header value for a message copied from {@code originSeq} by the source with {@code indexName}. */
    static String value(String indexName, long originSeq) {
        int space = indexName.indexOf(' ');
        return indexName.substring(0, space) + ' ' + originSeq + indexName.substring(space);
    }

    /** Reads a header value; null when it is none of the known forms. */
    static Parsed parse(String value) {
        if (value == null) {
            return null;
        }
        if (value.startsWith(ACK_PREFIX)) {
            String[] tokens = value.split("\\.", -1);
            if (tokens.length != ACK_TOKENS) {
                return null;
            }
            long seq = number(tokens[5]);
            return seq < 0 ? null : new Parsed(tokens[2], null, seq);
        }
        String[] fields = value.split(" ", -1);
        if (fields.length != 2 && fields.length < 4) {
            return null;
        }
        long seq = number(fields[1]);
        if (seq < 0) {
            return null;
        }
        String indexName = fields.length >= 4 ? fields[0] + ' ' + fields[2] + ' ' + fields[3] : null;
        return new Parsed(fields[0], indexName, seq);
    }

    private static long number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** nats-server's getHash: 8 base-62 digits taken from the first bytes of the SHA-256 of {@code text}. */
    static String hash(String text) {
        byte[] sha;
        try {
            sha = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
        char[] out = new char[HASH_LENGTH];
        for (int i = 0; i < HASH_LENGTH; i++) {
            out[i] = HASH_DIGITS.charAt((sha[i] & 0xff) % HASH_DIGITS.length());
        }
        return new String(out);
    }

    // ---------------------------------------------------------------- header edits

    /**
     * {@code headers} without the lines whose name is {@code name} (exactly, as nats-server matches) or, with
     * {@code prefix}, starts with it; null when no header is left.
     */
    static byte[] remove(byte[] headers, String name, boolean prefix) {
        if (headers == null || headers.length == 0) {
            return headers;
        }
        String text = new String(headers, StandardCharsets.UTF_8);
        int firstLineEnd = text.indexOf("\r\n");
        if (firstLineEnd < 0) {
            return headers;
        }
        StringBuilder kept = new StringBuilder(text.length()).append(text, 0, firstLineEnd + 2);
        boolean removed = false;
        int lines = 0;
        int at = firstLineEnd + 2;
        while (at < text.length()) {
            int end = text.indexOf("\r\n", at);
            if (end < 0) {
                end = text.length();
            }
            String line = text.substring(at, end);
            at = Math.min(text.length(), end + 2);
            if (line.isEmpty()) {
                continue;
            }
            boolean match = prefix ? line.startsWith(name)
                    : line.startsWith(name) && line.length() > name.length() && line.charAt(name.length()) == ':';
            if (match) {
                removed = true;
            } else {
                kept.append(line).append("\r\n");
                lines++;
            }
        }
        if (!removed) {
            return headers;
        }
        if (lines == 0 && text.startsWith("NATS/1.0\r\n")) {
            return null;
        }
        return kept.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code headers} (null: none yet) with {@code name: value} added at the end, as nats-server's genHeader. */
    static byte[] add(byte[] headers, String name, String value) {
        StringBuilder b = new StringBuilder();
        if (headers != null && headers.length > 2) {
            b.append(new String(headers, 0, headers.length - 2, StandardCharsets.UTF_8));
        } else {
            b.append("NATS/1.0\r\n");
        }
        b.append(name).append(": ").append(value).append("\r\n\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A copied message's headers with those nats-server drops when copying ({@code Nats-Expected-*}, batches). */
    static byte[] withoutCopyExcluded(byte[] headers) {
        return remove(remove(headers, "Nats-Expected-", true), "Nats-Batch-", true);
    }
}
