package io.natrix.server.config;

/**
 * A configuration file that cannot be read, parsed or applied, with the place that is wrong.
 *
 * <p>The message is {@code <file>:<line>:<column>: <reason>} (or {@code <file>: <reason>} when the problem is the
 * file as a whole, such as a missing file), so that editors and terminals can jump to the spot. The file is named as
 * it was given, {@code <string>} for text parsed from a string, or {@code $NAME} for the value of an environment
 * variable. When {@link ConfigLoader} finds several problems it throws the first and attaches the others as
 * {@linkplain #getSuppressed() suppressed} exceptions.
 *
 * <p>Unchecked, like the {@link IllegalArgumentException} that {@link ServerOptions.Builder#build()} throws: a bad
 * configuration stops the server at start-up and the caller's only sensible move is to print the message.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    // Kept as plain fields rather than a Position so that the exception stays serializable without making the
    // position record part of any serialized form.
    private final String file;
    private final int line;
    private final int column;
    private final String reason;

    public ConfigException(ConfigParser.Position position, String reason) {
        this(position, reason, null);
    }

    public ConfigException(ConfigParser.Position position, String reason, Throwable cause) {
        super(position + ": " + reason, cause);
        this.file = position.file();
        this.line = position.line();
        this.column = position.column();
        this.reason = reason;
    }

    /** Where the problem is; line and column are 0 when it concerns the whole file. */
    public ConfigParser.Position position() {
        return new ConfigParser.Position(file, line, column);
    }

    /** What is wrong, without the position prefix. */
    public String reason() {
        return reason;
    }
}
