package io.natrix.nex.workload;

/** A function that could not be loaded or did not finish: its message is what the requester sees. */
public final class FunctionException extends Exception {

    private static final long serialVersionUID = 1L;

    public FunctionException(String message) {
        super(message);
    }

    public FunctionException(String message, Throwable cause) {
        super(message, cause);
    }
}
