package io.natrix.nex.api;

import com.fasterxml.jackson.annotation.JsonAlias;
import java.util.List;
import java.util.Map;

/**
 * What {@code ADEPLOY} carries: the workload's definition. Nex v1 nests the runtime-specific part in a
 * {@code run_request} string checked against the nexlet's schema; Natrix's runtimes share one shape, so it is
 * flat here. Nex v0's names {@code type}, {@code location} and {@code environment} are accepted as aliases (its
 * autostart entries use them).
 *
 * @param name               the workload's name ({@link Names}); names its host-service buckets
 * @param namespace          the tenancy label; defaults to the namespace of the control subject
 * @param description        free text
 * @param workloadType       {@code native} or {@code javascript}
 * @param workloadLifecycle  {@code service}, {@code job} or {@code function}
 * @param uri                where the artifact is: {@code file:///path} or {@code nats://BUCKET/key}
 * @param sha256             the artifact's SHA-256 in hex; the node refuses an artifact that differs
 * @param argv               arguments for a native workload
 * @param env                environment variables for a native workload
 * @param triggerSubjects    subjects whose messages run a function (required for functions)
 * @param tags               labels shown in listings
 * @param restartLimit       how often a failed service is restarted (null: the node's default)
 */
public record StartWorkloadRequest(
        String name,
        String namespace,
        String description,
        @JsonAlias("type") String workloadType,
        String workloadLifecycle,
        @JsonAlias("location") String uri,
        String sha256,
        List<String> argv,
        @JsonAlias("environment") Map<String, String> env,
        List<String> triggerSubjects,
        Map<String, String> tags,
        Integer restartLimit) {

    public StartWorkloadRequest {
        argv = argv == null ? List.of() : List.copyOf(argv);
        env = env == null ? Map.of() : Map.copyOf(env);
        triggerSubjects = triggerSubjects == null ? List.of() : List.copyOf(triggerSubjects);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** The same request in another namespace. */
    public StartWorkloadRequest withNamespace(String ns) {
        return new StartWorkloadRequest(name, ns, description, workloadType, workloadLifecycle, uri, sha256, argv, env,
                triggerSubjects, tags, restartLimit);
    }
}
