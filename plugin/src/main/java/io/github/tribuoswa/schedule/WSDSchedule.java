package io.github.tribuoswa.schedule;

import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.util.Checks;

/**
 * Warmup-stable-decay (Hägele et al. 2024, "Scaling Laws and Compute-Optimal Training Beyond
 * Fixed Training Durations"): a linear warm-up over W steps, the constant peak rate α, then a
 * cool-down over the last C = round(f·B) steps of the budget B. With i counted from 1:
 * <pre>
 *   α(i) = α·i / W                          for i &le; W
 *   α(i) = α                                for W &lt; i &le; B &minus; C
 *   α(i) = α·s(τ),  τ = (i &minus; (B &minus; C) &minus; 1) / C    for i &gt; B &minus; C (τ capped at (C &minus; 1)/C)
 * </pre>
 * with the cool-down shape s(τ) = 1 &minus; √τ (the paper's choice) or 1 &minus; τ (linear). τ runs
 * over 0, 1/C, …, (C &minus; 1)/C, so the first cool-down step is at α and the last above 0, as
 * in the authors' step-indexed code; steps beyond B keep the last rate. The schedule has no
 * cycles: SWA or LAWA during the constant phase take their own averaging points (an
 * {@code SWATrainer} whose phase is the constant α, a {@code LAWATrainer} on this schedule).
 */
public final class WSDSchedule implements DecaySchedule {

    /**
     * The shape of the cool-down.
     */
    public enum Shape {
        /** s(τ) = 1 &minus; √τ (Hägele et al.'s "1-sqrt"). */
        SQRT,
        /** s(τ) = 1 &minus; τ. */
        LINEAR
    }

    @Config(mandatory = true, description = "α, the peak (constant-phase) learning rate (> 0).")
    private double peakLearningRate;

    @Config(mandatory = true, description = "The budget B in steps (>= 1): the cool-down ends at step B.")
    private long budget;

    @Config(description = "W, the steps of the linear warm-up (>= 0; 0 for none).")
    private long warmupSteps = 0;

    @Config(description = "f, the fraction of the budget that is cool-down, in [0, 1]: C = round(f B) steps.")
    private double cooldownFraction = 0.2;

    @Config(description = "The cool-down's shape: SQRT (1 - sqrt(tau), the paper's) or LINEAR (1 - tau).")
    private Shape cooldownShape = Shape.SQRT;

    /**
     * For OLCUT.
     */
    private WSDSchedule() {}

    /**
     * A WSD schedule.
     * @param peakLearningRate α (&gt; 0).
     * @param budget B in steps (&ge; 1).
     * @param warmupSteps W (&ge; 0).
     * @param cooldownFraction f in [0, 1].
     * @param cooldownShape SQRT or LINEAR.
     */
    public WSDSchedule(double peakLearningRate, long budget, long warmupSteps, double cooldownFraction, Shape cooldownShape) {
        this.peakLearningRate = peakLearningRate;
        this.budget = budget;
        this.warmupSteps = warmupSteps;
        this.cooldownFraction = cooldownFraction;
        this.cooldownShape = cooldownShape;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.positive(this, "peakLearningRate", peakLearningRate);
        Checks.atLeast(this, "budget", budget, 1);
        Checks.atLeast(this, "warmupSteps", warmupSteps, 0);
        Checks.closedFraction(this, "cooldownFraction", cooldownFraction);
        Checks.present(this, "cooldownShape", cooldownShape);
        if (warmupSteps + cooldownSteps() > budget) {
            throw Checks.outOfRange(this, "warmupSteps", warmupSteps, "integer in [0, budget - cool-down = " + budget + " - "
                    + cooldownSteps() + "] (warm-up and cool-down must fit in the budget)");
        }
    }

    /**
     * C, the cool-down's steps.
     * @return round(f·B).
     */
    public long cooldownSteps() {
        return Math.round(cooldownFraction * budget);
    }

    /**
     * The first step of the cool-down.
     * @return B &minus; C + 1.
     */
    public long cooldownStart() {
        return budget - cooldownSteps() + 1;
    }

    @Override
    public double rate(long iteration) {
        long i = Cycles.checkIteration(iteration);
        if (i <= warmupSteps) {
            return peakLearningRate * i / warmupSteps;
        }
        long c = cooldownSteps();
        if (c == 0 || i <= budget - c) {
            return peakLearningRate;
        }
        double tau = (double) Math.min(i - (budget - c) - 1, c - 1) / c;
        return peakLearningRate * (cooldownShape == Shape.SQRT ? 1 - Math.sqrt(tau) : 1 - tau);
    }

    @Override
    public String toString() {
        return "WSDSchedule(peakLearningRate=" + peakLearningRate + ",budget=" + budget + ",warmupSteps=" + warmupSteps
                + ",cooldownFraction=" + cooldownFraction + ",cooldownShape=" + cooldownShape + ")";
    }
}
