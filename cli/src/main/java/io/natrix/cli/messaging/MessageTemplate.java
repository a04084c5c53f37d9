package io.natrix.cli.messaging;

import io.nats.client.NUID;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The template language natscli's {@code pub}, {@code req} and {@code reply} expand in subjects, bodies and header
 * values: Go {@code text/template} actions over a fixed set of names, each usable as a function ({@code {{Count}}})
 * or as a field of the data ({@code {{.Count}}}).
 *
 * <pre>
 *   Count, Cnt         the message number (pub/req count from 1; reply counts from 0 as natscli does)
 *   Unix, UnixNano     seconds / nanoseconds since 1970 UTC
 *   TimeStamp          the current time, RFC 3339 ({@code 2026-11-26T18:11:24Z})
 *   Time               the current time, Go's kitchen format ({@code 6:11PM})
 *   ID                 a new NUID
 *   Random MIN MAX     a string of a-zA-Z0-9, at least MIN and at most MAX long (function only)
 *   Request            the request body (reply only; as a function only when the request is not empty)
 * </pre>
 *
 * <p>Only these single actions exist: no pipelines, conditionals or variables. Go's trim markers
 * ({@code {{- X -}}}) and comment actions (slash-star ... star-slash) are honoured. Text without an action is
 * returned as is. An unknown name or a bad argument is a {@link TemplateException} whose message resembles Go's;
 * callers decide, as natscli does, whether that fails the command or leaves the text unexpanded.
 *
 * <p>Stateless and thread-safe.
 */
final class MessageTemplate {

    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final DateTimeFormatter KITCHEN = DateTimeFormatter.ofPattern("h:mma", Locale.ROOT);

    /** The longest string {@code Random} makes: a limit so a typo cannot ask for gigabytes. */
    static final int RANDOM_LENGTH_MAX = 64 * 1024 * 1024;

    private MessageTemplate() {
    }

    /** A template that could not be parsed or expanded. */
    static final class TemplateException extends Exception {
        private static final long serialVersionUID = 1L;

        TemplateException(String message) {
            super(message);
        }
    }

    /** Expands {@code text} for message number {@code count}, with no request. */
    static String expand(String text, long count) throws TemplateException {
        return expand(text, count, null);
    }

    /** Expands {@code text} for message number {@code count}; {@code request} is the request body or null. */
    static String expand(String text, long count, String request) throws TemplateException {
        return expand(text, count, request, Map.of());
    }

    /**
     * Expands {@code text} with {@code functions} as further names usable as functions only (natscli's
     * {@code --translate} offers {@code Subject} and {@code Stream} so).
     */
    static String expand(String text, long count, String request, Map<String, String> functions)
            throws TemplateException {
        if (text == null || !text.contains("{{")) {
            return text;
        }
        ZonedDateTime now = ZonedDateTime.now(ZoneId.systemDefault());
        StringBuilder out = new StringBuilder(text.length() + 32);
        int i = 0;
        while (i < text.length()) {
            int open = text.indexOf("{{", i);
            if (open < 0) {
                out.append(text, i, text.length());
                break;
            }
            int close = text.indexOf("}}", open + 2);
            if (close < 0) {
                throw new TemplateException("unclosed action");
            }
            String action = text.substring(open + 2, close);
            boolean trimLeft = action.startsWith("- ") || action.equals("-");
            boolean trimRight = action.endsWith(" -");
            out.append(text, i, open);
            if (trimLeft) {
                trimTrailingSpace(out);
                action = action.substring(1);
            }
            if (trimRight) {
                action = action.substring(0, action.length() - 1);
            }
            i = close + 2;
            if (trimRight) {
                while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
            }
            out.append(evaluate(action.strip(), count, request, now, functions));
        }
        return out.toString();
    }

    private static void trimTrailingSpace(StringBuilder sb) {
        int end = sb.length();
        while (end > 0 && Character.isWhitespace(sb.charAt(end - 1))) {
            end--;
        }
        sb.setLength(end);
    }

    private static String evaluate(String action, long count, String request, ZonedDateTime now,
                                   Map<String, String> functions) throws TemplateException {
        if (action.startsWith("/*") && action.endsWith("*/")) {
            return "";
        }
        if (action.isEmpty()) {
            throw new TemplateException("missing value for command");
        }
        String[] words = action.split("\\s+");
        String head = words[0];
        boolean field = head.startsWith(".");
        String name = field ? head.substring(1) : head;
        if (!field && name.equals("Random")) {
            return random(words);
        }
        if (!field && words.length == 1 && functions.containsKey(name)) {
            return functions.get(name);
        }
        if (words.length > 1) {
            throw new TemplateException(field
                    ? "can't give argument to non-function " + head
                    : "wrong number of args for " + name + ": want 0 got " + (words.length - 1));
        }
        String value = switch (name) {
            case "Count", "Cnt" -> Long.toString(count);
            case "Unix" -> Long.toString(now.toEpochSecond());
            case "UnixNano" -> Long.toString(nanos(now.toInstant()));
            case "TimeStamp" -> now.truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            case "Time" -> now.format(KITCHEN);
            case "ID" -> NUID.nextGlobal();
            case "Request" -> {
                // natscli defines the Request function only for a non-empty request; the field always exists.
                if (!field && (request == null || request.isEmpty())) {
                    yield null;
                }
                yield request == null ? "" : request;
            }
            default -> null;
        };
        if (value == null) {
            throw new TemplateException(field
                    ? "can't evaluate field " + name
                    : "function \"" + name + "\" not defined");
        }
        return value;
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static String random(String[] words) throws TemplateException {
        if (words.length != 3) {
            throw new TemplateException("wrong number of args for Random: want 2 got " + (words.length - 1));
        }
        int shortest = length(words[1]);
        int longest = length(words[2]);
        if (shortest > longest) {
            int t = shortest;
            shortest = longest;
            longest = t;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int length = shortest == longest ? shortest : rnd.nextInt(shortest, longest + 1);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(LETTERS.charAt(rnd.nextInt(LETTERS.length())));
        }
        return sb.toString();
    }

    private static int length(String word) throws TemplateException {
        try {
            long n = Long.parseLong(word);
            if (n < 0) {
                throw new TemplateException("Random: length " + word + " is negative");
            }
            if (n > RANDOM_LENGTH_MAX) {
                throw new TemplateException("Random: length " + word + " exceeds " + RANDOM_LENGTH_MAX);
            }
            return (int) n;
        } catch (NumberFormatException e) {
            throw new TemplateException("Random: " + word + " is not a number");
        }
    }
}
