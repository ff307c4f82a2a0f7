package io.github.tribuoswa.sgd;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.util.Checks;
import org.tribuo.math.Parameters;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.la.Tensor;

/**
 * Drives any Tribuo gradient optimiser with a {@link LearningRateSchedule}: the inner
 * optimiser's step i is multiplied by α(i).
 * <p>
 * The inner optimiser's own learning rate becomes a constant factor, so give it rate 1 to let
 * the schedule alone set the rate: {@code SGD.getSimpleSGD(1.0)}, {@code new AdaGrad(1.0)},
 * {@code new Adam(1.0, ...)}. Because the steps of SGD (with or without momentum), AdaGrad and
 * Adam are linear in their rate, multiplying the step by α(i) is the same as setting the
 * inner optimiser's rate to α(i) at step i, as PyTorch's schedulers do; momentum buffers hold
 * unscaled gradients, as in PyTorch.
 */
public final class ScheduledOptimiser implements StochasticGradientOptimiser {

    @Config(mandatory = true, description = "The inner optimiser whose steps are scaled; give it learning rate 1.")
    private StochasticGradientOptimiser optimiser;

    @Config(mandatory = true, description = "The learning-rate schedule α(i).")
    private LearningRateSchedule schedule;

    private long iteration = 0;

    /**
     * For OLCUT.
     */
    private ScheduledOptimiser() {}

    /**
     * Scales an optimiser's steps by a schedule.
     * @param optimiser The inner optimiser (give it learning rate 1).
     * @param schedule The schedule.
     */
    public ScheduledOptimiser(StochasticGradientOptimiser optimiser, LearningRateSchedule schedule) {
        this.optimiser = optimiser;
        this.schedule = schedule;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.present(this, "optimiser", optimiser);
        Checks.present(this, "schedule", schedule);
    }

    @Override
    public void initialise(Parameters parameters) {
        optimiser.initialise(parameters);
    }

    @Override
    public Tensor[] step(Tensor[] updates, double weight) {
        iteration++;
        Tensor[] output = optimiser.step(updates, weight);
        double rate = schedule.rate(iteration);
        for (Tensor t : output) {
            t.scaleInPlace(rate);
        }
        return output;
    }

    @Override
    public void finalise() {
        optimiser.finalise();
    }

    /**
     * The number of steps taken since the last {@link #reset()}.
     * @return The step count.
     */
    public long iteration() {
        return iteration;
    }

    /**
     * The schedule.
     * @return The schedule.
     */
    public LearningRateSchedule schedule() {
        return schedule;
    }

    @Override
    public void reset() {
        optimiser.reset();
        iteration = 0;
    }

    @Override
    public ScheduledOptimiser copy() {
        return new ScheduledOptimiser(optimiser.copy(), schedule);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "StochasticGradientOptimiser");
    }

    @Override
    public String toString() {
        return "ScheduledOptimiser(optimiser=" + optimiser + ",schedule=" + schedule + ")";
    }
}
