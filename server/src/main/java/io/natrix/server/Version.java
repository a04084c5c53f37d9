package io.natrix.server;

/** Natrix's own version, and the nats-server version whose client-visible behaviour it implements. */
public final class Version {
    /** Natrix's release. Shown in the banner, {@code --version} and monitoring. */
    public static final String NATRIX = "0.1.0";
    /**
     * Reported in INFO {@code version}: clients gate features on it, so it names the nats-server release whose
     * behaviour Natrix really implements, raised as features land.
     */
    public static final String NATS_SERVER = "2.11.0";
    /** The protocol level of INFO {@code proto}. */
    public static final int PROTO = 1;
    /** What nats-server calls its toolchain in INFO {@code go}; ours is the JVM. */
    public static final String RUNTIME = "java" + Runtime.version().feature();

    private Version() {
    }
}
