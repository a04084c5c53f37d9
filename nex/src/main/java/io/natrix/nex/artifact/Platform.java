package io.natrix.nex.artifact;

import java.util.Locale;

/**
 * This machine's operating system and CPU in Go's spelling ({@code linux}, {@code darwin}, {@code windows};
 * {@code amd64}, {@code arm64}), which Nex uses in node tags and OCI layer annotations.
 */
public final class Platform {

    private Platform() {
    }

    /** The OS as Go's GOOS names it. */
    public static String os() {
        String name = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (name.startsWith("mac") || name.startsWith("darwin")) {
            return "darwin";
        }
        if (name.startsWith("windows")) {
            return "windows";
        }
        return name.replace(' ', '_');
    }

    /** The CPU as Go's GOARCH names it. */
    public static String arch() {
        String a = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (a) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> a;
        };
    }
}
