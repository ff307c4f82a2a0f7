package io.github.tribuoswa.nn.swa;

import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.core.Checkpoints;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.protos.CheckpointProto;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.schedule.CyclicSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.math.optimisers.SGD;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded bit flips and truncations of a real SWA checkpoint: every one is refused when the run
 * reads it, and the file is left as it was; the intact file is read.
 */
public class CheckpointCorruptionTest {

    private static final MutableDataset<Label> DATA = SyntheticData.classification(150, 11);

    @Test
    public void everyFlippedOrTruncatedCheckpointIsRefusedUntouched(@TempDir Path dir) throws Exception {
        SWATrainer<Label> t = SWATrainer.builder(new MLPFactory(new int[]{16}, Activation.RELU, 0.0, true), new DenseConverter(),
                        new LabelConverter()).epochs(4).batchSize(32).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0))
                .schedule(new ConstantSchedule(0.05)).phaseStart(2).phaseSchedule(new CyclicSchedule(0.05, 0.01, 5))
                .cycleUnit(CycleUnit.ITERATIONS).seed(1L).device("cpu").intraOpThreads(1).checkpointDirectory(dir.toString()).build();
        t.setProgressBar(false);
        t.train(DATA).close();
        Path file = dir.resolve("run-0.checkpoint");
        byte[] good = Files.readAllBytes(file);
        String fingerprint = CheckpointProto.parseFrom(good).getFingerprint();
        assertEquals(20, new Checkpoints(file, fingerprint).read().orElseThrow().getStepsDone());
        Random rng = new Random(20261201);
        int cases = 0;
        for (int k = 0; k < 200; k++) {
            byte[] bad;
            if (k % 2 == 0) {
                bad = good.clone();
                int bit = rng.nextInt(good.length * 8);
                bad[bit / 8] ^= (byte) (1 << (bit % 8));
            } else {
                bad = Arrays.copyOf(good, rng.nextInt(good.length));
            }
            Files.write(file, bad);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Checkpoints(file, fingerprint).read(), "case " + k);
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertArrayEquals(bad, Files.readAllBytes(file), "the refused checkpoint was left untouched");
            cases++;
        }
        System.out.println("RELIABILITY checkpoint-corruption cases=" + cases + " refused=" + cases + " (100 single-bit flips and 100 "
                + "truncations of an SWA checkpoint, seed 20261201)");
    }
}
