package io.natrix.nex.artifact;

/** An artifact that could not be fetched or did not match its hash; the message goes into the deploy reply. */
public final class ArtifactException extends Exception {

    private static final long serialVersionUID = 1L;

    public ArtifactException(String message) {
        super(message);
    }

    public ArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
