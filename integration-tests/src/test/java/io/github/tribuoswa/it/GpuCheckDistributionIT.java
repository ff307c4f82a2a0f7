package io.github.tribuoswa.it;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The self-contained GPU check, unpacked from the zip the build makes and run with no Maven and
 * no class path but its own lib/: on this project's machines (no GPU) it says so and exits 0.
 */
public class GpuCheckDistributionIT {

    private static Path zip() throws IOException {
        try (DirectoryStream<Path> found = Files.newDirectoryStream(Path.of("reproduction", "target"), "*-gpu-check.zip")) {
            for (Path p : found) {
                return p;
            }
        }
        throw new IllegalStateException("no reproduction/target/*-gpu-check.zip: run the build's package phase first");
    }

    private static void unzip(Path zip, Path into) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Path target = into.resolve(e.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("zip entry outside the target: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy((InputStream) in, target);
                }
            }
        }
    }

    @Test
    public void withoutAGpuItSaysSoAndExitsZero(@TempDir Path tmp) throws Exception {
        Assumptions.assumeFalse(new File("/dev/nvidia0").exists(), "this machine has an NVIDIA GPU");
        unzip(zip(), tmp);
        Path home = tmp.resolve("tribuo-swa-gpu-check");
        List<String> jars = new ArrayList<>();
        try (DirectoryStream<Path> lib = Files.newDirectoryStream(home.resolve("lib"))) {
            lib.forEach(p -> jars.add(p.getFileName().toString()));
        }
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("tribuo-swa-") && j.endsWith(".jar")), jars.toString());
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("pytorch-native-cpu-")), jars.toString());
        assertTrue(Files.exists(home.resolve("python/bench_pytorch.py")));
        assertTrue(Files.exists(home.resolve("data/fashion-mnist-subset/train-images-idx3-ubyte.gz")));

        ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("bin/gpu-check.sh").toString(), "--throughput-runs", "0");
        Map<String, String> env = pb.environment();
        env.remove("CLASSPATH");
        env.remove("PYTORCH_LIBRARY_PATH");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        pb.redirectErrorStream(true);
        Path log = tmp.resolve("gpu-check.log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "gpu-check timed out");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("PyTorch sees no CUDA GPU here") && out.contains("Nothing to check on this machine"), out);
        assertTrue(out.contains("PYTORCH_LIBRARY_PATH") && out.contains("Java 17"), "it says what it needs: " + out);
    }
}
