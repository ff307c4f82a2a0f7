package io.github.tribuoswa.nn.swa;

import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.schedule.PhasedSchedule;
import io.github.tribuoswa.util.Checks;

/**
 * The averaging phase as SWA and FGE trainers take it: {@code phaseStart} epochs of the SGD
 * schedule, then {@code phaseSchedule} with its cycle length in {@code cycleUnit}; its checks
 * and the run's whole schedule, in one place for both.
 */
final class PhaseChecks {

    private PhaseChecks() {}

    /**
     * Checks the phase.
     * @param owner The trainer (named in errors).
     * @param epochs The run's epochs.
     * @param phaseStart Epochs before the phase.
     * @param phaseSchedule The phase's schedule.
     * @param cycleUnit The unit of its cycle length.
     */
    static void check(Object owner, int epochs, int phaseStart, LearningRateSchedule phaseSchedule, CycleUnit cycleUnit) {
        if (phaseStart < 0 || phaseStart >= epochs) {
            throw Checks.outOfRange(owner, "phaseStart", phaseStart, "integer in [0, epochs - 1 = " + (epochs - 1) + "] (epochs before the phase)");
        }
        Checks.present(owner, "phaseSchedule", phaseSchedule);
        Checks.present(owner, "cycleUnit", cycleUnit);
        if (phaseSchedule.swaStart() != 0) {
            throw Checks.outOfRange(owner, "phaseSchedule", phaseSchedule, "a schedule that cycles from its first step (no phase of its own)");
        }
        if (cycleUnit == CycleUnit.EPOCHS) {
            try {
                phaseSchedule.withCycleLength(Math.max(1, phaseSchedule.cycleLength()));
            } catch (IllegalArgumentException e) {
                throw Checks.outOfRange(owner, "phaseSchedule", phaseSchedule, e.getMessage());
            }
        }
    }

    /**
     * The run's schedule: the SGD schedule for the first phaseStart epochs, then the phase.
     * @param schedule The SGD phase's schedule.
     * @param phaseStart Epochs before the phase.
     * @param phaseSchedule The phase's schedule.
     * @param cycleUnit The unit of its cycle length.
     * @param stepsPerEpoch Steps per epoch.
     * @return The schedule.
     */
    static LearningRateSchedule runSchedule(LearningRateSchedule schedule, int phaseStart, LearningRateSchedule phaseSchedule,
                                            CycleUnit cycleUnit, int stepsPerEpoch) {
        LearningRateSchedule phase = cycleUnit == CycleUnit.EPOCHS
                ? phaseSchedule.withCycleLength(cycleUnit.steps(Math.max(1, phaseSchedule.cycleLength()), stepsPerEpoch)) : phaseSchedule;
        return new PhasedSchedule(schedule, (long) phaseStart * stepsPerEpoch, phase);
    }
}
