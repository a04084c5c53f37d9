package io.natrix.cli.messaging;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words as a POSIX shell would, without running a shell: blanks separate words,
 * single quotes keep everything literal, double quotes keep blanks and let a backslash escape {@code "}, {@code \}
 * and {@code $}, and a backslash outside quotes escapes the next character. This is how natscli (go-shellquote)
 * reads {@code reply --command}. Stateless.
 */
final class ShellWords {

    private ShellWords() {
    }

    /** The words, or an {@link IllegalArgumentException} for an unterminated quote or trailing backslash. */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i++);
            switch (c) {
                case ' ', '\t', '\n' -> {
                    if (inWord) {
                        words.add(word.toString());
                        word.setLength(0);
                        inWord = false;
                    }
                }
                case '\\' -> {
                    if (i >= line.length()) {
                        throw new IllegalArgumentException("unterminated escape");
                    }
                    char next = line.charAt(i++);
                    if (next != '\n') {
                        word.append(next);
                    }
                    inWord = true;
                }
                case '\'' -> {
                    int end = line.indexOf('\'', i);
                    if (end < 0) {
                        throw new IllegalArgumentException("unterminated single-quoted string");
                    }
                    word.append(line, i, end);
                    i = end + 1;
                    inWord = true;
                }
                case '"' -> {
                    boolean closed = false;
                    while (i < line.length()) {
                        char d = line.charAt(i++);
                        if (d == '"') {
                            closed = true;
                            break;
                        }
                        if (d == '\\' && i < line.length() && "\"\\$`\n".indexOf(line.charAt(i)) >= 0) {
                            char escaped = line.charAt(i++);
                            if (escaped != '\n') {
                                word.append(escaped);
                            }
                        } else {
                            word.append(d);
                        }
                    }
                    if (!closed) {
                        throw new IllegalArgumentException("unterminated double-quoted string");
                    }
                    inWord = true;
                }
                default -> {
                    word.append(c);
                    inWord = true;
                }
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
