package io.natrix.cli.object;

import io.natrix.cli.ClientCommand;
import picocli.CommandLine.Command;

/**
 * {@code natrix object} (also {@code obj}): natscli's object store commands on jnats's
 * {@link io.nats.client.ObjectStore} and {@link io.nats.client.ObjectStoreManagement}. Bucket commands
 * ({@code add}, {@code edit}, {@code ls}, {@code info}, {@code seal}, {@code del}) live in {@link ObjectBucketCommands};
 * moving objects ({@code put}, {@code get}) in {@link ObjectTransferCommands}; {@code link} and {@code watch}
 * in their own classes.
 */
@Command(name = "object", aliases = "obj", description = "Interacts with a JetStream based Object store",
        subcommands = {ObjectBucketCommands.Add.class, ObjectBucketCommands.Edit.class, ObjectBucketCommands.Ls.class, ObjectBucketCommands.Info.class,
                ObjectTransferCommands.Put.class, ObjectTransferCommands.Get.class, ObjectBucketCommands.Del.class,
                ObjectBucketCommands.Seal.class, ObjectLinkCommand.class, ObjectWatchCommand.class})
public final class ObjectCommand extends ClientCommand {

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 0;
    }
}
