package io.github.tribuoswa.ensemble;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.nn.swa.CycleUnit;
import io.github.tribuoswa.nn.swa.SWAGTrainer;
import io.github.tribuoswa.schedule.ConstantSchedule;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.math.optimisers.SGD;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Independent runs as one ensemble: MultiSWAG's members are the samples of M SWAG runs, each run
 * the same as the trainer's own invocation; single models count 1/M; bad input.
 */
public class IndependentRunsTrainerTest {

    private static final MutableDataset<Label> DATA = SyntheticData.classification(150, 11);

    private static SWAGTrainer<Label> swag() {
        return SWAGTrainer.builder(new MLPFactory(new int[]{8}, Activation.TANH, 0, false), new DenseConverter(), new LabelConverter())
                .epochs(4).batchSize(16).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0)).schedule(new ConstantSchedule(0.05))
                .phaseStart(2).phaseSchedule(new ConstantSchedule(0.05)).cycleUnit(CycleUnit.EPOCHS).maxRank(2).samples(2)
                .seed(5L).device("cpu").intraOpThreads(1).build();
    }

    @Test
    public void multiSwagIsTheSamplesOfIndependentSwagRuns() {
        BatchedEnsembleModel<Label> multi = new IndependentRunsTrainer<>(swag(), 2, new FullyWeightedVotingCombiner()).train(DATA);
        assertEquals(4, multi.getNumModels());
        assertArrayEquals(new float[]{0.25f, 0.25f, 0.25f, 0.25f}, multi.weights(), 0f);
        SWAGTrainer<Label> alone = swag();
        BatchedEnsembleModel<Label> run0 = alone.train(DATA);
        BatchedEnsembleModel<Label> run1 = alone.train(DATA);
        List<Model<Label>> expected = List.of(run0.getModels().get(0), run0.getModels().get(1), run1.getModels().get(0), run1.getModels().get(1));
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(((DJLModel<?>) expected.get(i)).weights().getValues().toByteArray(),
                    ((DJLModel<?>) multi.getModels().get(i)).weights().getValues().toByteArray(), "member " + i);
        }
        assertEquals(2, multi.getProvenance().getMemberProvenance().getList().size(), "one provenance per run");
    }

    @Test
    public void singleModelsCountOneOverM() {
        LinearSGDTrainer linear = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.5), 3, 1L);
        BatchedEnsembleModel<Label> runs = new IndependentRunsTrainer<>(linear, 3, new FullyWeightedVotingCombiner()).train(DATA);
        assertEquals(3, runs.getNumModels());
        List<Prediction<Label>> combined = runs.predict(DATA);
        for (int e = 0; e < 5; e++) {
            for (Map.Entry<String, Label> s : combined.get(e).getOutputScores().entrySet()) {
                double mean = 0;
                for (Model<Label> m : runs.getModels()) {
                    mean += m.predict(DATA.getExample(e)).getOutputScores().get(s.getKey()).getScore() / 3;
                }
                assertEquals(mean, s.getValue().getScore(), 1e-6);
            }
        }
    }

    @Test
    public void badRunsAreRefused() {
        PropertyException e = assertThrows(PropertyException.class, () -> new IndependentRunsTrainer<>(swag(), 0, new FullyWeightedVotingCombiner()));
        assertTrue(e.getMessage().contains("runs = 0") && e.getMessage().contains(">= 1"), e.getMessage());
    }
}
