package io.github.tribuoswa.reproduction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The checkpoint directories the long harnesses keep per run in their work directory, so that
 * a killed harness resumes its current run; removed once the run's rows are written.
 */
final class RunDirectories {

    private RunDirectories() {}

    /**
     * Removes a run's directory and everything in it, if it exists.
     * @param dir The directory.
     * @throws IOException if a file cannot be removed.
     */
    static void remove(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
