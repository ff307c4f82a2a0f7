package io.github.tribuoswa.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AtomicFiles: a failed write leaves the old file and no temporary; stale temporaries of a
 * target, and only those, are removed.
 */
public class AtomicFilesTest {

    private static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    public void aFailedWriteKeepsTheOldFileAndLeavesNoTemporary(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("run-0.checkpoint");
        AtomicFiles.write(target, tmp -> Files.write(tmp, new byte[]{1, 2, 3}));
        assertThrows(IOException.class, () -> AtomicFiles.write(target, tmp -> {
            Files.write(tmp, new byte[]{9, 9});
            throw new IOException("disk full");
        }));
        assertArrayEquals(new byte[]{1, 2, 3}, Files.readAllBytes(target));
        assertEquals(List.of("run-0.checkpoint"), names(dir));
        AtomicFiles.write(target, tmp -> Files.write(tmp, new byte[]{4}));
        assertArrayEquals(new byte[]{4}, Files.readAllBytes(target));
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    @Test
    public void removesTheStaleTemporariesOfItsTargetOnly(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("run-0.checkpoint");
        Files.write(target, new byte[]{7});
        for (String n : List.of("run-0.checkpoint123456789.tmp", "run-0.checkpoint42.tmp", "run-1.checkpoint42.tmp", "run-0.checkpointX.tmp",
                "notes.tmp", "run-0.checkpoint42.tmp.keep")) {
            Files.write(dir.resolve(n), new byte[]{0});
        }
        assertEquals(2, AtomicFiles.removeStale(target));
        assertEquals(List.of("notes.tmp", "run-0.checkpoint", "run-0.checkpoint42.tmp.keep", "run-0.checkpointX.tmp", "run-1.checkpoint42.tmp"),
                names(dir));
        assertEquals(0, AtomicFiles.removeStale(dir.resolve("missing/run-0.checkpoint")), "no directory: nothing to remove");
        // what a killed writer leaves is exactly what removeStale matches
        Path made = Files.createTempFile(dir, "run-0.checkpoint", ".tmp");
        assertTrue(Files.exists(made));
        assertEquals(1, AtomicFiles.removeStale(target));
        assertFalse(Files.exists(made));
    }
}
