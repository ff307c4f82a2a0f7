package io.github.tribuoswa.sgd;

import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.schedule.CyclicSchedule;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.schedule.SWASchedule;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.fm.FMClassificationTrainer;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.la.Tensor;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.math.optimisers.AdaGradRDA;
import org.tribuo.math.optimisers.Adam;
import org.tribuo.math.optimisers.Pegasos;
import org.tribuo.math.optimisers.SGD;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.evaluation.RegressionEvaluator;
import org.tribuo.regression.sgd.fm.FMRegressionTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SWA inside Tribuo's own SGD trainers: the trained weights are the mean of weight snapshots
 * captured independently at the steps Algorithm 1 names.
 */
public class SWAOptimiserTest {

    private static final int N = 150;

    /**
     * Algorithm 1's averaging steps, computed here without the library: ŵ at s (if counted) and
     * every c steps after it.
     */
    private static LongPredicate algorithm1(long s, long c, boolean countStart) {
        return k -> (countStart && k == s) || (k > s && (k - s) % c == 0);
    }

    private static double[] mean(Map<Long, double[]> snapshots) {
        double[] out = null;
        for (double[] w : snapshots.values()) {
            if (out == null) {
                out = new double[w.length];
            }
            for (int j = 0; j < w.length; j++) {
                out[j] += w[j];
            }
        }
        for (int j = 0; j < out.length; j++) {
            out[j] /= snapshots.size();
        }
        return out;
    }

    private static double[] weights(LinearSGDModel model) {
        return TensorWeights.flatten(new Tensor[]{model.getWeightsCopy()});
    }

    private static double[] weights(org.tribuo.regression.sgd.linear.LinearSGDModel model) {
        return TensorWeights.flatten(new Tensor[]{model.getWeightsCopy()});
    }

    @Test
    public void linearClassificationHoldsTheMeanOfTheAveragedSnapshots() {
        // 150 examples, minibatch 1, 4 epochs: 600 steps; SWA from step 300, cycles of 25
        SnapshotProbe.Recorder rec = new SnapshotProbe.Recorder(algorithm1(300, 25, true));
        LearningRateSchedule schedule = new SWASchedule(0.1, 300, new CyclicSchedule(0.05, 0.005, 25));
        SWAOptimiser swa = new SWAOptimiser(new SnapshotProbe(SGD.getSimpleSGD(1.0), rec), schedule);
        LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(), swa, 4, -1, 1, 7L);
        MutableDataset<Label> data = SyntheticData.classification(N, 1);
        LinearSGDModel model = trainer.train(data);

        assertEquals(600L, rec.steps.get(0));
        assertEquals(13, rec.last().size());       // w-hat and 12 cycle ends
        assertArrayEquals(mean(rec.last()), weights(model), 1e-12);
        double accuracy = new LabelEvaluator().evaluate(model, data).accuracy();
        assertTrue(accuracy > 0.8, "accuracy " + accuracy);
    }

    @Test
    public void linearRegressionWithMinibatchesHoldsTheMean() {
        // minibatch 10 over 150 examples: 15 steps an epoch, 6 epochs = 90 steps
        SnapshotProbe.Recorder rec = new SnapshotProbe.Recorder(algorithm1(45, 15, true));
        SWAOptimiser swa = new SWAOptimiser(new SnapshotProbe(SGD.getSimpleSGD(1.0), rec),
                new SWASchedule(1e-3, 45, new ConstantSchedule(5e-4, 15)));
        org.tribuo.regression.sgd.linear.LinearSGDTrainer trainer =
                new org.tribuo.regression.sgd.linear.LinearSGDTrainer(new SquaredLoss(), swa, 6, -1, 10, 3L);
        MutableDataset<Regressor> data = SyntheticData.regression(N, 2);
        org.tribuo.regression.sgd.linear.LinearSGDModel model = trainer.train(data);
        assertEquals(90L, rec.steps.get(0));
        assertEquals(4, rec.last().size());        // steps 45, 60, 75, 90
        assertArrayEquals(mean(rec.last()), weights(model), 1e-12);
    }

    @Test
    public void lawaHoldsTheMeanOfTheLatestKCopiesAlongAConstantRate() {
        // 600 steps at a constant 0.1; a copy every 40 steps (40, 80, ..., 600), the 5 latest averaged
        SnapshotProbe.Recorder rec = new SnapshotProbe.Recorder(k -> k > 0 && k % 40 == 0);
        SWAOptimiser lawa = SWAOptimiser.lawa(new SnapshotProbe(SGD.getSimpleSGD(1.0), rec), new ConstantSchedule(0.1), 5, 40);
        LinearSGDModel model = new LinearSGDTrainer(new LogMulticlass(), lawa, 4, -1, 1, 7L).train(SyntheticData.classification(N, 1));
        Map<Long, double[]> snaps = rec.last();
        assertEquals(15, snaps.size());
        Map<Long, double[]> latest = new java.util.TreeMap<>(snaps);
        latest.keySet().removeIf(k -> k < 440);
        assertEquals(List.of(440L, 480L, 520L, 560L, 600L), List.copyOf(latest.keySet()));
        assertArrayEquals(mean(latest), weights(model), 1e-12);
        assertNotEquals(mean(snaps)[0], mean(latest)[0], "not SWA's mean of every copy");

        // along a cyclic schedule, the period overrides its cycles; k larger than the copies made averages them all
        SnapshotProbe.Recorder all = new SnapshotProbe.Recorder(k -> k > 300 && (k - 300) % 70 == 0);
        SWAOptimiser many = SWAOptimiser.lawa(new SnapshotProbe(SGD.getSimpleSGD(1.0), all),
                new SWASchedule(0.1, 300, new CyclicSchedule(0.05, 0.005, 25)), 50, 70);
        LinearSGDModel m2 = new LinearSGDTrainer(new LogMulticlass(), many, 4, -1, 1, 7L).train(SyntheticData.classification(N, 1));
        assertEquals(4, all.last().size()); // 370, 440, 510, 580
        assertArrayEquals(mean(all.last()), weights(m2), 1e-12);
    }

    @Test
    public void lawaRefusesWhatItCannotBe() {
        com.oracle.labs.mlrg.olcut.config.PropertyException e = assertThrows(com.oracle.labs.mlrg.olcut.config.PropertyException.class,
                () -> SWAOptimiser.lawa(SGD.getSimpleSGD(1.0), new ConstantSchedule(0.1), 5, 0));
        assertTrue(e.getMessage().contains("averagingPeriod = 0 is out of range; allowed: integer >= 1 for LAWA"), e.getMessage());
        e = assertThrows(com.oracle.labs.mlrg.olcut.config.PropertyException.class,
                () -> SWAOptimiser.lawa(SGD.getSimpleSGD(1.0), new ConstantSchedule(0.1), 0, 10));
        assertTrue(e.getMessage().contains("latest = 0 is out of range"), e.getMessage());
        // a period longer than the run (600 steps) leaves nothing to average
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> new LinearSGDTrainer(new LogMulticlass(),
                SWAOptimiser.lawa(SGD.getSimpleSGD(1.0), new ConstantSchedule(0.1), 5, 601), 4, -1, 1, 7L).train(SyntheticData.classification(N, 1)));
        assertTrue(none.getMessage().contains("averagingPeriod = 601 is out of range for a run of 600 steps after swaStart = 0; allowed: "
                + "swaStart + averagingPeriod <= 600"), none.getMessage());
        SWAOptimiser ok = SWAOptimiser.lawa(SGD.getSimpleSGD(1.0), new ConstantSchedule(0.1), 3, 10);
        assertTrue(ok.toString().contains("latest=3") && ok.toString().contains("averagingPeriod=10"), ok.toString());
        assertEquals(ok.toString(), ok.copy().toString());
    }

    @Test
    public void lawaInXmlAndItsRefusalOfAnEma(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        String xml = "<config><component name=\"o\" type=\"" + SWAOptimiser.class.getName() + "\">"
                + "<property name=\"optimiser\" value=\"adagrad\"/><property name=\"schedule\" value=\"rate\"/>"
                + "<property name=\"countStartWeights\" value=\"false\"/><property name=\"latest\" value=\"5\"/>"
                + "<property name=\"averagingPeriod\" value=\"40\"/>AVERAGING</component>"
                + "<component name=\"adagrad\" type=\"org.tribuo.math.optimisers.AdaGrad\"><property name=\"initialLearningRate\" value=\"1.0\"/>"
                + "</component><component name=\"rate\" type=\"" + ConstantSchedule.class.getName() + "\">"
                + "<property name=\"learningRate\" value=\"0.1\"/></component></config>";
        java.nio.file.Path good = java.nio.file.Files.writeString(tmp.resolve("lawa.xml"), xml.replace("AVERAGING", ""));
        SWAOptimiser fromXml = (SWAOptimiser) new com.oracle.labs.mlrg.olcut.config.ConfigurationManager(good.toString()).lookup("o");
        LinearSGDModel a = new LinearSGDTrainer(new LogMulticlass(), fromXml, 4, -1, 1, 7L).train(SyntheticData.classification(N, 1));
        LinearSGDModel b = new LinearSGDTrainer(new LogMulticlass(), SWAOptimiser.lawa(new AdaGrad(1.0), new ConstantSchedule(0.1), 5, 40),
                4, -1, 1, 7L).train(SyntheticData.classification(N, 1));
        assertArrayEquals(weights(b), weights(a), 0.0);
        java.nio.file.Path bad = java.nio.file.Files.writeString(tmp.resolve("bad.xml"),
                xml.replace("AVERAGING", "<property name=\"averaging\" value=\"EMA\"/>"));
        Exception e = assertThrows(Exception.class,
                () -> new com.oracle.labs.mlrg.olcut.config.ConfigurationManager(bad.toString()).lookup("o"));
        assertTrue(io.github.tribuoswa.Messages.chain(e).contains("latest = 5 is out of range; allowed: 0 with averaging = EMA"),
                io.github.tribuoswa.Messages.chain(e));
    }

    @Test
    public void emaAndUncountedStartFollowTheirDefinitions() {
        SnapshotProbe.Recorder rec = new SnapshotProbe.Recorder(algorithm1(300, 50, false));
        double decay = 0.8;
        SWAOptimiser swa = new SWAOptimiser(new SnapshotProbe(SGD.getSimpleSGD(1.0), rec),
                new SWASchedule(0.1, 300, new ConstantSchedule(0.02, 50)), Averaging.EMA, decay, false);
        LinearSGDModel model = new LinearSGDTrainer(new LogMulticlass(), swa, 4, -1, 1, 7L).train(SyntheticData.classification(N, 1));
        Map<Long, double[]> snaps = rec.last();
        assertEquals(6, snaps.size());               // 350, 400, ..., 600
        double[] ema = null;
        for (double[] w : snaps.values()) {
            if (ema == null) {
                ema = w.clone();
            } else {
                for (int j = 0; j < w.length; j++) {
                    ema[j] = decay * ema[j] + (1 - decay) * w[j];
                }
            }
        }
        assertArrayEquals(ema, weights(model), 1e-12);
    }

    @Test
    public void emaWithTimmsWarmUpFollowsItsDecaySequence() {
        // no w-hat: updates after steps 350, 400, ..., 600; the update after step k uses the decay at t = k - 300 - 1
        SnapshotProbe.Recorder rec = new SnapshotProbe.Recorder(algorithm1(300, 50, false));
        io.github.tribuoswa.averaging.EmaDecay timm = new io.github.tribuoswa.averaging.EmaDecay(0.99,
                io.github.tribuoswa.averaging.EmaDecay.Warmup.TIMM, 0, 10, 0.75);
        SWAOptimiser swa = new SWAOptimiser(new SnapshotProbe(SGD.getSimpleSGD(1.0), rec),
                new SWASchedule(0.1, 300, new ConstantSchedule(0.02, 50)), timm, false);
        LinearSGDModel model = new LinearSGDTrainer(new LogMulticlass(), swa, 4, -1, 1, 7L).train(SyntheticData.classification(N, 1));
        Map<Long, double[]> snaps = rec.last();
        assertEquals(6, snaps.size());
        double[] ema = null;
        for (Map.Entry<Long, double[]> e : snaps.entrySet()) {
            double[] w = e.getValue();
            if (ema == null) {
                ema = w.clone();
            } else {
                double d = timm.at(e.getKey() - 300 - 1);
                for (int j = 0; j < w.length; j++) {
                    ema[j] = d * ema[j] + (1 - d) * w[j];
                }
            }
        }
        assertArrayEquals(ema, weights(model), 1e-12);
        assertTrue(timm.at(99) < 0.99, "the warm-up is still below δ at the second update");
    }

    @Test
    public void reusedTrainerAveragesEachRunAfresh() {
        SnapshotProbe.Recorder rec = new SnapshotProbe.Recorder(algorithm1(150, 30, true));
        SWAOptimiser swa = new SWAOptimiser(new SnapshotProbe(SGD.getSimpleSGD(1.0), rec),
                new SWASchedule(0.1, 150, new CyclicSchedule(0.05, 0.01, 30)));
        LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(), swa, 2, -1, 1, 11L);
        MutableDataset<Label> data = SyntheticData.classification(N, 5);
        LinearSGDModel first = trainer.train(data);
        LinearSGDModel second = trainer.train(data);
        assertEquals(2, rec.runs.size());
        assertEquals(6, rec.runs.get(0).size());
        assertEquals(6, rec.runs.get(1).size());
        assertArrayEquals(mean(rec.runs.get(0)), weights(first), 1e-12);
        assertArrayEquals(mean(rec.runs.get(1)), weights(second), 1e-12);
        // the configured optimiser itself was never used: Tribuo trains copies
        assertEquals(0, swa.averagedModels());
    }

    @Test
    public void innerOptimisersWithFinaliseAreAveragedAtTheirTrueWeights() {
        List<StochasticGradientOptimiser> inners = List.of(new Pegasos(0.1, 0.01), new AdaGradRDA(1.0, 0.1, 0.01, 0.01, N),
                new AdaGrad(1.0, 0.1), new Adam(1.0, 0.9, 0.999, 1e-8));
        for (StochasticGradientOptimiser inner : inners) {
            SnapshotProbe.Recorder rec = new SnapshotProbe.Recorder(algorithm1(150, 50, true));
            SWAOptimiser swa = new SWAOptimiser(new SnapshotProbe(inner, rec),
                    new SWASchedule(0.1, 150, new ConstantSchedule(0.05, 50)));
            LinearSGDModel model = new LinearSGDTrainer(new LogMulticlass(), swa, 2, -1, 1, 7L).train(SyntheticData.classification(N, 3));
            assertEquals(4, rec.last().size(), inner.toString());
            assertArrayEquals(mean(rec.last()), weights(model), 1e-12, inner.toString());
        }
    }

    @Test
    public void factorizationMachinesTrainWithSWA() {
        MutableDataset<Label> data = SyntheticData.classification(N, 4);
        LearningRateSchedule schedule = new SWASchedule(0.05, 300, new CyclicSchedule(0.05, 0.005, 30));
        FMClassificationTrainer fm = new FMClassificationTrainer(new LogMulticlass(),
                new SWAOptimiser(SGD.getSimpleSGD(1.0), schedule), 4, -1, 1, 1L, 3, 0.1);
        FMClassificationTrainer plain = new FMClassificationTrainer(new LogMulticlass(),
                new ScheduledSGD(schedule), 4, -1, 1, 1L, 3, 0.1);
        Model<Label> swaModel = fm.train(data);
        Model<Label> plainModel = plain.train(data);
        double accuracy = new LabelEvaluator().evaluate(swaModel, data).accuracy();
        assertTrue(accuracy > 0.8, "accuracy " + accuracy);
        List<Prediction<Label>> a = swaModel.predict(data);
        List<Prediction<Label>> b = plainModel.predict(data);
        double diff = 0;
        for (int i = 0; i < a.size(); i++) {
            diff += Math.abs(a.get(i).getOutputScores().get("class0").getScore() - b.get(i).getOutputScores().get("class0").getScore());
        }
        assertTrue(diff > 1e-6, "SWA changed nothing");

        MutableDataset<Regressor> reg = SyntheticData.regression(N, 6);
        FMRegressionTrainer fmr = new FMRegressionTrainer(new SquaredLoss(),
                new SWAOptimiser(SGD.getSimpleSGD(1.0), new SWASchedule(0.01, 300, new ConstantSchedule(0.005, 15))),
                4, -1, 1, 1L, 2, 0.1, false);
        Model<Regressor> regModel = fmr.train(reg);
        double rmse = new RegressionEvaluator().evaluate(regModel, reg).averageRMSE();
        assertTrue(rmse < 0.5, "rmse " + rmse);
    }

    @Test
    public void trainingThatEndsBeforeSwaStartIsAnError() {
        SWAOptimiser swa = new SWAOptimiser(SGD.getSimpleSGD(1.0), new SWASchedule(0.1, 10_000, new ConstantSchedule(0.01)));
        LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(), swa, 2, -1, 1, 1L);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainer.train(SyntheticData.classification(N, 1)));
        assertTrue(e.getMessage().contains("swaStart = 10000") && e.getMessage().contains("300 steps")
                && e.getMessage().contains("allowed"), e.getMessage());
    }

    @Test
    public void divergedWeightsAreNotAveraged() {
        SWAOptimiser swa = new SWAOptimiser(SGD.getSimpleSGD(1.0), new SWASchedule(1e300, 10, new ConstantSchedule(1e300, 10)));
        org.tribuo.regression.sgd.linear.LinearSGDTrainer trainer =
                new org.tribuo.regression.sgd.linear.LinearSGDTrainer(new SquaredLoss(), swa, 2, -1, 1, 3L);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainer.train(SyntheticData.regression(N, 2)));
        assertTrue(e.getMessage().contains("not finite") && e.getMessage().contains("step"), e.getMessage());
    }

    @Test
    public void copyHasIndependentState() {
        SWAOptimiser swa = new SWAOptimiser(SGD.getSimpleSGD(1.0), new ConstantSchedule(0.1));
        SWAOptimiser copy = swa.copy();
        assertNotEquals(System.identityHashCode(swa), System.identityHashCode(copy));
        assertEquals(swa.toString(), copy.toString());
        assertEquals(swa.getProvenance(), copy.getProvenance());
    }
}
