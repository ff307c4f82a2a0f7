package io.github.tribuoswa.sgd;

import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.TestSchedules;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.schedule.WSDSchedule;
import org.junit.jupiter.api.Test;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.Parameters;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.la.Tensor;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Schedule-free SGD in Tribuo's own SGD trainers: the model is x of the paper's recurrence,
 * replayed here in double precision from the descent directions and weights y that a probe
 * captured at every step; y follows the recurrence too; it learns; refusals.
 */
public class ScheduleFreeOptimiserTest {

    /** Passes everything on and records, independently, y before each step and the step's descent direction and weight. */
    private static final class Recorder implements StochasticGradientOptimiser {
        private final StochasticGradientOptimiser inner;
        private Parameters parameters;
        final List<double[]> ys = new ArrayList<>();
        final List<double[]> directions = new ArrayList<>();
        final List<Double> weights = new ArrayList<>();

        Recorder(StochasticGradientOptimiser inner) {
            this.inner = inner;
        }

        @Override
        public void initialise(Parameters parameters) {
            this.parameters = parameters;
            inner.initialise(parameters);
        }

        @Override
        public Tensor[] step(Tensor[] updates, double weight) {
            ys.add(TensorWeights.flatten(parameters.get()));
            directions.add(TensorWeights.flatten(updates));
            weights.add(weight);
            return inner.step(updates, weight);
        }

        @Override
        public void finalise() {
            ys.add(TensorWeights.flatten(parameters.get()));
            inner.finalise();
        }

        @Override
        public void reset() {
            inner.reset();
        }

        @Override
        public Recorder copy() {
            return this; // one run per test: the trainer's copy must be this recorder
        }

        @Override
        public com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance getProvenance() {
            return inner.getProvenance();
        }
    }

    /** The paper's recurrence, from the captured y_0 and directions: returns x after the last step and checks every y on the way. */
    private static double[] replay(Recorder r, LearningRateSchedule schedule, double beta, double lambda) {
        double[] z = r.ys.get(0).clone();
        double[] x = z.clone();
        double sum = 0;
        for (int t = 1; t <= r.directions.size(); t++) {
            double gamma = schedule.rate(t);
            sum += gamma * gamma;
            double c = gamma * gamma / sum;
            double[] y = r.ys.get(t - 1);
            double[] d = r.directions.get(t - 1);
            double w = r.weights.get(t - 1);
            double[] expectedY = new double[z.length];
            for (int j = 0; j < z.length; j++) {
                z[j] = z[j] + gamma * (w * d[j] - lambda * y[j]);
                x[j] = (1 - c) * x[j] + c * z[j];
                expectedY[j] = (1 - beta) * z[j] + beta * x[j];
            }
            if (t < r.directions.size()) {
                assertArrayEquals(expectedY, r.ys.get(t), 1e-12, "y after step " + t);
            }
        }
        return x;
    }

    @Test
    public void theModelIsXOfThePapersRecurrenceWithAWarmUp() {
        // 150 examples, minibatch 1, 4 epochs: 600 steps, a warm-up over 100 of them, then constant
        LearningRateSchedule schedule = new WSDSchedule(0.5, 600, 100, 0, WSDSchedule.Shape.SQRT);
        ScheduleFreeOptimiser sf = new ScheduleFreeOptimiser(schedule, 0.9, 1e-3);
        Recorder r = new Recorder(sf);
        MutableDataset<Label> data = SyntheticData.classification(150, 1);
        LinearSGDModel model = new LinearSGDTrainer(new LogMulticlass(), r, 4, -1, 1, 7L).train(data);
        assertEquals(600, r.directions.size());
        double[] x = replay(r, schedule, 0.9, 1e-3);
        assertArrayEquals(x, TensorWeights.flatten(new Tensor[]{model.getWeightsCopy()}), 1e-12, "the model holds x");
        double[] yLast = r.ys.get(r.ys.size() - 1);
        assertTrue(Math.abs(yLast[0] - x[0]) > 1e-9, "x, not the trained y");
        double accuracy = new LabelEvaluator().evaluate(model, data).accuracy();
        assertTrue(accuracy > 0.8, "accuracy " + accuracy);
    }

    @Test
    public void betaZeroAndOneAndMinibatchedRegression() {
        for (double beta : new double[]{0, 1}) {
            LearningRateSchedule schedule = new ConstantSchedule(0.01);
            Recorder r = new Recorder(new ScheduleFreeOptimiser(schedule, beta, 0));
            MutableDataset<Regressor> data = SyntheticData.regression(150, 2);
            org.tribuo.regression.sgd.linear.LinearSGDModel model = new org.tribuo.regression.sgd.linear.LinearSGDTrainer(new SquaredLoss(), r,
                    6, -1, 10, 3L).train(data);
            assertEquals(90, r.directions.size(), "minibatches of 10: 15 steps an epoch");
            assertArrayEquals(replay(r, schedule, beta, 0), TensorWeights.flatten(new Tensor[]{model.getWeightsCopy()}), 1e-12, "beta " + beta);
        }
    }

    @Test
    public void factorizationMachinesTrainScheduleFree() {
        // an FM's parameters are a bias vector, a weight matrix and factor matrices: the flat recurrence covers them all
        LearningRateSchedule schedule = new WSDSchedule(0.05, 600, 150, 0, WSDSchedule.Shape.SQRT);
        Recorder r = new Recorder(new ScheduleFreeOptimiser(schedule, 0.9, 0));
        MutableDataset<Label> data = SyntheticData.classification(150, 4);
        org.tribuo.Model<Label> model = new org.tribuo.classification.sgd.fm.FMClassificationTrainer(new LogMulticlass(), r, 4, -1, 1, 1L, 3, 0.1)
                .train(data);
        double[] x = replay(r, schedule, 0.9, 0);
        assertTrue(x.length > 3 * 5 + 3, "biases, weights and factors: " + x.length);
        double accuracy = new LabelEvaluator().evaluate(model, data).accuracy();
        assertTrue(accuracy > 0.8, "accuracy " + accuracy);
    }

    @Test
    public void badInputIsRefusedNamingTheParameter() {
        com.oracle.labs.mlrg.olcut.config.PropertyException e = assertThrows(com.oracle.labs.mlrg.olcut.config.PropertyException.class,
                () -> new ScheduleFreeOptimiser(new ConstantSchedule(0.1), 1.5, 0));
        assertTrue(e.getMessage().contains("beta = 1.5 is out of range; allowed: real in [0, 1]"), e.getMessage());
        e = assertThrows(com.oracle.labs.mlrg.olcut.config.PropertyException.class, () -> new ScheduleFreeOptimiser(new ConstantSchedule(0.1), 0.9, -1));
        assertTrue(e.getMessage().contains("weightDecay = -1.0 is out of range"), e.getMessage());
        // a user's schedule that reaches 0 at step 100, which schedule-free SGD cannot weigh
        LearningRateSchedule linearToZero = TestSchedules.linearToZero(0.1, 100);
        ScheduleFreeOptimiser toZero = new ScheduleFreeOptimiser(linearToZero, 0.9, 0);
        IllegalStateException s = assertThrows(IllegalStateException.class,
                () -> new LinearSGDTrainer(new LogMulticlass(), toZero, 4, -1, 1, 7L).train(SyntheticData.classification(150, 1)));
        assertTrue(s.getMessage().contains("learning rate = 0.0 at step 100") && s.getMessage().contains("finite real > 0"), s.getMessage());
        ScheduleFreeOptimiser copy = new ScheduleFreeOptimiser(new ConstantSchedule(0.1), 0.8, 0.01).copy();
        assertEquals("ScheduleFreeOptimiser(schedule=" + new ConstantSchedule(0.1) + ",beta=0.8,weightDecay=0.01)", copy.toString());
    }
}
