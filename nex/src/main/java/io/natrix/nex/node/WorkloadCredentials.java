package io.natrix.nex.node;

import io.nats.client.NKey;
import io.nats.client.support.JwtUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mints NATS credentials for native and jvm workloads (Nex v1's {@code NEX_WORKLOAD_NATS_*}), when the node is
 * given an account and a key that may sign its users (the account key itself or one of its signing keys): a new
 * user nkey per workload and a user JWT naming the workload, with permissions that keep it off the system and
 * Nex control subjects:
 *
 * <pre>
 * publish:   all but $SYS.&gt;, $NEX.SVC.&gt; and $NEX.FEED.&gt;   (no control requests, no forged events or logs)
 * subscribe: all but $SYS.&gt; and $NEX.SVC.&gt;
 * </pre>
 *
 * The variables: {@code NEX_WORKLOAD_NATS_NKEY} (the user's seed), {@code NEX_WORKLOAD_NATS_B64_JWT} (the JWT in
 * base64) and {@code NATS_CREDS} (a creds file in the workload's directory, which natscli and natrix read).
 * Immutable and thread-safe.
 */
final class WorkloadCredentials {

    private final String account;
    private final NKey signer;

    private WorkloadCredentials(String account, NKey signer) {
        this.account = account;
        this.signer = signer;
    }

    /** Checks the pair: {@code account} is a public account key, {@code signingSeed} an account seed. */
    static WorkloadCredentials of(String account, String signingSeed) {
        if (account == null || !NKey.isValidPublicAccountKey(account.toCharArray())) {
            throw new IllegalArgumentException("workload_credentials.account must be a public account key (A...)");
        }
        try {
            NKey signer = NKey.fromSeed(signingSeed.toCharArray());
            if (signer.getType() != NKey.Type.ACCOUNT) {
                throw new IllegalArgumentException("workload_credentials.signing_seed must be an account seed (SA...)");
            }
            return new WorkloadCredentials(account, signer);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("workload_credentials.signing_seed: " + e.getMessage(), e);
        }
    }

    /** A user's seed and JWT. */
    record Minted(String seed, String jwt) {

        /** The creds file text, in the format nsc writes. */
        String credsFile() {
            return "-----BEGIN NATS USER JWT-----\n" + jwt + "\n------END NATS USER JWT------\n\n"
                    + "************************* IMPORTANT *************************\n"
                    + "NKEY Seed printed below can be used to sign and prove identity.\n"
                    + "NKEYs are sensitive and should be treated as secrets.\n\n"
                    + "-----BEGIN USER NKEY SEED-----\n" + seed + "\n------END USER NKEY SEED------\n";
        }

        /** The variables a workload gets (NATS_CREDS is added by the node, which writes the file). */
        Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("NEX_WORKLOAD_NATS_NKEY", seed);
            env.put("NEX_WORKLOAD_NATS_B64_JWT", Base64.getEncoder().encodeToString(jwt.getBytes(StandardCharsets.UTF_8)));
            return env;
        }
    }

    /** New credentials for one workload. */
    Minted mint(String workloadId, String namespace, String name) {
        try {
            NKey user = NKey.createUser(null);
            String signerKey = new String(signer.getPublicKey());
            JwtUtils.UserClaim claim = new JwtUtils.UserClaim(signerKey.equals(account) ? null : account)
                    .tags("nex", "nex-namespace:" + namespace.toLowerCase(java.util.Locale.ROOT))
                    .pub(new JwtUtils.Permission().deny("$SYS.>", "$NEX.SVC.>", "$NEX.FEED.>"))
                    .sub(new JwtUtils.Permission().deny("$SYS.>", "$NEX.SVC.>"));
            String jwt = JwtUtils.issueUserJWT(signer, new String(user.getPublicKey()), "nex-" + name + "-" + workloadId,
                    (Duration) null, JwtUtils.currentTimeSeconds(), claim);
            return new Minted(new String(user.getSeed()), jwt);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not mint workload credentials: " + e.getMessage(), e);
        }
    }
}
