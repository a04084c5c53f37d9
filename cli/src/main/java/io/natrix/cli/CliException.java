package io.natrix.cli;

/**
 * A failure a command reports as one line ({@code natrix: error: MESSAGE}) and exit status 1: bad input, an
 * unreachable server, an API error. The message is for the user; no stack trace is shown unless {@code --trace}.
 */
public class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
