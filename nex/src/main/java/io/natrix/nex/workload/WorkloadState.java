package io.natrix.nex.workload;

import java.util.Locale;

/** A workload's state as listings show it (Nex's names). */
public enum WorkloadState {
    STARTING, RUNNING, WARM, STOPPING, STOPPED, ERROR;

    /** The lower-case name Nex uses on the wire. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
