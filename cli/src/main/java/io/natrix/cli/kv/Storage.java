package io.natrix.cli.kv;

import io.natrix.cli.CliException;
import io.nats.client.api.StorageType;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the bucket commands share about a bucket's stream: the {@code --storage} flag, the storage name their
 * reports show, and the metadata they list (without the server's own entries).
 */
public final class Storage {

    private Storage() {
    }

    /** {@code file}/{@code f} (the default, when absent) or {@code memory}/{@code m}, as natscli takes them. */
    public static StorageType parse(String storage) {
        if (storage == null) {
            return StorageType.File;
        }
        return switch (storage) {
            case "file", "f" -> StorageType.File;
            case "memory", "m" -> StorageType.Memory;
            default -> throw new CliException("invalid --storage \"" + storage + "\": must be file or memory");
        };
    }

    /** {@code File} or {@code Memory}, as natscli prints a storage type. */
    public static String name(StorageType type) {
        if (type == null) {
            return "";
        }
        String s = type.toString().toLowerCase(Locale.ROOT);
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** Metadata without the server's own {@code _nats.*} entries, sorted by key. */
    public static Map<String, String> userMetadata(Map<String, String> metadata) {
        Map<String, String> user = new TreeMap<>();
        if (metadata != null) {
            metadata.forEach((k, v) -> {
                if (!k.startsWith("_nats.")) {
                    user.put(k, v);
                }
            });
        }
        return user;
    }
}
