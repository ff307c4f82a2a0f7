package io.github.tribuoswa.sgd;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.util.Checks;
import org.tribuo.math.Parameters;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.la.Tensor;
import org.tribuo.math.optimisers.SGD;

/**
 * Stochastic gradient descent whose rate follows any {@link LearningRateSchedule}, with no
 * momentum, standard momentum or Nesterov momentum: cyclic rates without averaging.
 * <p>
 * With gradient g_i, momentum ρ and buffer m (as Tribuo's {@link SGD} and PyTorch's SGD):
 * <pre>
 *   NONE:      w &larr; w &minus; α(i)·g_i
 *   STANDARD:  m &larr; ρ·m + g_i;  w &larr; w &minus; α(i)·m
 *   NESTEROV:  m &larr; ρ·m + g_i;  w &larr; w &minus; α(i)·(g_i + ρ·m)
 * </pre>
 * It is Tribuo's SGD at rate 1 inside a {@link ScheduledOptimiser}.
 */
public final class ScheduledSGD implements StochasticGradientOptimiser {

    @Config(mandatory = true, description = "The learning-rate schedule α(i).")
    private LearningRateSchedule schedule;

    @Config(description = "Momentum type: NONE, STANDARD or NESTEROV.")
    private SGD.Momentum momentum = SGD.Momentum.NONE;

    @Config(description = "Momentum factor ρ in [0, 1).")
    private double rho = 0.0;

    private ScheduledOptimiser delegate;

    /**
     * For OLCUT.
     */
    private ScheduledSGD() {}

    /**
     * Scheduled SGD without momentum.
     * @param schedule The schedule.
     */
    public ScheduledSGD(LearningRateSchedule schedule) {
        this(schedule, SGD.Momentum.NONE, 0.0);
    }

    /**
     * Scheduled SGD.
     * @param schedule The schedule.
     * @param momentum The momentum type.
     * @param rho The momentum factor ρ in [0, 1).
     */
    public ScheduledSGD(LearningRateSchedule schedule, SGD.Momentum momentum, double rho) {
        this.schedule = schedule;
        this.momentum = momentum;
        this.rho = rho;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.present(this, "schedule", schedule);
        Checks.present(this, "momentum", momentum);
        Checks.fraction(this, "rho", rho);
        delegate = new ScheduledOptimiser(SGD.getSimpleSGD(1.0, rho, momentum), schedule);
    }

    @Override
    public void initialise(Parameters parameters) {
        delegate.initialise(parameters);
    }

    @Override
    public Tensor[] step(Tensor[] updates, double weight) {
        return delegate.step(updates, weight);
    }

    @Override
    public void finalise() {
        delegate.finalise();
    }

    @Override
    public void reset() {
        delegate.reset();
    }

    @Override
    public ScheduledSGD copy() {
        return new ScheduledSGD(schedule, momentum, rho);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "StochasticGradientOptimiser");
    }

    @Override
    public String toString() {
        return "ScheduledSGD(schedule=" + schedule + ",momentum=" + momentum + ",rho=" + rho + ")";
    }
}
