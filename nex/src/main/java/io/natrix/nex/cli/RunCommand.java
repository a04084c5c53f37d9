package io.natrix.nex.cli;

import io.natrix.cli.CliException;
import io.natrix.nex.api.WireJson;
import io.natrix.nex.api.Names;
import io.natrix.nex.api.StartWorkloadRequest;
import io.natrix.nex.api.StartWorkloadResponse;
import io.natrix.nex.api.WorkloadTypes;
import io.natrix.nex.artifact.Artifacts;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectMeta;
import io.nats.client.api.ObjectStoreConfiguration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code natrix nex run}: deploys a workload ({@link DevrunCommand} is v0's spelling, which also replaces
 * workloads of the same name). A local file is uploaded to
 * the object store ({@code NEXCLIFILES}, key = the workload's name) and deployed as {@code nats://NEXCLIFILES/name}
 * with its SHA-256; {@code nats://} and {@code file://} URIs are passed to the node as they are. Unless
 * {@code --node-id} names the node, an auction picks one at random among the bidders (nodes of the type, with
 * the tags asked for). The type follows the file's extension ({@code .js}: javascript) unless {@code --type} says.
 */
@Command(name = "run", description = "Deploy a workload (uploading a local file first)")
class RunCommand extends NexClientCommand {

    /** Where uploaded artifacts go, as Nex v0's devrun put them. */
    static final String UPLOAD_BUCKET = "NEXCLIFILES";

    @Parameters(index = "0", paramLabel = "ARTIFACT", description = "A local file, file:///path on the node, nats://BUCKET/key or oci://host/repository[:tag]")
    String artifact;

    @Parameters(index = "1..*", paramLabel = "K=V", description = "Environment variables for the workload")
    List<String> env = new ArrayList<>();

    @Option(names = {"--trigger-subject", "--trigger_subject", "--triggers"}, paramLabel = "SUBJECT",
            description = "Subject that runs the function (repeatable)")
    List<String> triggers = new ArrayList<>();

    @Option(names = {"--type", "--runtype"}, paramLabel = "TYPE",
            description = "native, javascript, jvm or wasm (default by extension: .js, .jar, .wasm; else native)")
    String type;

    @Option(names = "--lifecycle", paramLabel = "LIFECYCLE",
            description = "service or job (native, jvm), function (javascript, wasm); default service or function")
    String lifecycle;

    @Option(names = "--name", paramLabel = "NAME", description = "Workload name (default: the file name without extension)")
    String name;

    @Option(names = "--description", paramLabel = "TEXT", description = "Workload description")
    String description;

    @Option(names = "--argv", paramLabel = "ARG", description = "Argument for a native workload (repeatable)")
    List<String> argv = new ArrayList<>();

    @Option(names = {"--tags", "--node-tags"}, paramLabel = "K=V",
            description = "Only nodes with this tag may bid (repeatable)")
    List<String> tags = new ArrayList<>();

    @Option(names = "--node-id", paramLabel = "NODE_ID", description = "Deploy to this node without an auction")
    String nodeId;

    @Option(names = "--sha256", paramLabel = "HEX", description = "Expected SHA-256 of a nats:// or file:// artifact")
    String sha256;

    @Option(names = "--restart-limit", paramLabel = "N", description = "Restarts of a failing service (default: the node's)")
    Integer restartLimit;

    @Option(names = "--bucket", paramLabel = "BUCKET", defaultValue = UPLOAD_BUCKET,
            description = "Object store for uploaded files (default ${DEFAULT-VALUE})")
    String bucket;

    @Option(names = "--target-namespace", paramLabel = "NS",
            description = "Deploy into this namespace (from the system namespace; default: the namespace itself)")
    String targetNamespace;

    @Option(names = "--json", description = "Print the deploy answer as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        boolean remote = artifact.startsWith("nats://") || artifact.startsWith("file://") || artifact.startsWith("oci://");
        String fileName = remote ? artifact.substring(artifact.lastIndexOf('/') + 1) : Path.of(artifact).getFileName().toString();
        if (artifact.startsWith("oci://")) {
            fileName = fileName.replaceFirst("[:@].*$", ""); // repository name without its tag or digest
        }
        String workloadName = name != null ? name : stripExtension(fileName);
        try {
            Names.require(workloadName, "workload name");
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage() + " (choose one with --name)");
        }
        String workloadType = type != null ? WorkloadTypes.canonical(type) : typeOf(fileName);
        if (!WorkloadTypes.ALL.contains(workloadType)) {
            throw new CliException("unknown workload type \"" + type + "\": use " + String.join(", ", WorkloadTypes.ALL));
        }
        if (lifecycle != null && !WorkloadTypes.lifecycles(workloadType).contains(lifecycle)) {
            throw new CliException("a " + workloadType + " workload cannot have lifecycle \"" + lifecycle
                    + "\" (it can be " + String.join(" or ", WorkloadTypes.lifecycles(workloadType)) + ")");
        }
        Map<String, String> variables = KeyValues.parse(env, "environment variable");
        Map<String, String> wantedTags = KeyValues.parse(tags, "tag");
        Path local = remote ? null : Path.of(artifact);
        if (local != null && !Files.isRegularFile(local)) {
            throw new CliException("artifact " + artifact + " not found");
        }
        try (Connection nc = connect()) {
            NexClient client = client(nc);
            String uri = remote ? artifact : "nats://" + bucket + "/" + workloadName;
            String hash = sha256;
            if (local != null) {
                hash = upload(nc, local, workloadName);
            }
            String workloadNamespace = targetNamespace != null ? targetNamespace : client.namespace();
            StartWorkloadRequest request = new StartWorkloadRequest(workloadName, workloadNamespace, description,
                    workloadType, lifecycle, uri, hash, argv, variables, triggers, wantedTags, restartLimit);
            List<String> previous = replacesSameName() ? client.workloads().stream()
                    .filter(w -> w.name().equals(workloadName)).map(w -> w.id()).toList() : List.of();
            StartWorkloadResponse started = nodeId != null ? client.deploy(nodeId, request)
                    : client.deployByAuction(request, wantedTags);
            if (json) {
                out().println(WireJson.pretty(started));
            } else {
                out().println("Workload " + started.name() + " (" + started.id() + ") deployed to node "
                        + started.nodeId());
            }
            for (String old : previous) {
                client.stop(old);
                if (!json) {
                    out().println("Workload " + old + " (the previous " + workloadName + ") stopped");
                }
            }
        }
        return 0;
    }

    private String upload(Connection nc, Path file, String key) throws IOException, JetStreamApiException {
        try {
            if (!nc.objectStoreManagement().getBucketNames().contains(bucket)) {
                try {
                    nc.objectStoreManagement().create(ObjectStoreConfiguration.builder(bucket).build());
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != 10058) { // created meanwhile by another upload
                        throw e;
                    }
                }
            }
            ObjectStore store = nc.objectStore(bucket);
            try (InputStream in = Files.newInputStream(file)) {
                store.put(ObjectMeta.objectName(key), in);
            }
            return Artifacts.sha256Of(file);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether workloads of the same name are stopped once the new one runs (v0's devrun does this). */
    protected boolean replacesSameName() {
        return false;
    }

    /** The type a file's extension suggests: {@code .js} javascript, {@code .wasm} wasm, {@code .jar} jvm, else native. */
    private static String typeOf(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        return lower.endsWith(".js") ? WorkloadTypes.JAVASCRIPT
                : lower.endsWith(".wasm") ? WorkloadTypes.WASM
                : lower.endsWith(".jar") ? WorkloadTypes.JVM : WorkloadTypes.NATIVE;
    }

    private static String stripExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
