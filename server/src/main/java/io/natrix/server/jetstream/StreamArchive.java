package io.natrix.server.jetstream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The archive in which a stream snapshot travels ({@code STREAM.SNAPSHOT}) and from which a restore rebuilds the
 * stream ({@code STREAM.RESTORE}). It is Natrix's own (nats-server's snapshots do not restore here, nor ours there),
 * built from standard parts so that an operator can look into a backup with {@code tar -tzvf}:
 * <pre>
 *   gzip(                                   RFC 1952; its trailer's CRC-32 and length cover everything below
 *     ustar header + file bytes (padded to 512)   one per file of the stream directory, path relative to it:
 *     ...                                         meta.json, meta.sum, msgs/1.blk, msgs/1.idx, obs/...
 *     ustar header + MANIFEST                     always the last entry
 *     512 zero bytes, 512 zero bytes              the end of the tar
 *   )
 *
 *   MANIFEST (text, UTF-8):
 *     natrix-stream-snapshot 1
 *     &lt;CRC-32C, 8 hex digits&gt; &lt;size in bytes&gt; &lt;path&gt;     one line per file above, in archive order
 * </pre>
 * Headers are POSIX ustar: regular files only (type {@code '0'}), mode 0600, sizes in octal, paths of at most 255
 * bytes split into the prefix and name fields. Nothing else is written, and nothing else is accepted.
 *
 * <p>{@link Extractor} reads an archive into a fresh directory and refuses, with an {@link ArchiveException} whose
 * message says why: entries that are not regular files (symbolic and hard links, devices, directories, extended
 * headers), paths that are absolute, contain {@code ..}, {@code .}, empty segments, backslashes or NULs, or would
 * otherwise resolve outside the target; duplicate paths; a damaged tar header checksum; a truncated or undecodable
 * stream; a gzip trailer that does not match; a missing MANIFEST, or one that disagrees with the files (a missing or
 * extra file, another size, another CRC-32C); and more data than the caller allows. Files are created with
 * {@code CREATE_NEW} and without following links, only below the target, so a refused archive never writes outside
 * it; cleaning the target up after a refusal is the caller's business.
 *
 * <p>Not thread-safe: one writer or extractor per archive, on one thread.
 */
final class StreamArchive {
    /** The last entry, listing every other one. */
    static final String MANIFEST = "MANIFEST";
    static final String MANIFEST_FIRST_LINE = "natrix-stream-snapshot 1";

    private static final int BLOCK = 512;
    private static final int NAME_LENGTH = 100;
    private static final int PREFIX_LENGTH = 155;
    static final int PATH_BYTES_MAX = 255;
    /** Most files one archive may hold (a stream of 8 MiB blocks holding 1 TiB has ~260,000 files). */
    static final int ENTRIES_MAX = 1_000_000;
    /** The MANIFEST's own size limit (a line is under 300 bytes). */
    private static final long MANIFEST_BYTES_MAX = 300L * ENTRIES_MAX;

    // ustar header field offsets.
    private static final int H_NAME = 0;
    private static final int H_MODE = 100;
    private static final int H_UID = 108;
    private static final int H_GID = 116;
    private static final int H_SIZE = 124;
    private static final int H_MTIME = 136;
    private static final int H_CHKSUM = 148;
    private static final int H_TYPEFLAG = 156;
    private static final int H_MAGIC = 257;
    private static final int H_VERSION = 263;
    private static final int H_PREFIX = 345;

    private StreamArchive() {
    }

    /** A refused or unreadable archive; the message says what is wrong with it. */
    static final class ArchiveException extends IOException {
        private static final long serialVersionUID = 1L;

        ArchiveException(String message) {
            super(message);
        }
    }

    // ---------------------------------------------------------------- writing

    /** Writes an archive to a stream; {@link #finish} writes the MANIFEST and the ends of tar and gzip. */
    static final class Writer {
        private final GZIPOutputStream out;
        private final StringBuilder manifest = new StringBuilder(MANIFEST_FIRST_LINE).append('\n');
        private final byte[] buffer = new byte[64 * 1024];
        private final long mtimeSeconds = System.currentTimeMillis() / 1000;

        Writer(OutputStream target) throws IOException {
            this.out = new GZIPOutputStream(target, 64 * 1024) {
                {
                    // Block files are mostly checksummed binary; speed matters more than the last percent.
                    def.setLevel(Deflater.BEST_SPEED);
                }
            };
        }

        /** Adds the file {@code source} under {@code path} (relative, '/'-separated). */
        void add(String path, Path source) throws IOException {
            checkPath(path);
            long size = Files.size(source);
            out.write(header(path, size, mtimeSeconds));
            CRC32C crc = new CRC32C();
            long copied = 0;
            try (InputStream in = Files.newInputStream(source)) {
                while (copied < size) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, size - copied));
                    if (n < 0) {
                        throw new IOException(source + " shrank while it was archived");
                    }
                    crc.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    copied += n;
                }
            }
            pad(size);
            manifest.append(HexFormat.of().toHexDigits((int) crc.getValue())).append(' ').append(size).append(' ')
                    .append(path).append('\n');
        }

        /** Writes the MANIFEST and the ends of the tar and gzip streams (the target stays open). */
        void finish() throws IOException {
            byte[] m = manifest.toString().getBytes(StandardCharsets.UTF_8);
            out.write(header(MANIFEST, m.length, mtimeSeconds));
            out.write(m);
            pad(m.length);
            out.write(new byte[2 * BLOCK]);
            out.finish();
            out.flush();
        }

        private void pad(long size) throws IOException {
            int rest = (int) (size % BLOCK);
            if (rest != 0) {
                out.write(new byte[BLOCK - rest]);
            }
        }
    }

    private static byte[] header(String path, long size, long mtimeSeconds) {
        byte[] h = new byte[BLOCK];
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length <= NAME_LENGTH) {
            System.arraycopy(p, 0, h, H_NAME, p.length);
        } else {
            // Split at a '/' so that the prefix takes at most 155 bytes and the name at most 100.
            int cut = -1;
            for (int i = p.length - 1; i > 0; i--) {
                if (p[i] == '/' && i <= PREFIX_LENGTH && p.length - i - 1 <= NAME_LENGTH) {
                    cut = i;
                    break;
                }
            }
            if (cut < 0) {
                throw new IllegalArgumentException("path cannot be stored in a ustar header: " + path);
            }
            System.arraycopy(p, 0, h, H_PREFIX, cut);
            System.arraycopy(p, cut + 1, h, H_NAME, p.length - cut - 1);
        }
        octal(h, H_MODE, 8, 0600);
        octal(h, H_UID, 8, 0);
        octal(h, H_GID, 8, 0);
        octal(h, H_SIZE, 12, size);
        octal(h, H_MTIME, 12, mtimeSeconds);
        h[H_TYPEFLAG] = '0';
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, H_MAGIC, 6);
        h[H_VERSION] = '0';
        h[H_VERSION + 1] = '0';
        java.util.Arrays.fill(h, H_CHKSUM, H_CHKSUM + 8, (byte) ' ');
        octal(h, H_CHKSUM, 7, checksum(h));
        return h;
    }

    /** Writes {@code value} as {@code width - 1} octal digits and a NUL. */
    private static void octal(byte[] h, int offset, int width, long value) {
        String digits = Long.toOctalString(value);
        if (digits.length() > width - 1) {
            throw new IllegalArgumentException("value " + value + " does not fit a ustar field of " + width);
        }
        int pad = width - 1 - digits.length();
        for (int i = 0; i < pad; i++) {
            h[offset + i] = '0';
        }
        for (int i = 0; i < digits.length(); i++) {
            h[offset + pad + i] = (byte) digits.charAt(i);
        }
        h[offset + width - 1] = 0;
    }

    /** The tar header checksum: the sum of its bytes as unsigned, with the checksum field taken as spaces. */
    private static long checksum(byte[] h) {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= H_CHKSUM && i < H_CHKSUM + 8) ? ' ' : (h[i] & 0xFF);
        }
        return sum;
    }

    /**
     * Checks that {@code path} is a plain relative path: '/'-separated, at most {@value #PATH_BYTES_MAX} bytes, no
     * empty, {@code .} or {@code ..} segment, no leading '/', no backslash, NUL or other control character.
     */
    static void checkPath(String path) throws ArchiveException {
        if (path.isEmpty()) {
            throw new ArchiveException("archive entry with an empty path");
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > PATH_BYTES_MAX) {
            throw new ArchiveException("archive entry path is too long: " + printable(path));
        }
        if (path.startsWith("/")) {
            throw new ArchiveException("archive entry has an absolute path: " + printable(path));
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' || c < 0x20 || c == 0x7F) {
                throw new ArchiveException("archive entry path has a forbidden character: " + printable(path));
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new ArchiveException("archive entry path escapes or is not plain: " + printable(path));
            }
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 300; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7F ? '?' : c);
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads an archive into a directory (see the class documentation for what it refuses).
     */
    static final class Extractor {
        private final Path root;
        private final long bytesMax;
        private final byte[] buffer = new byte[64 * 1024];
        /** Path to {size, crc} of every file extracted, in archive order. */
        private final Map<String, long[]> extracted = new LinkedHashMap<>();
        private long bytes;

        /**
         * @param root     an existing, empty directory that receives the files
         * @param bytesMax most bytes of files the archive may unpack to (0: no limit)
         */
        Extractor(Path root, long bytesMax) {
            this.root = root.toAbsolutePath().normalize();
            this.bytesMax = bytesMax;
        }

        /** Bytes of files written so far. */
        long bytes() {
            return bytes;
        }

        /** Reads the whole archive from {@code in} (up to the end of its gzip stream) and checks it. */
        void extract(InputStream in) throws IOException {
            InputStream tar;
            try {
                tar = new GZIPInputStream(in, 64 * 1024);
            } catch (java.util.zip.ZipException e) {
                throw new ArchiveException("not a snapshot archive: " + e.getMessage());
            } catch (EOFException e) {
                throw new ArchiveException("archive is empty or truncated");
            }
            try {
                read(tar);
            } catch (java.util.zip.ZipException e) {
                throw new ArchiveException("archive is damaged: " + e.getMessage());
            } catch (EOFException e) {
                throw new ArchiveException("archive is truncated");
            }
        }

        private void read(InputStream tar) throws IOException {
            byte[] h = new byte[BLOCK];
            String manifest = null;
            while (true) {
                readFully(tar, h, BLOCK);
                if (allZero(h)) {
                    readFully(tar, h, BLOCK);
                    if (!allZero(h)) {
                        throw new ArchiveException("archive has a damaged end");
                    }
                    break;
                }
                if (manifest != null) {
                    throw new ArchiveException("archive has entries after its MANIFEST");
                }
                String path = entryPath(h);
                long size = entrySize(h);
                if (path.equals(MANIFEST)) {
                    if (size > MANIFEST_BYTES_MAX) {
                        throw new ArchiveException("archive MANIFEST is too large");
                    }
                    byte[] m = new byte[(int) size];
                    readFully(tar, m, m.length);
                    skipPadding(tar, size);
                    manifest = new String(m, StandardCharsets.UTF_8);
                    continue;
                }
                if (extracted.size() >= ENTRIES_MAX) {
                    throw new ArchiveException("archive has more than " + ENTRIES_MAX + " entries");
                }
                if (extracted.containsKey(path)) {
                    throw new ArchiveException("archive has two entries for " + path);
                }
                bytes += size;
                if (bytesMax > 0 && bytes > bytesMax) {
                    throw new ArchiveException("archive unpacks to more than the " + bytesMax
                            + " bytes the account may store");
                }
                long crc = write(tar, path, size);
                skipPadding(tar, size);
                extracted.put(path, new long[] {size, crc});
            }
            // Whatever follows the tar's end inside the gzip stream is tar padding; it must be zeros.
            int n;
            while ((n = tar.read(buffer)) > 0) {
                if (!allZero(buffer, n)) {
                    throw new ArchiveException("archive has data after its end");
                }
            }
            if (manifest == null) {
                throw new ArchiveException("archive has no MANIFEST");
            }
            checkManifest(manifest);
        }

        /** Writes one entry's bytes to its file; returns their CRC-32C. */
        private long write(InputStream tar, String path, long size) throws IOException {
            Path file = root.resolve(path).normalize();
            if (!file.startsWith(root) || file.equals(root)) {
                throw new ArchiveException("archive entry escapes the stream directory: " + printable(path));
            }
            createParents(file.getParent());
            CRC32C crc = new CRC32C();
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                long left = size;
                while (left > 0) {
                    int n = tar.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        throw new ArchiveException("archive is truncated in " + printable(path));
                    }
                    crc.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    left -= n;
                }
            } catch (java.nio.file.FileAlreadyExistsException e) {
                throw new ArchiveException("archive entry collides with another: " + printable(path));
            }
            return crc.getValue();
        }

        /** Creates the directories between the root and {@code dir}, refusing anything there that is not one. */
        private void createParents(Path dir) throws IOException {
            if (dir.equals(root)) {
                return;
            }
            createParents(dir.getParent());
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new ArchiveException("archive entry collides with a file: " + root.relativize(dir));
            }
            Files.createDirectory(dir);
        }

        private void checkManifest(String manifest) throws ArchiveException {
            String[] lines = manifest.split("\n", -1);
            if (lines.length < 2 || !lines[0].equals(MANIFEST_FIRST_LINE) || !lines[lines.length - 1].isEmpty()) {
                throw new ArchiveException("archive MANIFEST is not of a version this server reads");
            }
            if (lines.length - 2 != extracted.size()) {
                throw new ArchiveException("archive MANIFEST lists " + (lines.length - 2) + " files but the archive"
                        + " holds " + extracted.size());
            }
            for (int i = 1; i < lines.length - 1; i++) {
                String[] f = lines[i].split(" ", 3);
                if (f.length != 3) {
                    throw new ArchiveException("archive MANIFEST line " + (i + 1) + " is damaged");
                }
                long[] got = extracted.get(f[2]);
                if (got == null) {
                    throw new ArchiveException("archive MANIFEST lists a file the archive lacks: " + printable(f[2]));
                }
                long size;
                long crc;
                try {
                    size = Long.parseLong(f[1]);
                    crc = Long.parseLong(f[0], 16);
                } catch (NumberFormatException e) {
                    throw new ArchiveException("archive MANIFEST line " + (i + 1) + " is damaged");
                }
                if (size != got[0]) {
                    throw new ArchiveException("archive file " + f[2] + " has " + got[0] + " bytes, its MANIFEST says "
                            + size);
                }
                if (crc != got[1]) {
                    throw new ArchiveException("archive file " + f[2] + " fails its checksum");
                }
            }
        }
    }

    private static String entryPath(byte[] h) throws ArchiveException {
        long stored = parseOctal(h, H_CHKSUM, 8, "checksum");
        if (stored != checksum(h)) {
            throw new ArchiveException("archive entry header fails its checksum");
        }
        byte type = h[H_TYPEFLAG];
        String name = cString(h, H_NAME, NAME_LENGTH);
        boolean ustar = h[H_MAGIC] == 'u' && h[H_MAGIC + 1] == 's' && h[H_MAGIC + 2] == 't' && h[H_MAGIC + 3] == 'a'
                && h[H_MAGIC + 4] == 'r';
        String prefix = ustar ? cString(h, H_PREFIX, PREFIX_LENGTH) : "";
        String path = prefix.isEmpty() ? name : prefix + "/" + name;
        if (type != '0' && type != 0) {
            throw new ArchiveException("archive entry " + printable(path) + " is " + typeName(type)
                    + ", only regular files are accepted");
        }
        checkPath(path);
        return path;
    }

    private static String typeName(byte type) {
        return switch (type) {
            case '1' -> "a hard link";
            case '2' -> "a symbolic link";
            case '3', '4' -> "a device";
            case '5' -> "a directory";
            case '6' -> "a FIFO";
            case 'x', 'g' -> "an extended header";
            default -> "of type '" + (char) (type & 0x7F) + "'";
        };
    }

    private static long entrySize(byte[] h) throws ArchiveException {
        return parseOctal(h, H_SIZE, 12, "size");
    }

    private static long parseOctal(byte[] h, int offset, int width, String what) throws ArchiveException {
        long v = 0;
        int i = offset;
        int end = offset + width;
        while (i < end && h[i] == ' ') {
            i++;
        }
        int digits = 0;
        for (; i < end && h[i] >= '0' && h[i] <= '7'; i++) {
            v = (v << 3) | (h[i] - '0');
            digits++;
        }
        for (; i < end; i++) {
            if (h[i] != 0 && h[i] != ' ') {
                throw new ArchiveException("archive entry header has a damaged " + what + " field");
            }
        }
        if (digits == 0 || digits > 11) {
            throw new ArchiveException("archive entry header has a damaged " + what + " field");
        }
        return v;
    }

    private static String cString(byte[] h, int offset, int length) {
        int n = 0;
        while (n < length && h[offset + n] != 0) {
            n++;
        }
        return new String(h, offset, n, StandardCharsets.UTF_8);
    }

    private static boolean allZero(byte[] b) {
        return allZero(b, b.length);
    }

    private static boolean allZero(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static void readFully(InputStream in, byte[] b, int n) throws IOException {
        int off = 0;
        while (off < n) {
            int r = in.read(b, off, n - off);
            if (r < 0) {
                throw new ArchiveException("archive is truncated");
            }
            off += r;
        }
    }

    private static void skipPadding(InputStream in, long size) throws IOException {
        int rest = (int) (size % BLOCK);
        if (rest != 0) {
            byte[] pad = new byte[BLOCK - rest];
            readFully(in, pad, pad.length);
        }
    }
}
