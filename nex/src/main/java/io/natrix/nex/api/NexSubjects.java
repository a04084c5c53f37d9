package io.natrix.nex.api;

/**
 * The subjects of the Nex control plane and feeds, in one place (Nex v1's layout):
 *
 * <pre>
 * $NEX.SVC.&lt;ns&gt;.control.PING              every node answers (filter by tags in the request)
 * $NEX.SVC.&lt;ns&gt;.control.PING.&lt;node&gt;       one node
 * $NEX.SVC.&lt;ns&gt;.control.INFO.&lt;node&gt;       one node's details and workloads
 * $NEX.SVC.&lt;ns&gt;.control.AUCTION           nodes that can run the workload bid; others stay silent
 * $NEX.SVC.&lt;ns&gt;.control.ADEPLOY.&lt;bidder&gt;   deploy to the node that bid
 * $NEX.SVC.&lt;ns&gt;.control.UNDEPLOY.&lt;wid&gt;    the node running the workload stops it
 * $NEX.SVC.&lt;ns&gt;.control.CLONE.&lt;wid&gt;       the node running the workload gives its definition
 * $NEX.SVC.&lt;ns&gt;.control.WPING             every node lists its workloads
 * $NEX.SVC.&lt;ns&gt;.control.WPING.&lt;wid&gt;       the node running the workload describes it
 * $NEX.SVC.&lt;ns&gt;.control.LAMEDUCK.&lt;node&gt;   the node stops taking work, drains after a delay and exits
 * $NEX.FEED.&lt;ns&gt;.events.&lt;TYPE&gt;           node and workload events (JSON {@link NexEvent})
 * $NEX.FEED.&lt;ns&gt;.logs.&lt;wid&gt;.stdout|stderr  workload output, one raw line per message
 * </pre>
 *
 * A namespace and a node or workload id are single subject tokens (checked by {@link Names}).
 */
public final class NexSubjects {

    /** Every Nex subject starts with this; triggers may not use it. */
    public static final String ROOT = "$NEX";

    /** The micro service name nodes register (as Nex v1's nodes do). */
    public static final String SERVICE_NAME = "nexnode";

    public static final String PING = "PING";
    public static final String INFO = "INFO";
    public static final String AUCTION = "AUCTION";
    public static final String ADEPLOY = "ADEPLOY";
    public static final String UNDEPLOY = "UNDEPLOY";
    public static final String CLONE = "CLONE";
    public static final String WPING = "WPING";
    public static final String LAMEDUCK = "LAMEDUCK";

    private NexSubjects() {
    }

    /** {@code $NEX.SVC.<ns>.control.<op>}. */
    public static String control(String namespace, String op) {
        return "$NEX.SVC." + namespace + ".control." + op;
    }

    /** {@code $NEX.SVC.<ns>.control.<op>.<target>}. */
    public static String control(String namespace, String op, String target) {
        return control(namespace, op) + "." + target;
    }

    /** {@code $NEX.FEED.<ns>.events.<type>}. */
    public static String event(String namespace, String type) {
        return "$NEX.FEED." + namespace + ".events." + type;
    }

    /** All events of a namespace. */
    public static String events(String namespace) {
        return "$NEX.FEED." + namespace + ".events.*";
    }

    /** {@code $NEX.FEED.<ns>.logs.<wid>.<stream>} where stream is stdout or stderr. */
    public static String log(String namespace, String workloadId, String stream) {
        return "$NEX.FEED." + namespace + ".logs." + workloadId + "." + stream;
    }

    /** All logs of one workload, or of every workload when {@code workloadId} is null. */
    public static String logs(String namespace, String workloadId) {
        return "$NEX.FEED." + namespace + ".logs." + (workloadId == null ? "*" : workloadId) + ".*";
    }
}
