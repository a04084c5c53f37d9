package io.natrix.nex.api;

import java.util.List;
import java.util.Map;

/**
 * A node's bid in an auction. The bidder id is what {@code ADEPLOY.<bidder>} addresses; Natrix's nodes bid with
 * their node id.
 */
public record AuctionBid(String bidderId, String nodeId, String nodeName, String nexus, Map<String, String> tags,
                         List<String> supportedLifecycles, int workloadCount) {
}
