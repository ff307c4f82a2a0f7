package io.github.tribuoswa.schedule;

import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.util.Checks;

/**
 * The whole-run schedule of the SWA paper's experiments: the {@link BaselineSchedule} compressed
 * into the first {@code swaStart} steps, decaying from α0 to the SWA phase's first rate, then
 * the SWA phase (a {@link ConstantSchedule} or {@link CyclicSchedule}, or any other schedule)
 * counted from the step after {@code swaStart}:
 * <pre>
 *   α(i) = α0·factor((i &minus; 1) / s, r)   for i &le; s,   r = α_SWA(1) / α0
 *   α(i) = α_SWA(i &minus; s)                 for i &gt; s
 * </pre>
 * where s = swaStart and factor is the baseline's (α0 for the first half, linear decay by 90%,
 * then r). This is the authors' SWA training script: t = epoch / swa_start, with
 * lr_ratio = swa_lr / lr_init. Cycle ends and mid-points are those of the SWA phase, shifted
 * by s; the weights after step s are ŵ. It is a {@link PhasedSchedule} whose first phase is a
 * {@link BaselineSchedule} with budget s and final ratio r.
 */
public final class SWASchedule implements LearningRateSchedule {

    @Config(mandatory = true, description = "α0, the initial learning rate of the SGD phase (> 0).")
    private double initialLearningRate;

    @Config(mandatory = true, description = "Number of SGD steps before the SWA phase (>= 1).")
    private long swaStart;

    @Config(mandatory = true, description = "The schedule of the SWA phase, counted from the step after swaStart.")
    private LearningRateSchedule swaPhase;

    private PhasedSchedule phases;

    /**
     * For OLCUT.
     */
    private SWASchedule() {}

    /**
     * The SWA paper's schedule.
     * @param initialLearningRate α0 (&gt; 0).
     * @param swaStart The number of SGD steps before the SWA phase (&ge; 1).
     * @param swaPhase The SWA phase's schedule, counted from step swaStart + 1.
     */
    public SWASchedule(double initialLearningRate, long swaStart, LearningRateSchedule swaPhase) {
        this.initialLearningRate = initialLearningRate;
        this.swaStart = swaStart;
        this.swaPhase = swaPhase;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.positive(this, "initialLearningRate", initialLearningRate);
        Checks.atLeast(this, "swaStart", swaStart, 1);
        Checks.present(this, "swaPhase", swaPhase);
        if (swaPhase.swaStart() != 0) {
            throw Checks.outOfRange(this, "swaPhase", swaPhase, "a schedule that cycles from its first step (swaStart() = 0)");
        }
        BaselineSchedule compressed = new BaselineSchedule(initialLearningRate, swaStart, swaPhase.rate(1) / initialLearningRate);
        phases = new PhasedSchedule(compressed, swaStart, swaPhase);
    }

    @Override
    public double rate(long iteration) {
        return phases.rate(iteration);
    }

    @Override
    public boolean isCycleEnd(long iteration) {
        return phases.isCycleEnd(iteration);
    }

    @Override
    public boolean isCycleMidpoint(long iteration) {
        return phases.isCycleMidpoint(iteration);
    }

    @Override
    public long swaStart() {
        return swaStart;
    }

    @Override
    public long cycleLength() {
        return phases.cycleLength();
    }

    @Override
    public String toString() {
        return "SWASchedule(initialLearningRate=" + initialLearningRate + ",swaStart=" + swaStart + ",swaPhase=" + swaPhase + ")";
    }
}
