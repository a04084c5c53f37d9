package io.natrix.server.client;

/**
 * The fields of a client's CONNECT, with nats-server's defaults: verbose, pedantic and echo are on unless the client
 * says otherwise. {@link ConnectJson} fills them in as nats-server's JSON decoding does.
 *
 * <p>Mutable while it is decoded; a connection reads it only on its own thread after parsing, and other threads
 * (monitoring, auth callout) read a published instance that no one changes any more.
 */
public final class ConnectOptions {
    /** The protocol versions nats-server accepts: 0 (original) and 1 (asynchronous INFO). */
    static final int PROTOCOL_MAX = 1;

    public boolean verbose = true;
    public boolean pedantic = true;
    public boolean tlsRequired;
    public String authToken;
    public String user;
    public String pass;
    public String name;
    public String lang;
    public String version;
    /**
     * The protocol version; nats-server takes any 64-bit integer here and refuses all but 0 and 1 after
     * authentication, so a value beyond an int is kept as the nearest int, which it refuses the same way.
     */
    public int protocol;
    public boolean echo = true;
    public boolean headers;
    public boolean noResponders;
    public String sig;
    public String jwt;
    public String nkey;
    /** An account designation (once a sandbox feature of nats-server); it refuses any such CONNECT. */
    public String account;
    /** Asks for a new account (same history); refused like {@link #account}. */
    public boolean newAccount;

    /** Whether the client names an account or asks for one: nats-server answers "Authorization Violation". */
    public boolean designatesAccount() {
        return newAccount || (account != null && !account.isEmpty());
    }

    /** Whether nats-server accepts the protocol version: answered with "invalid client protocol" if not. */
    boolean protocolSupported() {
        return protocol >= 0 && protocol <= PROTOCOL_MAX;
    }

    /** A copy to decode a later CONNECT into: nats-server keeps the fields that CONNECT leaves out. */
    ConnectOptions copy() {
        ConnectOptions c = new ConnectOptions();
        c.verbose = verbose;
        c.pedantic = pedantic;
        c.tlsRequired = tlsRequired;
        c.authToken = authToken;
        c.user = user;
        c.pass = pass;
        c.name = name;
        c.lang = lang;
        c.version = version;
        c.protocol = protocol;
        c.echo = echo;
        c.headers = headers;
        c.noResponders = noResponders;
        c.sig = sig;
        c.jwt = jwt;
        c.nkey = nkey;
        c.account = account;
        c.newAccount = newAccount;
        return c;
    }
}
