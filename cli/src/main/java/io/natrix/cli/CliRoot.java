package io.natrix.cli;

/** The root command of a command line that holds client commands: it owns the one {@link Globals}. */
public interface CliRoot {

    /** The connection flags, environment and standard input of this command line. */
    Globals globals();
}
