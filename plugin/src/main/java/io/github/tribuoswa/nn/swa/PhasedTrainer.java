package io.github.tribuoswa.nn.swa;

import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.nn.NetworkTrainer;
import io.github.tribuoswa.nn.NetworkTrainerBuilder;
import io.github.tribuoswa.nn.convert.FeatureConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.schedule.PhasedSchedule;
import io.github.tribuoswa.util.Checks;
import org.tribuo.Model;
import org.tribuo.Output;

/**
 * A network trainer whose run has an averaging (or ensembling) phase: {@code phaseStart} epochs
 * of the SGD {@code schedule}, then {@code phaseSchedule}, counted from the phase's first step,
 * with its cycle length in {@code cycleUnit}. The run's schedule is
 * {@code PhasedSchedule(schedule, phaseStart·stepsPerEpoch, phaseSchedule)}. {@link SWATrainer}
 * and {@link FGETrainer} take their phase this way, as {@link io.github.tribuoswa.sgd.SWAOptimiser}
 * does (in steps): one vocabulary for every method.
 * @param <T> The output type.
 * @param <M> The model type.
 */
public abstract class PhasedTrainer<T extends Output<T>, M extends Model<T>> extends NetworkTrainer<T, M> {

    @Config(description = "Epochs of the SGD phase before the averaging phase, in [0, epochs - 1]; 0 with a pre-trained initialModel.")
    protected int phaseStart = 0;

    @Config(mandatory = true, description = "The averaging phase's schedule, counted from its first step (its cycle length in cycleUnit): "
            + "ConstantSchedule or CyclicSchedule for SWA (averaging at cycle ends), TriangularSchedule for FGE (snapshots at mid-points).")
    protected LearningRateSchedule phaseSchedule;

    @Config(description = "Unit of phaseSchedule's cycle length: EPOCHS or ITERATIONS.")
    protected CycleUnit cycleUnit = CycleUnit.EPOCHS;

    /**
     * For OLCUT and the builders.
     */
    protected PhasedTrainer() {}

    @Override
    public synchronized void postConfig() {
        super.postConfig();
        if (phaseStart < 0 || phaseStart >= epochs) {
            throw Checks.outOfRange(this, "phaseStart", phaseStart, "integer in [0, epochs - 1 = " + (epochs - 1) + "] (epochs before the phase)");
        }
        Checks.present(this, "phaseSchedule", phaseSchedule);
        Checks.present(this, "cycleUnit", cycleUnit);
        if (phaseSchedule.swaStart() != 0) {
            throw Checks.outOfRange(this, "phaseSchedule", phaseSchedule, "a schedule that cycles from its first step (no phase of its own)");
        }
        if (cycleUnit == CycleUnit.EPOCHS) {
            try {
                phaseSchedule.withCycleLength(Math.max(1, phaseSchedule.cycleLength()));
            } catch (IllegalArgumentException e) {
                throw Checks.outOfRange(this, "phaseSchedule", phaseSchedule, e.getMessage());
            }
        }
    }

    /**
     * The SGD schedule for the first phaseStart epochs, then the phase, its cycle in steps.
     * @param stepsPerEpoch Steps per epoch of this run.
     * @return The run's schedule.
     */
    @Override
    protected LearningRateSchedule runSchedule(int stepsPerEpoch) {
        LearningRateSchedule phase = cycleUnit == CycleUnit.EPOCHS
                ? phaseSchedule.withCycleLength(cycleUnit.steps(Math.max(1, phaseSchedule.cycleLength()), stepsPerEpoch)) : phaseSchedule;
        long phaseSteps = (long) (epochs - phaseStart) * stepsPerEpoch;
        long cycle = Math.max(1, phase.cycleLength());
        long got = collectionsIn(phaseSteps, cycle);
        long need = collectionsNeeded();
        if (got < need) {
            throw Checks.outOfRange(this, "phaseSchedule", phaseSchedule + " in " + cycleUnit + " (a cycle of " + cycle + " steps: "
                    + got + " " + method() + " collection(s) after the phase's start, the method needs " + need + ")", "a cycle short enough "
                    + "for " + need + " collection(s) within the phase of (epochs - phaseStart) x steps per epoch = (" + epochs + " - "
                    + phaseStart + ") x " + stepsPerEpoch + " = " + phaseSteps + " steps; shorten the cycle, lower phaseStart or raise epochs");
        }
        return new PhasedSchedule(schedule, (long) phaseStart * stepsPerEpoch, phase);
    }

    /**
     * How many collections the method makes after the phase's start in a phase of this many
     * steps with cycles of c steps: its cycle ends (SWA and SWAG) unless the method says
     * otherwise. ŵ, taken at the start, is not counted.
     * @param phaseSteps The phase's steps.
     * @param cycleSteps c.
     * @return The collections.
     */
    protected long collectionsIn(long phaseSteps, long cycleSteps) {
        return phaseSteps / cycleSteps;
    }

    /**
     * How many collections after the phase's start the method needs (1 unless it says
     * otherwise); a run whose phase holds fewer is refused before training.
     * @return The collections.
     */
    protected long collectionsNeeded() {
        return 1;
    }

    /**
     * The builder of a trainer with a phase: the common hyper-parameters of
     * {@link NetworkTrainerBuilder} and the phase's.
     * @param <T> The output type.
     * @param <R> The trainer type.
     * @param <B> The builder type.
     */
    public abstract static class Builder<T extends Output<T>, R extends PhasedTrainer<T, ?>, B extends Builder<T, R, B>>
            extends NetworkTrainerBuilder<T, R, B> {

        /**
         * A builder filling in a trainer made with its no-argument constructor.
         * @param fresh The trainer.
         * @param network The network factory.
         * @param featureConverter The feature converter.
         * @param outputConverter The output converter.
         */
        protected Builder(R fresh, NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter) {
            super(fresh, network, featureConverter, outputConverter);
        }

        /**
         * Epochs of the SGD phase before the averaging phase (default 0).
         * @param epochs In [0, epochs − 1].
         * @return this.
         */
        public B phaseStart(int epochs) {
            trainer().phaseStart = epochs;
            return self();
        }

        /**
         * The averaging phase's schedule (mandatory), counted from the phase's first step.
         * @param schedule The schedule.
         * @return this.
         */
        public B phaseSchedule(LearningRateSchedule schedule) {
            trainer().phaseSchedule = schedule;
            return self();
        }

        /**
         * The unit of the phase schedule's cycle length (default EPOCHS).
         * @param unit EPOCHS or ITERATIONS.
         * @return this.
         */
        public B cycleUnit(CycleUnit unit) {
            trainer().cycleUnit = unit;
            return self();
        }
    }
}
