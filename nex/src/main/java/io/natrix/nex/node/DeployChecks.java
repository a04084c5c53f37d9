package io.natrix.nex.node;

import io.natrix.nex.api.Names;
import io.natrix.nex.api.StartWorkloadRequest;
import io.natrix.nex.api.WorkloadTypes;
import io.natrix.nex.workload.TriggerPolicy;
import io.natrix.nex.workload.WorkloadException;
import java.util.List;

/**
 * What a node checks in a deploy request before it fetches anything: the name, the type (allowed on this node),
 * the lifecycle (supported by the type; the type's first by default), and the triggers (functions need one, and
 * each must pass the {@link TriggerPolicy}; other lifecycles take none). Immutable and thread-safe.
 */
final class DeployChecks {

    private final NodeConfig config;
    private final String nodeId;
    private final TriggerPolicy triggerPolicy;

    DeployChecks(NodeConfig config, String nodeId) {
        this.config = config;
        this.nodeId = nodeId;
        this.triggerPolicy = new TriggerPolicy(config.denyTriggerSubjects());
    }

    /** Fills in defaults and refuses what this node will not run. */
    StartWorkloadRequest check(StartWorkloadRequest r) throws WorkloadException {
        try {
            Names.require(r.name(), "workload name");
        } catch (IllegalArgumentException e) {
            throw new WorkloadException(e.getMessage());
        }
        String type = WorkloadTypes.canonical(r.workloadType());
        if (type == null || type.isEmpty()) {
            throw new WorkloadException("workload type is required (" + String.join(", ", WorkloadTypes.ALL) + ")");
        }
        if (!config.workloadTypes().contains(type)) {
            throw new WorkloadException("workload type \"" + type + "\" is not allowed on node " + nodeId
                    + " (it runs " + String.join(", ", config.workloadTypes()) + ")");
        }
        List<String> lifecycles = WorkloadTypes.lifecycles(type);
        String lifecycle = r.workloadLifecycle() == null || r.workloadLifecycle().isEmpty()
                ? lifecycles.get(0) : r.workloadLifecycle();
        if (!lifecycles.contains(lifecycle)) {
            throw new WorkloadException("a " + type + " workload cannot have lifecycle \"" + lifecycle + "\" (it can be "
                    + String.join(" or ", lifecycles) + ")");
        }
        if (WorkloadTypes.FUNCTION.equals(lifecycle)) {
            if (r.triggerSubjects().isEmpty()) {
                throw new WorkloadException("a function needs at least one trigger subject");
            }
            triggerPolicy.check(r.triggerSubjects());
        } else if (!r.triggerSubjects().isEmpty()) {
            throw new WorkloadException("only functions take trigger subjects, not a " + lifecycle);
        }
        if (r.restartLimit() != null && r.restartLimit() < 0) {
            throw new WorkloadException("restart limit must not be negative");
        }
        return new StartWorkloadRequest(r.name(), r.namespace(), r.description(), type, lifecycle, r.uri(), r.sha256(),
                r.argv(), r.env(), r.triggerSubjects(), r.tags(), r.restartLimit());
    }
}
