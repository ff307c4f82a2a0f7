package io.github.tribuoswa.util;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file so that it is either complete or absent: the content goes to a temporary file
 * in the same directory, which then replaces the target by a rename. A process killed at any
 * moment leaves the previous file (or none), never a partial one.
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
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
