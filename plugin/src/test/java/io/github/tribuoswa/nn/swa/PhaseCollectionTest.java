package io.github.tribuoswa.nn.swa;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.schedule.CyclicSchedule;
import io.github.tribuoswa.schedule.TriangularSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.math.optimisers.SGD;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A phase too short for the method's first collection is refused before training, naming
 * phaseSchedule and the allowed range; the longest cycle that fits is accepted.
 */
public class PhaseCollectionTest {

    private static final MutableDataset<Label> DATA = SyntheticData.classification(150, 11); // 5 steps per epoch at batch 32

    private static MLPFactory mlp() {
        return new MLPFactory(new int[]{8}, Activation.RELU, 0.0, false);
    }

    @Test
    public void anSwaCycleLongerThanThePhaseIsRefusedBeforeTraining(@TempDir Path dir) throws Exception {
        // 4 epochs, the phase from epoch 3: 5 steps; a cycle of 2 epochs = 10 steps ends after the run
        SWATrainer<Label> t = SWATrainer.builder(mlp(), new DenseConverter(), new LabelConverter()).epochs(4).batchSize(32)
                .optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0)).schedule(new ConstantSchedule(0.05)).phaseStart(3)
                .phaseSchedule(new CyclicSchedule(0.05, 0.01, 2)).cycleUnit(CycleUnit.EPOCHS).seed(1L).device("cpu").intraOpThreads(1)
                .checkpointDirectory(dir.toString()).build();
        PropertyException e = assertThrows(PropertyException.class, () -> t.train(DATA));
        assertTrue(e.getMessage().contains("phaseSchedule = ") && e.getMessage().contains("a cycle of 10 steps: 0 swa collection(s)")
                && e.getMessage().contains("(4 - 3) x 5 = 5 steps"), e.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "refused before training: no checkpoint");
        }
        // a cycle of exactly the phase (one average after w-hat) is accepted
        SWATrainer<Label> fits = SWATrainer.builder(mlp(), new DenseConverter(), new LabelConverter()).epochs(4).batchSize(32)
                .optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0)).schedule(new ConstantSchedule(0.05)).phaseStart(3)
                .phaseSchedule(new CyclicSchedule(0.05, 0.01, 5)).cycleUnit(CycleUnit.ITERATIONS).seed(1L).device("cpu").intraOpThreads(1)
                .build();
        fits.setProgressBar(false);
        fits.train(DATA).close();
    }

    @Test
    public void anFgeCycleWhoseMidPointFallsAfterTheRunIsRefusedBeforeTraining() {
        // the phase is 5 steps; a triangular cycle of 12 steps has its first mid-point at step 6
        FGETrainer<Label> t = FGETrainer.builder(mlp(), new DenseConverter(), new LabelConverter()).epochs(4).batchSize(32)
                .optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0)).schedule(new ConstantSchedule(0.05)).phaseStart(3)
                .phaseSchedule(new TriangularSchedule(0.05, 0.005, 12)).cycleUnit(CycleUnit.ITERATIONS).seed(1L).device("cpu")
                .intraOpThreads(1).build();
        PropertyException e = assertThrows(PropertyException.class, () -> t.train(DATA));
        assertTrue(e.getMessage().contains("a cycle of 12 steps: 0 fge collection(s)") && e.getMessage().contains("= 5 steps"),
                e.getMessage());
        // a cycle of 10 steps has its first mid-point at step 5: accepted
        FGETrainer<Label> fits = FGETrainer.builder(mlp(), new DenseConverter(), new LabelConverter()).epochs(4).batchSize(32)
                .optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0)).schedule(new ConstantSchedule(0.05)).phaseStart(3)
                .phaseSchedule(new TriangularSchedule(0.05, 0.005, 10)).cycleUnit(CycleUnit.ITERATIONS).seed(1L).device("cpu")
                .intraOpThreads(1).build();
        fits.setProgressBar(false);
        assertEquals(1, fits.train(DATA).getNumModels());
    }

    @Test
    public void swagWithoutItsStartWeightsNeedsTwoCollectionsForItsLowRankPart() {
        // the phase (5 steps) holds one cycle end; without w-hat that is one deviation, too few for the low-rank part
        SWAGTrainer<Label> t = SWAGTrainer.builder(mlp(), new DenseConverter(), new LabelConverter()).epochs(4).batchSize(32)
                .optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0)).schedule(new ConstantSchedule(0.05)).phaseStart(3)
                .phaseSchedule(new CyclicSchedule(0.05, 0.05, 5)).cycleUnit(CycleUnit.ITERATIONS).countStartWeights(false).samples(2)
                .seed(1L).device("cpu").intraOpThreads(1).build();
        PropertyException e = assertThrows(PropertyException.class, () -> t.train(DATA));
        assertTrue(e.getMessage().contains("1 swag collection(s) after the phase's start, the method needs 2"), e.getMessage());
    }
}
