package io.natrix.server.account;

import java.util.List;
import java.util.Objects;

/**
 * What the configuration says about one account's subject space: its exports, imports and subject mappings (users
 * are {@link io.natrix.server.auth.UserConfigs}'). Checked against the other accounts by {@link AccountConfigs}.
 *
 * @param name     the account's name as written in {@code accounts}
 * @param exports  in configuration order, declarations of the same subject and type merged
 * @param imports  in configuration order
 * @param mappings the account's {@code mappings} and {@code maps} blocks, unparsed; usually none or one
 * @param traceDestination its {@code msg_trace} (or {@code trace_dest}): where {@code traceparent} headers send
 *                 message traces; null for nowhere
 */
public record AccountConfig(String name, List<ExportConfig> exports, List<ImportConfig> imports,
                            List<MappingsConfig> mappings, Account.TraceDestination traceDestination) {
    public AccountConfig {
        Objects.requireNonNull(name, "name");
        exports = List.copyOf(exports);
        imports = List.copyOf(imports);
        mappings = List.copyOf(mappings);
    }

    /** An account without message tracing. */
    public AccountConfig(String name, List<ExportConfig> exports, List<ImportConfig> imports,
                         List<MappingsConfig> mappings) {
        this(name, exports, imports, mappings, null);
    }
}
