package io.natrix.cli.messaging;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * {@code sub --translate} and {@code req --translate}: each body shown is first run through a command, as natscli
 * does. The command line is a template with the functions {@code Subject} and {@code Stream} (empty, as natscli
 * passes it), split as a shell would ({@link ShellWords}); the body goes to the command's standard input and its
 * standard output and error together replace it. Immutable; any thread.
 */
final class Translator {

    /** A body that could not be translated: the message says why, {@link #output} is what the command printed. */
    static final class TranslationException extends Exception {
        private static final long serialVersionUID = 1L;

        private final byte[] output;

        TranslationException(String message) {
            this(message, new byte[0]);
        }

        TranslationException(String message, byte[] output) {
            super(message);
            this.output = output;
        }

        byte[] output() {
            return output.clone();
        }
    }

    private final String command;
    private final Map<String, String> environment;

    Translator(String command, Map<String, String> environment) {
        this.command = command;
        this.environment = environment;
    }

    /** The translated body of a message on {@code subject}. */
    byte[] translate(byte[] data, String subject) throws TranslationException, InterruptedException {
        String line;
        try {
            line = MessageTemplate.expand(command, 0, null, Map.of("Subject", subject, "Stream", ""));
        } catch (MessageTemplate.TemplateException e) {
            throw new TranslationException(e.getMessage());
        }
        List<String> words;
        try {
            words = ShellWords.split(line);
        } catch (IllegalArgumentException e) {
            throw new TranslationException("the filter command line could not be parsed: " + e.getMessage());
        }
        if (words.isEmpty()) {
            throw new TranslationException("the filter command line is empty");
        }
        ProcessRun.Result run = ProcessRun.run(words, environment, data == null ? new byte[0] : data);
        if (!run.ok()) {
            throw new TranslationException(run.why(), run.output());
        }
        return run.output();
    }

    /** Bytes quoted as Go's {@code %q} shows them: how natscli prints a body it could not translate. */
    static String quote(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        text.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", c));
                    } else {
                        sb.appendCodePoint(c);
                    }
                }
            }
        });
        return sb.append('"').toString();
    }
}
