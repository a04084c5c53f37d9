package io.natrix.cli.kv;

import io.natrix.cli.ClientCommand;
import picocli.CommandLine.Command;

/**
 * {@code natrix kv}: natscli's key-value store commands on jnats's {@link io.nats.client.KeyValue} and
 * {@link io.nats.client.KeyValueManagement}. Bucket commands ({@code add}, {@code edit}, {@code info}, {@code ls},
 * {@code compact}, {@code del BUCKET}) live in {@link KvBucketCommands}; value commands ({@code put},
 * {@code get}, {@code create}, {@code update}, {@code del BUCKET KEY}, {@code purge}, {@code revert}) in
 * {@link KvValueCommands}; readers of many values ({@code history}, {@code keys}, {@code watch}) in
 * {@link KvReadCommands}.
 */
@Command(name = "kv", description = "Interacts with a JetStream based Key-Value store",
        subcommands = {KvBucketCommands.Add.class, KvBucketCommands.Edit.class, KvBucketCommands.Info.class, KvBucketCommands.Ls.class,
                KvValueCommands.Put.class, KvValueCommands.Get.class, KvValueCommands.Create.class,
                KvValueCommands.Update.class, KvValueCommands.Del.class, KvValueCommands.Purge.class,
                KvValueCommands.Revert.class, KvReadCommands.History.class, KvReadCommands.ListKeys.class,
                KvReadCommands.Watch.class, KvBucketCommands.Compact.class})
public final class KvCommand extends ClientCommand {

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 0;
    }
}
