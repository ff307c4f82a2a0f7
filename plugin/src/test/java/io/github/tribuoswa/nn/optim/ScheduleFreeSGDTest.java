package io.github.tribuoswa.nn.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.tracker.Tracker;
import io.github.tribuoswa.nn.core.Engines;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Schedule-free SGD's three sequences, step by step, against the paper's formulas in double
 * precision.
 */
public class ScheduleFreeSGDTest {

    @Test
    public void zXAndYFollowThePapersRecurrence() {
        double[] rates = {0.1, 0.3, 0.3, 0.3};           // a warm-up step, then constant
        Tracker tracker = n -> (float) rates[Math.max(1, n) - 1];
        float beta = 0.9f;
        float lambda = 0.01f;
        double[][] grads = {{1, -2, 0.5}, {0.25, 1, -1}, {-0.5, 0.5, 2}, {1, 1, 1}};
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            NDArray w = m.create(new float[]{0.5f, -1f, 2f});
            w.setRequiresGradient(true);
            ScheduleFreeSGD sf = new ScheduleFreeSGD(tracker, beta, lambda, 0);
            double[] z = {0.5, -1, 2};
            double[] x = z.clone();
            double[] y = z.clone();
            double sum = 0;
            for (int t = 1; t <= rates.length; t++) {
                double gamma = (float) rates[t - 1];
                sum += gamma * gamma;
                double c = gamma * gamma / sum;
                for (int j = 0; j < 3; j++) {
                    double g = grads[t - 1][j] + (double) lambda * y[j];
                    z[j] -= gamma * g;
                    x[j] = (1 - c) * x[j] + c * z[j];
                    y[j] = (1 - beta) * z[j] + beta * x[j];
                }
                float[] gf = new float[3];
                for (int j = 0; j < 3; j++) {
                    gf[j] = (float) grads[t - 1][j];
                }
                try (NDArray g = m.create(gf)) {
                    sf.update("w", w, g);
                }
                float[] yGot = w.toFloatArray();
                float[] zGot = sf.buffers()[0].peek("w").toFloatArray();
                float[] xGot = sf.buffers()[1].peek("w").toFloatArray();
                for (int j = 0; j < 3; j++) {
                    assertEquals(y[j], yGot[j], 2e-6, "y step " + t);
                    assertEquals(z[j], zGot[j], 2e-6, "z step " + t);
                    assertEquals(x[j], xGot[j], 2e-6, "x step " + t);
                }
            }
            // the first step's weight c = 1: x_2 = z_2; then c = 0.09 / (0.01 + 0.09) = 0.9 at step 2
            assertEquals(1.0, new ScheduleFreeSGD(tracker, beta, lambda, 0).averageWeight(1), 0.0);
            assertEquals(0.09 / (0.01 + 0.09), new ScheduleFreeSGD(tracker, beta, lambda, 0).averageWeight(2), 1e-7);
            // a resumed optimizer recomputes the sum of squares from the schedule: the same weight at step 3
            ScheduleFreeSGD resumed = new ScheduleFreeSGD(tracker, beta, lambda, 2);
            ScheduleFreeSGD fresh = new ScheduleFreeSGD(tracker, beta, lambda, 0);
            fresh.averageWeight(1);
            fresh.averageWeight(2);
            assertEquals(fresh.averageWeight(3), resumed.averageWeight(3), 0.0);
        }
    }
}
