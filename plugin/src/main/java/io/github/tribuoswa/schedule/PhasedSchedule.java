package io.github.tribuoswa.schedule;

import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.util.Checks;

/**
 * Two phases: {@code before} for the first {@code swaStart} steps, then {@code phase} counted
 * from the step after:
 * <pre>
 *   α(i) = before(i)          for i &le; s
 *   α(i) = phase(i &minus; s)      for i &gt; s
 * </pre>
 * Cycle ends and mid-points are the phase's, shifted by s; the weights after step s are ŵ.
 * This is how an SGD schedule hands over to an SWA or FGE phase (PyTorch: the usual scheduler,
 * then {@code SWALR} from {@code swa_start}).
 */
public final class PhasedSchedule implements LearningRateSchedule {

    @Config(mandatory = true, description = "The schedule of the first swaStart steps.")
    private LearningRateSchedule before;

    @Config(mandatory = true, description = "Number of steps before the phase (>= 0).")
    private long swaStart;

    @Config(mandatory = true, description = "The schedule after swaStart, counted from its step 1; it must cycle from its first step.")
    private LearningRateSchedule phase;

    /**
     * For OLCUT.
     */
    private PhasedSchedule() {}

    /**
     * Two phases.
     * @param before The first phase.
     * @param swaStart Steps of the first phase (&ge; 0).
     * @param phase The second phase.
     */
    public PhasedSchedule(LearningRateSchedule before, long swaStart, LearningRateSchedule phase) {
        this.before = before;
        this.swaStart = swaStart;
        this.phase = phase;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.present(this, "before", before);
        Checks.atLeast(this, "swaStart", swaStart, 0);
        Checks.present(this, "phase", phase);
        if (phase.swaStart() != 0) {
            throw Checks.outOfRange(this, "phase", phase, "a schedule that cycles from its first step (swaStart() = 0)");
        }
    }

    @Override
    public double rate(long iteration) {
        Cycles.checkIteration(iteration);
        return iteration <= swaStart ? before.rate(iteration) : phase.rate(iteration - swaStart);
    }

    @Override
    public boolean isCycleEnd(long iteration) {
        return iteration > swaStart && phase.isCycleEnd(iteration - swaStart);
    }

    @Override
    public boolean isCycleMidpoint(long iteration) {
        return iteration > swaStart && phase.isCycleMidpoint(iteration - swaStart);
    }

    @Override
    public long swaStart() {
        return swaStart;
    }

    @Override
    public long cycleLength() {
        return phase.cycleLength();
    }

    @Override
    public String toString() {
        return "PhasedSchedule(before=" + before + ",swaStart=" + swaStart + ",phase=" + phase + ")";
    }
}
