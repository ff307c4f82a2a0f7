package io.github.tribuoswa.nn.swa;

/**
 * The unit of a cycle length given to the SWA and FGE trainers.
 */
public enum CycleUnit {
    /**
     * Optimiser steps.
     */
    ITERATIONS,
    /**
     * Epochs (cycle length × steps per epoch).
     */
    EPOCHS;

    /**
     * A length in steps.
     * @param length The length in this unit.
     * @param stepsPerEpoch Steps per epoch of the run.
     * @return The length in steps.
     */
    public long steps(long length, int stepsPerEpoch) {
        return this == EPOCHS ? length * stepsPerEpoch : length;
    }
}
