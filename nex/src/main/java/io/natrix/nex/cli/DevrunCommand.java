package io.natrix.nex.cli;

import picocli.CommandLine.Command;

/**
 * {@code natrix nex devrun}: Nex v0's development deploy. The flags are {@code run}'s; once the new workload
 * runs, workloads of the same name in the namespace are stopped, so running it again after an edit replaces the
 * old copy.
 */
@Command(name = "devrun", description = "Deploy a workload for development, replacing any of the same name")
final class DevrunCommand extends RunCommand {

    @Override
    protected boolean replacesSameName() {
        return true;
    }
}
