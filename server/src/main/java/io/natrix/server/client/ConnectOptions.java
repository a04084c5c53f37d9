package io.natrix.server.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The fields of a client's CONNECT, with nats-server's defaults: verbose, pedantic and echo are on unless the client
 * says otherwise. Unknown fields are ignored, as nats-server does.
 *
 * <p>Mutable for Jackson; a connection reads it only on its own thread after parsing.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class ConnectOptions {
    @JsonProperty("verbose") public boolean verbose = true;
    @JsonProperty("pedantic") public boolean pedantic = true;
    @JsonProperty("tls_required") public boolean tlsRequired;
    @JsonProperty("auth_token") public String authToken;
    @JsonProperty("user") public String user;
    @JsonProperty("pass") public String pass;
    @JsonProperty("name") public String name;
    @JsonProperty("lang") public String lang;
    @JsonProperty("version") public String version;
    @JsonProperty("protocol") public int protocol;
    @JsonProperty("echo") public boolean echo = true;
    @JsonProperty("headers") public boolean headers;
    @JsonProperty("no_responders") public boolean noResponders;
    @JsonProperty("sig") public String sig;
    @JsonProperty("jwt") public String jwt;
    @JsonProperty("nkey") public String nkey;
    /** An account designation (once a sandbox feature of nats-server); it refuses any such CONNECT. */
    @JsonProperty("account") public String account;
    /** Asks for a new account (same history); refused like {@link #account}. */
    @JsonProperty("new_account") public boolean newAccount;

    /** Whether the client names an account or asks for one: nats-server answers "Authorization Violation". */
    public boolean designatesAccount() {
        return newAccount || (account != null && !account.isEmpty());
    }
}
