package io.github.tribuoswa.it;

import io.github.tribuoswa.protos.CheckpointProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A training run killed with SIGKILL (kill -9) in a child JVM and started again with the same
 * configuration resumes from its checkpoint and ends with the same final weights, bit for bit,
 * as an uninterrupted run.
 */
public class KillAndResumeIT {

    private static Process start(Path dir, Path out, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                ResumeChild.class.getName(), dir.toString(), out.toString()));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return pb.start();
    }

    private static void finish(Process p, Path log) throws Exception {
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "child timed out");
        assertEquals(0, p.exitValue(), "child failed: " + Files.readString(log));
    }

    /** Runs the child uninterrupted to {@code whole}, then starts the run that will be killed. */
    private static Process uninterruptedThenVictim(Path tmp, Path log, Path whole, Path dir, Path resumed) throws Exception {
        finish(start(tmp.resolve("ckpt-whole"), whole, log), log);
        return start(dir, resumed, log);
    }

    /** The steps done by the checkpoint on disk, or -1 while there is none (or it is being replaced). */
    private static long stepsDone(Path checkpoint) throws Exception {
        try {
            return Files.exists(checkpoint) ? CheckpointProto.parseFrom(Files.readAllBytes(checkpoint)).getStepsDone() : -1;
        } catch (java.nio.file.NoSuchFileException e) {
            return -1; // replaced between the two calls
        }
    }

    /**
     * The same, with the kill timed by watching the checkpoint directory: SIGKILL as soon as a
     * checkpoint's temporary file is seen in the SWA phase, that is while a checkpoint is being
     * written. The resumed run removes the stale temporary file and ends bit-identical.
     */
    @Test
    public void killedDuringACheckpointWriteResumesToIdenticalWeights(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("children.log");
        Path whole = tmp.resolve("uninterrupted.bin");
        Path dir = tmp.resolve("ckpt-killed");
        Path resumed = tmp.resolve("resumed.bin");
        Path checkpoint = dir.resolve("run-0.checkpoint");
        Process victim = uninterruptedThenVictim(tmp, log, whole, dir, resumed);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        boolean inPhase = false;
        boolean sawTemporary = false;
        while (System.nanoTime() < deadline && victim.isAlive() && !sawTemporary) {
            if (!inPhase) {
                inPhase = stepsDone(checkpoint) > 6 * 94;
            }
            if (inPhase) {
                try (var files = Files.list(dir)) {
                    sawTemporary = files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp"));
                }
            }
        }
        assertTrue(sawTemporary && victim.isAlive(), "no checkpoint write was seen in the SWA phase before the run ended");
        victim.destroyForcibly(); // SIGKILL, while the temporary file exists
        victim.waitFor();
        long stale;
        try (var files = Files.list(dir)) {
            stale = files.filter(f -> f.toString().endsWith(".tmp")).count();
        }
        CheckpointProto survivor = CheckpointProto.parseFrom(Files.readAllBytes(checkpoint)); // whole: it parses and resumes
        assertTrue(survivor.getStepsDone() > 6 * 94 && survivor.getStepsDone() < 1128, "killed in the SWA phase");
        finish(start(dir, resumed, log), log);
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(resumed), "final weights differ after a kill during a checkpoint write");
        try (var files = Files.list(dir)) {
            assertEquals(0, files.filter(f -> f.toString().endsWith(".tmp")).count(), "the resumed run removed the stale temporary file");
        }
        System.out.println("RELIABILITY checkpoint-write-kill kills=1 stale_temporaries_left_by_the_kill=" + stale
                + " removed_on_resume=" + stale + " resumed_bit_identical=1");
    }

    @Test
    public void killedRunResumesToIdenticalWeights(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("children.log");
        Path whole = tmp.resolve("uninterrupted.bin");
        Path dir = tmp.resolve("ckpt-killed");
        Path resumed = tmp.resolve("resumed.bin");
        Path checkpoint = dir.resolve("run-0.checkpoint");
        Process victim = uninterruptedThenVictim(tmp, log, whole, dir, resumed);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        // wait until the run is in its SWA phase (steps 565 to 1128: averages every 47 steps),
        // then kill -9 at a moment unrelated to the checkpoint writes
        while (System.nanoTime() < deadline && victim.isAlive()) {
            if (stepsDone(checkpoint) > 6 * 94 + 47) {
                Thread.sleep(137);
                break;
            }
            Thread.sleep(10);
        }
        assertTrue(victim.isAlive(), "the run finished before it could be killed; make it longer");
        victim.destroyForcibly(); // SIGKILL
        victim.waitFor();
        assertTrue(!Files.exists(resumed), "the killed run wrote no result");
        assertTrue(Files.exists(checkpoint), "a checkpoint survived the kill");
        CheckpointProto survivor = CheckpointProto.parseFrom(Files.readAllBytes(checkpoint));
        long killedAfter = survivor.getStepsDone();
        // the SWA listener's own state: the next step it looks at, then n_models (> 0: the average is in it)
        java.io.DataInputStream swaState = new java.io.DataInputStream(survivor.getStatesList().stream()
                .filter(s -> s.getName().equals("swa")).findFirst().orElseThrow().getData().newInput());
        swaState.readLong();
        assertTrue(swaState.readLong() > 0, "the SWA average is in the surviving checkpoint");
        System.out.println("killed with SIGKILL; the surviving checkpoint holds the state after step " + killedAfter + " of 1128");
        assertTrue(killedAfter > 0 && killedAfter < 1128, "killed mid-run");

        finish(start(dir, resumed, log), log);
        String output = Files.readString(log);
        assertTrue(output.contains("Resuming from"), "the second run resumed: " + output);
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(resumed), "final weights differ after resume");
        try (var files = Files.list(dir)) {
            assertEquals(0, files.filter(f -> f.toString().endsWith(".tmp")).count(), "no temporary checkpoint files left behind");
        }
        // engine messages that mean nothing to the user reach the console once per JVM at most (three JVMs here):
        // DJL's GPU probe on a machine with the CUDA runtime but no driver, libtorch's NNPACK probe
        for (String noise : new String[]{"Failed to detect GPU count", "Could not initialize NNPACK"}) {
            long count = output.lines().filter(l -> l.contains(noise)).count();
            assertTrue(count <= 3, count + " lines of '" + noise + "' from three JVMs");
        }
    }
}
