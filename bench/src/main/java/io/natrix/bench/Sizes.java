package io.natrix.bench;

/** Formats payload sizes the way the table shows them: 16 B, 128 B, 1 KB, 64 KB. */
final class Sizes {
    private Sizes() {
    }

    static String label(int bytes) {
        if (bytes >= 1024 && bytes % 1024 == 0) {
            return bytes / 1024 + " KB";
        }
        return bytes + " B";
    }
}
