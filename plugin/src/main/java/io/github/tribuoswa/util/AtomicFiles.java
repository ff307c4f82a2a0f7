package io.github.tribuoswa.util;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;

/**
 * Writes a file so that it is either complete or absent: the content goes to a temporary file
 * in the same directory ({@code <name><digits>.tmp}), which is forced to the disk and then
 * replaces the target by a rename, and the directory is forced too. A process killed at any
 * moment, or a machine that loses power, leaves the previous file (or none) or the new one,
 * never a partial one. A temporary file left by a killed writer is removed by
 * {@link #removeStale}.
 */
public final class AtomicFiles {

    /**
     * Writes content to a path.
     */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the whole content.
         * @param path The (temporary) file to write.
         * @throws IOException if writing fails.
         */
        void write(Path path) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * Writes a file atomically.
     * @param target The file.
     * @param writer Writes the content to the temporary file it is given.
     * @throws IOException if writing or renaming fails (the target is then unchanged).
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        try {
            writer.write(tmp);
            force(tmp, false);
            try {
                // temporary files are created rw-------; give the result ordinary permissions
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep its defaults
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            force(dir, true);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void force(Path path, boolean directory) throws IOException {
        try (FileChannel channel = FileChannel.open(path, directory ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            channel.force(true);
        } catch (IOException e) {
            if (!directory) {
                throw e;
            }
            // some file systems (and Windows) cannot open or force a directory; the rename itself is done
        }
    }

    /**
     * Removes the temporary files that writes of this target left behind when their process was
     * killed ({@code <name><digits>.tmp} next to it). Call it when nothing else writes the target,
     * e.g. when a run starts or resumes.
     * @param target The file.
     * @return The number of files removed.
     * @throws IOException if the directory cannot be listed or a file not removed.
     */
    public static int removeStale(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        String name = target.getFileName().toString();
        Pattern stale = Pattern.compile(Pattern.quote(name) + "-?[0-9]+\\.tmp");
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (stale.matcher(f.getFileName().toString()).matches() && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(f);
                    removed++;
                }
            }
        }
        return removed;
    }
}
