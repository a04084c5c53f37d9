package io.natrix.cli.messaging;

import io.nats.client.impl.Headers;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How natscli shows a message's headers and body on standard output: one {@code Key: value} line per header
 * value and a blank line after them, then the body. A body without a trailing newline gets one; the "pretty" form
 * adds blank lines after it exactly as natscli does, an empty body shows as {@code nil body}.
 *
 * <p>Stateless; callers serialise writes to a writer they share.
 */
final class MessageOutput {

    private MessageOutput() {
    }

    /** The headers, each value on its own line, then a blank line; nothing when there are none. */
    static void headers(PrintWriter out, Headers headers) {
        if (headers == null || headers.isEmpty()) {
            return;
        }
        for (String key : headers.keySet()) {
            List<String> values = headers.get(key);
            for (String value : values) {
                out.println(key + ": " + value);
            }
        }
        out.println();
    }

    /** The body alone, newline-terminated ({@code --raw} output). */
    static String compact(PrintWriter out, byte[] data) {
        return compact(out, data, null, null);
    }

    /**
     * The body alone, newline-terminated, after {@code translator} (null for none) made it over; null when the
     * translation failed (natscli's quoted output and error are shown instead).
     */
    static String compact(PrintWriter out, byte[] data, Translator translator, String subject) {
        if ((data == null || data.length == 0) && translator == null) {
            out.println("nil body");
            return "";
        }
        byte[] shown = data;
        if (translator != null) {
            try {
                shown = translator.translate(data, subject);
            } catch (Translator.TranslationException e) {
                out.printf("%s%nError while translating msg body: %s%n%n", Translator.quote(e.output()),
                        e.getMessage());
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        String text = new String(shown, StandardCharsets.UTF_8);
        if (text.endsWith("\n")) {
            out.print(text);
        } else {
            out.println(text);
        }
        return text;
    }

    /** The body followed by natscli's blank lines (the output of {@code sub} and {@code req}). */
    static void body(PrintWriter out, byte[] data) {
        body(out, data, null, null);
    }

    /** The body, translated when {@code translator} is not null, followed by natscli's blank lines. */
    static void body(PrintWriter out, byte[] data, Translator translator, String subject) {
        String text = compact(out, data, translator, subject);
        if (text == null) {
            return;
        }
        out.println();
        if (!text.endsWith("\n")) {
            out.println();
        }
    }

    /** Headers (unless there are none) and then, unless {@code headersOnly}, the (translated) body. */
    static void message(PrintWriter out, Headers headers, byte[] data, boolean headersOnly, Translator translator,
                        String subject) {
        headers(out, headers);
        if (!headersOnly) {
            body(out, data, translator, subject);
        }
        out.flush();
    }
}
