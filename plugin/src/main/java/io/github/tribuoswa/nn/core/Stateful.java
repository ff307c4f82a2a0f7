package io.github.tribuoswa.nn.core;

import ai.djl.nn.Block;

/**
 * A piece of a training run whose state lasts across steps (a weight collector, the
 * optimiser) and that saves and restores it itself: the checkpoint is a list of
 * (name, version, bytes) entries, one per piece, plus the weights and the steps done, and
 * knows no piece by kind. A new averaging method or optimiser is checkpointed by implementing
 * this interface; nothing else changes.
 * <p>
 * Names must be unique within a run. The version lets a piece read the states its older
 * releases wrote, or refuse them clearly.
 */
public interface Stateful {

    /**
     * The name of this piece's state in the checkpoint, unique within a run.
     * @return The name, e.g. {@code swa}, {@code fge}, {@code optimiser}.
     */
    String stateName();

    /**
     * The version of the state format {@link #saveState} writes.
     * @return The version (&ge; 1).
     */
    int stateVersion();

    /**
     * The state after the steps done so far.
     * @param run The run: its network (for state kept per parameter) and steps done.
     * @return The bytes.
     */
    byte[] saveState(StateContext run);

    /**
     * Restores a state written by {@link #saveState}.
     * @param version The version it was written with.
     * @param state The bytes.
     * @param run The run: its network, weights already restored, and the steps done.
     * @throws IllegalStateException if the version is unknown or the bytes do not fit.
     */
    void restoreState(int version, byte[] state, StateContext run);

    /**
     * What a piece sees of the run when its state is saved or restored.
     * @param network The network being trained.
     * @param stepsDone The optimiser steps applied to the network's weights.
     */
    record StateContext(Block network, long stepsDone) {
    }
}
