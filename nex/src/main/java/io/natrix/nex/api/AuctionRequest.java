package io.natrix.nex.api;

import java.util.Map;

/**
 * {@code AUCTION}'s request: nodes that run {@code agentType} workloads with {@code lifecycle}, and whose tags
 * hold every tag asked for, bid.
 */
public record AuctionRequest(String auctionId, String agentType, String lifecycle, Map<String, String> tags) {

    public AuctionRequest {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
