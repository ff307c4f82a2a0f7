package io.github.tribuoswa.sgd;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.schedule.CyclicSchedule;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import org.junit.jupiter.api.Test;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.LinearParameters;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.la.Tensor;
import org.tribuo.math.optimisers.SGD;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Scheduled SGD: exact steps for each momentum type, and equality with Tribuo's SGD at a
 * constant rate.
 */
public class ScheduledSGDTest {

    private static Tensor[] gradient(double g) {
        return new Tensor[]{DenseMatrix.createDenseMatrix(new double[][]{{g}, {-2 * g}})};
    }

    private static double first(Tensor[] t) {
        return ((DenseMatrix) t[0]).get(0, 0);
    }

    @Test
    public void stepsFollowTheScheduleForEachMomentum() {
        LearningRateSchedule schedule = new CyclicSchedule(0.4, 0.1, 3);
        double rho = 0.5;
        double[] grads = {1.0, -0.5, 2.0, 0.25, 1.5, -1.0, 0.75};
        for (SGD.Momentum type : SGD.Momentum.values()) {
            ScheduledSGD sgd = new ScheduledSGD(schedule, type, type == SGD.Momentum.NONE ? 0.0 : rho);
            sgd.initialise(new LinearParameters(1, 2));
            double m = 0;
            double firstStep = Double.NaN;
            for (int i = 1; i <= grads.length; i++) {
                double g = grads[i - 1];
                double alpha = schedule.rate(i);
                double expected;
                switch (type) {
                    case STANDARD:
                        m = rho * m + g;
                        expected = alpha * m;
                        break;
                    case NESTEROV:
                        m = rho * m + g;
                        expected = alpha * (g + rho * m);
                        break;
                    default:
                        expected = alpha * g;
                }
                double weight = 0.5;
                double got = first(sgd.step(gradient(g), weight));
                assertEquals(expected * weight, got, 1e-14, type + " step " + i);
                if (i == 1) {
                    firstStep = got / weight;
                }
            }
            sgd.reset();
            sgd.initialise(new LinearParameters(1, 2));
            assertEquals(firstStep, first(sgd.step(gradient(grads[0]), 1.0)), 1e-15, type + " reset restarts at step 1");
        }
    }

    @Test
    public void constantScheduleEqualsTribuoSGD() {
        for (SGD.Momentum type : SGD.Momentum.values()) {
            double rho = type == SGD.Momentum.NONE ? 0 : 0.9;
            LinearSGDModel ours = new LinearSGDTrainer(new LogMulticlass(), new ScheduledSGD(new ConstantSchedule(0.05), type, rho), 3, -1, 1, 9L)
                    .train(SyntheticData.classification(90, 8));
            LinearSGDModel tribuo = new LinearSGDTrainer(new LogMulticlass(), SGD.getSimpleSGD(0.05, rho, type), 3, -1, 1, 9L)
                    .train(SyntheticData.classification(90, 8));
            double[] a = TensorWeights.flatten(new Tensor[]{ours.getWeightsCopy()});
            double[] b = TensorWeights.flatten(new Tensor[]{tribuo.getWeightsCopy()});
            assertArrayEquals(b, a, 1e-10, type.toString());
        }
    }

    @Test
    public void badMomentumRejected() {
        PropertyException e = assertThrows(PropertyException.class, () -> new ScheduledSGD(new ConstantSchedule(0.1), SGD.Momentum.STANDARD, 1.0));
        assertEquals("rho", e.getProperty());
        assertEquals("schedule", assertThrows(PropertyException.class, () -> new ScheduledSGD(null)).getProperty());
    }
}
