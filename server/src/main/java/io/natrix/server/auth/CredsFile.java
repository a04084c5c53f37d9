package io.natrix.server.auth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The {@code .creds} file: a user JWT and the user's nkey seed, each in a block between two dash-framed marker
 * lines, with any text around them.
 *
 * <pre>
 *   -----BEGIN NATS USER JWT-----
 *   eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJ...   (one line)
 *   ------END NATS USER JWT------
 *
 *   (free text)
 *
 *   -----BEGIN USER NKEY SEED-----
 *   SUA...                                                  (one line)
 *   ------END USER NKEY SEED------
 * </pre>
 * A marker line is at least three dashes, anything, at least three dashes. Parsing reads lines (LF, CRLF or CR),
 * ignores surrounding whitespace and blank lines inside blocks, and takes the first block as the JWT and the second
 * as the seed, as the NATS tools do; an opening marker that names "JWT" or "SEED" decides for its block.
 *
 * <p>Stateless and thread-safe.
 */
public final class CredsFile {
    /** Longest creds text parsed: a JWT at its limit plus room for the seed and decoration. */
    public static final int LENGTH_MAX = JwtDecoder.TOKEN_LENGTH_MAX + 64 * 1024;

    private CredsFile() {
    }

    /**
     * A user JWT and its seed. The seed is secret: {@link #toString()} leaves it out.
     *
     * @param jwt  the JWT text, not yet verified
     * @param seed the nkey seed text, checked to decode
     */
    public record Creds(String jwt, String seed) {
        /** The key pair of the seed. */
        public NKeyPair keyPair() {
            return NKeyPair.fromSeed(seed);
        }

        @Override
        public String toString() {
            return "Creds[jwt=" + (jwt.length() > 24 ? jwt.substring(0, 24) + "..." : jwt) + ", seed=<hidden>]";
        }
    }

    /** Thrown for text that holds no usable JWT and seed. Never carries seed material. */
    public static final class CredsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public CredsException(String message) {
            super(message);
        }
    }

    /**
     * Reads a creds file's text.
     *
     * @throws CredsException when the blocks are missing or malformed, the JWT is not three dot-separated parts, or
     *                        the seed does not decode as a user, account or operator seed
     */
    public static Creds parse(String text) {
        if (text == null) {
            throw new CredsException("no creds text");
        }
        if (text.length() > LENGTH_MAX) {
            throw new CredsException("creds text longer than " + LENGTH_MAX + " characters");
        }
        // Editors on some platforms save a byte order mark; it is not part of the first marker.
        List<Block> blocks = blocks(lines(text.startsWith("\uFEFF") ? text.substring(1) : text));
        String jwt = null;
        String seed = null;
        List<String> unlabeled = new ArrayList<>();
        for (Block block : blocks) {
            String label = block.label.toUpperCase(Locale.ROOT);
            if (label.contains("JWT")) {
                jwt = jwt == null ? block.content : jwt;
            } else if (label.contains("SEED")) {
                seed = seed == null ? block.content : seed;
            } else {
                unlabeled.add(block.content);
            }
        }
        // Blocks whose markers name neither fill the gaps in file order: the JWT comes first, then the seed.
        if (jwt == null && !unlabeled.isEmpty()) {
            jwt = unlabeled.remove(0);
        }
        if (seed == null && !unlabeled.isEmpty()) {
            seed = unlabeled.remove(0);
        }
        if (jwt == null) {
            throw new CredsException("no JWT block in the creds");
        }
        if (seed == null) {
            throw new CredsException("no seed block in the creds");
        }
        if (!isJwtShaped(jwt)) {
            throw new CredsException("the JWT block does not hold a JWT");
        }
        try {
            NKeys.DecodedSeed decoded = NKeys.decodeSeed(seed);
            Arrays.fill(decoded.raw(), (byte) 0);
            NKeyType type = decoded.type();
            if (type != NKeyType.USER && type != NKeyType.ACCOUNT && type != NKeyType.OPERATOR) {
                throw new CredsException("the seed is not a user, account or operator seed");
            }
        } catch (NKeyException e) {
            throw new CredsException("the seed block does not hold a valid seed: " + e.getMessage());
        }
        return new Creds(jwt, seed);
    }

    /** The text of a creds file for {@code jwt} and {@code seed}, in the layout the NATS tools write. */
    public static String format(String jwt, String seed) {
        return "-----BEGIN NATS USER JWT-----\n" + jwt + "\n------END NATS USER JWT------\n\n"
                + "************************* IMPORTANT *************************\n"
                + "The seed below is a private key: whoever holds it can connect\n"
                + "as this user. Keep this file secret.\n\n"
                + "-----BEGIN USER NKEY SEED-----\n" + seed + "\n------END USER NKEY SEED------\n\n"
                + "*************************************************************\n";
    }

    private record Block(String label, String content) {
    }

    /** Splits on LF, CRLF or CR and strips each line. */
    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n' || text.charAt(i) == '\r') {
                lines.add(text.substring(start, i).strip());
                if (i < text.length() && text.charAt(i) == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        return lines;
    }

    /**
     * A block is a marker line, a content line (blank lines skipped) and a closing marker line. Anything that does
     * not fit is treated as free text, and scanning goes on from the next line.
     */
    private static List<Block> blocks(List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            if (!isMarker(lines.get(i))) {
                i++;
                continue;
            }
            int content = i + 1;
            while (content < lines.size() && lines.get(content).isEmpty()) {
                content++;
            }
            int close = content + 1;
            while (close < lines.size() && lines.get(close).isEmpty()) {
                close++;
            }
            if (content < lines.size() && close < lines.size() && isContent(lines.get(content))
                    && isMarker(lines.get(close))) {
                blocks.add(new Block(lines.get(i), lines.get(content)));
                i = close + 1;
            } else {
                i++;
            }
        }
        return blocks;
    }

    private static boolean isMarker(String line) {
        return line.length() >= 6 && line.startsWith("---") && line.endsWith("---");
    }

    /** Letters, digits and "-_.=": what a JWT or a seed is made of. */
    private static boolean isContent(String line) {
        if (line.isEmpty()) {
            return false;
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_' || c == '.' || c == '=';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isJwtShaped(String jwt) {
        int first = jwt.indexOf('.');
        int second = first < 0 ? -1 : jwt.indexOf('.', first + 1);
        return first > 0 && second > first + 1 && second < jwt.length() - 1 && jwt.indexOf('.', second + 1) < 0;
    }
}
