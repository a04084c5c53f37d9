package io.natrix.cli.object;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.nats.client.Connection;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code object link BUCKET NAME TARGET_BUCKET [TARGET_NAME]}: makes {@code NAME} in {@code BUCKET} a link to
 * the object {@code TARGET_NAME} in {@code TARGET_BUCKET} (jnats's {@code addLink}), or, without a target name,
 * to the whole target bucket ({@code addBucketLink}). natscli has no such command; {@code object get} follows
 * object links as jnats does.
 */
@Command(name = "link", description = "Links a name in a bucket to an object or to a whole bucket")
final class ObjectLinkCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket the link is made in")
    String bucket;

    @Parameters(index = "1", paramLabel = "NAME", description = "The link's name")
    String name;

    @Parameters(index = "2", paramLabel = "TARGET_BUCKET", description = "The bucket linked to")
    String targetBucket;

    @Parameters(index = "3", arity = "0..1", paramLabel = "TARGET_NAME",
            description = "The object linked to (default: link to the whole bucket)")
    String targetName;

    @Override
    public Integer call() throws Exception {
        try (Connection conn = connect()) {
            ObjectStore store = ObjBuckets.open(conn, globals(), bucket);
            ObjectStore target = bucket.equals(targetBucket) ? store : ObjBuckets.open(conn, globals(), targetBucket);
            ObjectInfo link;
            try {
                if (targetName == null) {
                    link = store.addBucketLink(name, target);
                } else {
                    link = store.addLink(name, ObjBuckets.info(target, targetName));
                }
            } catch (IllegalStateException | IllegalArgumentException e) {
                // jnats refuses links to links, over existing objects, and bad names this way.
                throw new CliException("could not link " + bucket + " > " + name + ": " + e.getMessage(), e);
            }
            ObjectViews.object(out(), link);
        }
        return 0;
    }
}
