package io.github.tribuoswa.sgd;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.telemetry.SgdTelemetry;
import io.github.tribuoswa.telemetry.Telemetry;
import io.github.tribuoswa.util.Checks;
import io.opentelemetry.api.OpenTelemetry;
import org.tribuo.math.Parameters;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.la.Tensor;

/**
 * Schedule-free SGD (Defazio et al. 2024, "The Road Less Scheduled") for every Tribuo model
 * trained by a {@link StochasticGradientOptimiser} ({@code LinearSGDTrainer}, the
 * factorization machines, &hellip;): the same recurrence as the network optimiser
 * {@link io.github.tribuoswa.nn.optim.ScheduleFreeSGD}. The model's parameters hold y, where
 * Tribuo takes the gradient; the optimiser keeps z and x, all three starting at the initial
 * weights. At step t (from 1), with γ_t the schedule's rate, λ the weight decay and d_t Tribuo's
 * descent direction (its gradient of the negative loss, times the example weight w):
 * <pre>
 *   z_{t+1} = z_t + γ_t·(w·d_t &minus; λ·y_t)
 *   x_{t+1} = (1 &minus; c_{t+1})·x_t + c_{t+1}·z_{t+1},    c_{t+1} = γ_t² / Σ_{i&le;t} γ_i²
 *   y_{t+1} = (1 &minus; β)·z_{t+1} + β·x_{t+1}
 * </pre>
 * The step returns y_{t+1} &minus; y_t, which Tribuo adds to the parameters; {@link #finalise()}
 * writes x, the point the paper evaluates, into the model. z and x are kept flat in double
 * precision (two copies of the weights); each step costs O(weights), as the update is dense.
 * There is no inner optimiser: this is the whole optimiser, and the schedule gives its rate (a
 * constant, or a warm-up then a constant: a {@code WSDSchedule} with {@code cooldownFraction = 0}).
 */
public final class ScheduleFreeOptimiser implements StochasticGradientOptimiser {

    @Config(mandatory = true, description = "γ_t, the rate of step t (a constant, or a warm-up then a constant).")
    private LearningRateSchedule schedule;

    @Config(description = "β in [0, 1], where the gradient is taken between z (0) and x (1); 0.9 in the paper.")
    private double beta = 0.9;

    @Config(description = "λ >= 0, weight decay applied at y as the authors' SGDScheduleFree does.")
    private double weightDecay = 0.0;

    private Parameters parameters;
    private double[] z;
    private double[] x;
    private double sumOfSquares;
    private long iteration;
    private transient OpenTelemetry openTelemetry;
    private transient SgdTelemetry telemetry;

    /**
     * For OLCUT.
     */
    private ScheduleFreeOptimiser() {}

    /**
     * Schedule-free SGD.
     * @param schedule γ_t.
     * @param beta β in [0, 1].
     * @param weightDecay λ &ge; 0.
     */
    public ScheduleFreeOptimiser(LearningRateSchedule schedule, double beta, double weightDecay) {
        this.schedule = schedule;
        this.beta = beta;
        this.weightDecay = weightDecay;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.present(this, "schedule", schedule);
        Checks.closedFraction(this, "beta", beta);
        Checks.nonNegative(this, "weightDecay", weightDecay);
    }

    /**
     * Gives the optimiser an OpenTelemetry instance for its runs (kept by {@link #copy()});
     * without one, runs use {@code GlobalOpenTelemetry.getOrNoop()}.
     * @param otel The instance, or null.
     */
    public void setOpenTelemetry(OpenTelemetry otel) {
        this.openTelemetry = otel;
    }

    @Override
    public void initialise(Parameters parameters) {
        this.parameters = parameters;
        this.z = TensorWeights.flatten(parameters.get());
        this.x = z.clone();
        this.sumOfSquares = 0;
        this.iteration = 0;
        this.telemetry = new SgdTelemetry(Telemetry.resolve(openTelemetry), "schedulefree", "ScheduleFreeOptimiser", toString(), z.length);
    }

    @Override
    public Tensor[] step(Tensor[] updates, double weight) {
        iteration++;
        double gamma = schedule.rate(iteration);
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            IllegalStateException e = new IllegalStateException("learning rate = " + gamma + " at step " + iteration + " of " + schedule
                    + " is out of range; allowed: finite real > 0 (schedule-free SGD weighs step t by γ_t²)");
            telemetry.end(iteration, e);
            throw e;
        }
        sumOfSquares += gamma * gamma;
        double c = gamma * gamma / sumOfSquares;
        Tensor[] current = parameters.get();
        double[] y = TensorWeights.flatten(current);
        double[] d = TensorWeights.flatten(updates);
        double[] change = new double[y.length];
        for (int j = 0; j < y.length; j++) {
            z[j] += gamma * (weight * d[j] - weightDecay * y[j]);
            x[j] = (1 - c) * x[j] + c * z[j];
            change[j] = (1 - beta) * z[j] + beta * x[j] - y[j];
        }
        int bad = Checks.firstNonFinite(x);
        if (bad >= 0) {
            IllegalStateException e = new IllegalStateException("ScheduleFreeOptimiser: x[" + bad + "] = " + x[bad] + " after step " + iteration
                    + "; training diverged (lower the learning rate)");
            telemetry.end(iteration, e);
            throw e;
        }
        telemetry.step(gamma);
        return TensorWeights.unflatten(current, change);
    }

    @Override
    public void finalise() {
        parameters.set(TensorWeights.unflatten(parameters.get(), x));
        telemetry.end(iteration, null);
    }

    /**
     * The steps taken in the current run.
     * @return t.
     */
    public long iteration() {
        return iteration;
    }

    @Override
    public void reset() {
        parameters = null;
        z = null;
        x = null;
        sumOfSquares = 0;
        iteration = 0;
    }

    @Override
    public ScheduleFreeOptimiser copy() {
        ScheduleFreeOptimiser copy = new ScheduleFreeOptimiser(schedule, beta, weightDecay);
        copy.openTelemetry = openTelemetry;
        return copy;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "StochasticGradientOptimiser");
    }

    @Override
    public String toString() {
        return "ScheduleFreeOptimiser(schedule=" + schedule + ",beta=" + beta + ",weightDecay=" + weightDecay + ")";
    }
}
