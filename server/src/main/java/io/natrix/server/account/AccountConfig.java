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
 */
public record AccountConfig(String name, List<ExportConfig> exports, List<ImportConfig> imports,
                            List<MappingsConfig> mappings) {
    public AccountConfig {
        Objects.requireNonNull(name, "name");
        exports = List.copyOf(exports);
        imports = List.copyOf(imports);
        mappings = List.copyOf(mappings);
    }
}
