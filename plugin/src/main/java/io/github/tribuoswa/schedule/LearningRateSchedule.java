package io.github.tribuoswa.schedule;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

/**
 * A learning-rate schedule over optimiser steps, the one clock that SWA and FGE share.
 * <p>
 * Iterations are counted i = 1, 2, &hellip; over optimiser steps, not epochs (Izmailov et al.
 * 2018, §3.2). A schedule answers three questions about an iteration: the rate α(i) to use
 * for that step, whether the step ends a cycle (where SWA averages the weights), and whether
 * it is a cycle's mid-point (where FGE, whose rate is lowest there, takes a snapshot).
 * {@link #swaStart()} names the iteration whose weights are ŵ, the starting point of the
 * averaging phase of Algorithm 1; cycles are counted from there.
 * <p>
 * Implementations are immutable and safe to share between threads and trainers.
 */
public interface LearningRateSchedule extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * The learning rate for optimiser step i.
     * @param iteration The step, counted from 1.
     * @return α(i), finite and &gt; 0.
     * @throws IllegalArgumentException if iteration &lt; 1.
     */
    double rate(long iteration);

    /**
     * Whether step i ends a cycle: the weights after it are averaged into w_SWA.
     * @param iteration The step, counted from 1.
     * @return True if step i ends a cycle.
     */
    boolean isCycleEnd(long iteration);

    /**
     * Whether step i is the mid-point of a cycle: FGE collects the weights after it.
     * @param iteration The step, counted from 1.
     * @return True if step i is a cycle's mid-point.
     */
    boolean isCycleMidpoint(long iteration);

    /**
     * The number of steps before the averaging phase: the weights after this many steps are
     * ŵ, the first model of Algorithm 1, and cycles are counted from the step after. Zero for
     * schedules that cycle from the first step.
     * @return The SWA start, in steps (&ge; 0).
     */
    default long swaStart() {
        return 0;
    }

    /**
     * The cycle length c in steps after {@link #swaStart()}, or 0 for a schedule without
     * cycles. Telemetry uses it to report cycles (or epochs, when cycles are shorter).
     * @return c, or 0.
     */
    default long cycleLength() {
        return 0;
    }

    /**
     * The same schedule with cycle length c (steps): how a phase schedule given with its
     * cycle in epochs becomes the run's, once the steps per epoch are known. Schedules
     * without a cycle length refuse it.
     * @param cycleLength The cycle length in steps (&ge; 1).
     * @return The schedule.
     * @throws IllegalArgumentException if this schedule has no cycle length to set.
     */
    default LearningRateSchedule withCycleLength(long cycleLength) {
        throw new IllegalArgumentException(this + " has no cycle length to measure in epochs; give cycleUnit = ITERATIONS, or a "
                + "ConstantSchedule, CyclicSchedule or TriangularSchedule");
    }

    @Override
    default ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "LearningRateSchedule");
    }
}
