package io.github.tribuoswa.nn.swa;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.github.tribuoswa.Crash;
import io.github.tribuoswa.ensemble.BatchedEnsembleModel;
import io.github.tribuoswa.ensemble.IndependentRunsTrainer;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.core.Checkpoints;
import io.github.tribuoswa.nn.core.SwagPosterior;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.schedule.ConstantSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.math.optimisers.SGD;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SWAG trainer: S seeded samples as a batched Tribuo ensemble, reproducible for a seed,
 * resumed bit for bit after a crash, and bad hyper-parameters refused.
 */
public class SWAGTrainerTest {

    private static SWAGTrainer<Label> swag(long sampleSeed, SwagPosterior.Covariance covariance, Path checkpoints) {
        SWAGTrainer.Builder<Label> b = SWAGTrainer.builder(new MLPFactory(new int[]{12}, Activation.TANH, 0, true), new DenseConverter(),
                        new LabelConverter())
                .epochs(6).batchSize(16).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 1e-4)).schedule(new ConstantSchedule(0.05))
                .phaseStart(2).phaseSchedule(new ConstantSchedule(0.05)).cycleUnit(CycleUnit.EPOCHS)
                .maxRank(3).samples(4).covariance(covariance).sampleSeed(sampleSeed).seed(3L).device("cpu").intraOpThreads(1);
        if (checkpoints != null) {
            b.checkpointDirectory(checkpoints.toString());
        }
        return b.build();
    }

    private static byte[][] members(BatchedEnsembleModel<Label> ensemble) {
        byte[][] out = new byte[ensemble.getNumModels()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((DJLModel<?>) ensemble.getModels().get(i)).weights().getValues().toByteArray();
        }
        return out;
    }

    @Test
    public void samplesAreASeededBatchedEnsemble(@TempDir Path tmp) {
        BatchedEnsembleModel<Label> a = swag(7, SwagPosterior.Covariance.LOW_RANK, null).train(SWAFGETrainerTest.DATA);
        assertEquals(4, a.getNumModels());
        BatchedEnsembleModel<Label> again = swag(7, SwagPosterior.Covariance.LOW_RANK, null).train(SWAFGETrainerTest.DATA);
        byte[][] ma = members(a);
        byte[][] mAgain = members(again);
        for (int i = 0; i < ma.length; i++) {
            assertArrayEquals(ma[i], mAgain[i], "sample " + i + ": the same seed, the same weights");
            for (int j = 0; j < i; j++) {
                assertFalse(Arrays.equals(ma[i], ma[j]), "samples " + i + " and " + j + " differ");
            }
        }
        BatchedEnsembleModel<Label> other = swag(8, SwagPosterior.Covariance.LOW_RANK, null).train(SWAFGETrainerTest.DATA);
        assertFalse(Arrays.equals(ma[0], members(other)[0]), "another sample seed, other samples");
        double accuracy = new LabelEvaluator().evaluate(a, SWAFGETrainerTest.DATA).accuracy();
        assertTrue(accuracy > 0.6, "SWAG's accuracy " + accuracy);
        for (Model<Label> m : a.getModels()) {
            assertTrue(m.getName().startsWith("swag-sample-"));
        }
        BatchedEnsembleModel<Label> diagonal = swag(7, SwagPosterior.Covariance.DIAGONAL, null).train(SWAFGETrainerTest.DATA);
        assertFalse(Arrays.equals(ma[0], members(diagonal)[0]), "the diagonal mode draws other samples");

        // a crash in the SWAG phase, then the same run again: the same samples bit for bit
        SWAGTrainer<Label> first = swag(7, SwagPosterior.Covariance.LOW_RANK, tmp);
        first.addObserver(new Crash(45));
        assertThrows(IllegalStateException.class, () -> first.train(SWAFGETrainerTest.DATA));
        byte[][] resumed = members(swag(7, SwagPosterior.Covariance.LOW_RANK, tmp).train(SWAFGETrainerTest.DATA));
        for (int i = 0; i < ma.length; i++) {
            assertArrayEquals(ma[i], resumed[i], "sample " + i + " after resuming");
        }
    }

    /**
     * MultiSWAG's runs are invocations 0 and 1 of one SWAG trainer; each draws its samples from
     * its own stream. With the diagonal posterior a sample is θ̄ + c·σ⊙z, so per weight the
     * ratio (θ̃₀ − θ̃₂)/(θ̃₀ − θ̃₁) = (z₀ − z₂)/(z₀ − z₁) depends on the normal draws alone: two runs
     * sharing one stream would have the same ratios (the same signs everywhere), independent
     * streams agree in sign on about half of the weights.
     */
    @Test
    public void eachInvocationDrawsItsOwnSamples() {
        BatchedEnsembleModel<Label> multi = new IndependentRunsTrainer<>(swag(7, SwagPosterior.Covariance.DIAGONAL, null), 2,
                new FullyWeightedVotingCombiner()).train(SWAFGETrainerTest.DATA);
        int perRun = multi.getModels().size() / 2; // the samples of each run, run 0's first
        assertTrue(perRun >= 3, "each run needs three samples for the ratio");
        float[][] w = new float[2 * perRun][];
        for (int i = 0; i < w.length; i++) {
            w[i] = Checkpoints.floats(((DJLModel<?>) multi.getModels().get(i)).weights().getValues());
        }
        int compared = 0;
        int agree = 0;
        for (int j = 0; j < w[0].length; j++) {
            double[] ratio = new double[2];
            boolean defined = true;
            for (int r = 0; r < 2; r++) {
                double num = (double) w[perRun * r][j] - w[perRun * r + 2][j];
                double den = (double) w[perRun * r][j] - w[perRun * r + 1][j];
                defined &= num != 0 && den != 0;
                ratio[r] = num / den;
            }
            if (defined) {
                compared++;
                agree += Math.signum(ratio[0]) == Math.signum(ratio[1]) ? 1 : 0;
            }
        }
        assertTrue(compared > 100, compared + " weights compared");
        double fraction = (double) agree / compared;
        // one stream: 1; independent streams: 1/2 with a standard error 1/(2 sqrt(n)) < 0.05
        assertTrue(fraction > 0.3 && fraction < 0.7, "the two runs' draws agree in sign on " + agree + " of " + compared + " weights");

        // the first invocation draws from Random(sampleSeed), invocation r from Random(sampleSeed + r x 0x9E3779B97F4A7C15)
        assertEquals(new Random(7).nextGaussian(), SWAGTrainer.sampleGenerator(7, 0).nextGaussian());
        assertEquals(new Random(7 + 2 * 0x9E3779B97F4A7C15L).nextGaussian(), SWAGTrainer.sampleGenerator(7, 2).nextGaussian());
        assertFalse(SWAGTrainer.sampleGenerator(7, 1).nextGaussian() == SWAGTrainer.sampleGenerator(7, 0).nextGaussian());
    }

    @Test
    public void badHyperParametersAreRefused() {
        PropertyException e = assertThrows(PropertyException.class, () -> SWAGTrainer.builder(new MLPFactory(new int[]{4}, Activation.RELU, 0,
                false), new DenseConverter(), new LabelConverter()).phaseSchedule(new ConstantSchedule(0.05)).maxRank(0).build());
        assertTrue(e.getMessage().contains("maxRank"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> SWAGTrainer.builder(new MLPFactory(new int[]{4}, Activation.RELU, 0, false),
                new DenseConverter(), new LabelConverter()).phaseSchedule(new ConstantSchedule(0.05)).covarianceScale(0).build());
        assertTrue(e.getMessage().contains("covarianceScale"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> SWAGTrainer.builder(new MLPFactory(new int[]{4}, Activation.RELU, 0, false),
                new DenseConverter(), new LabelConverter()).phaseSchedule(new ConstantSchedule(0.05)).maxRank(1).build());
        assertTrue(e.getMessage().contains("maxRank = 1") && e.getMessage().contains("LOW_RANK"), e.getMessage());
        SWAGTrainer.builder(new MLPFactory(new int[]{4}, Activation.RELU, 0, false), new DenseConverter(), new LabelConverter())
                .phaseSchedule(new ConstantSchedule(0.05)).maxRank(1).covariance(SwagPosterior.Covariance.DIAGONAL).build();
    }
}
