package io.natrix.nex.workload;

/** A workload that could not be deployed or started; the message goes into the deploy reply. */
public final class WorkloadException extends Exception {

    private static final long serialVersionUID = 1L;

    public WorkloadException(String message) {
        super(message);
    }

    public WorkloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
