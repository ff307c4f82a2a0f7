package io.github.tribuoswa.nn.swa;

import ai.djl.nn.Block;
import io.github.tribuoswa.nn.NetworkWeights;
import io.github.tribuoswa.schedule.LearningRateSchedule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Fast Geometric Ensembling (Garipov et al. 2018) for any DJL training run, as a
 * {@link ai.djl.training.listener.TrainingListener}: with a
 * {@link io.github.tribuoswa.schedule.TriangularSchedule} (or a phased schedule ending in one)
 * it copies every parameter of the network, BatchNorm statistics included, after each step k
 * with mod(k &minus; s, c) = c/2, the minimum of the rate, where s is the schedule's swaStart.
 * The snapshots are the ensemble's members.
 */
public final class FGEListener extends WeightCollector {

    private final LearningRateSchedule schedule;
    private final List<float[]> snapshots = new ArrayList<>();
    private final List<Long> steps = new ArrayList<>();

    /**
     * An FGE listener.
     * @param schedule The schedule whose cycle mid-points are snapshotted.
     */
    public FGEListener(LearningRateSchedule schedule) {
        this.schedule = schedule;
    }

    @Override
    protected boolean due(long k) {
        return k >= 1 && schedule.isCycleMidpoint(k);
    }

    @Override
    protected void collect(long k, Block block) {
        float[] w = NetworkWeights.read(block, NetworkWeights.Selection.ALL);
        for (int j = 0; j < w.length; j++) {
            if (!Float.isFinite(w[j])) {
                throw new IllegalStateException("FGE: the weights after step " + k + " are not finite and were not collected; training diverged");
            }
        }
        snapshots.add(w);
        steps.add(k);
        collected(k, snapshots.size());
    }

    @Override
    protected WeightCollector copyCollected() {
        FGEListener copy = new FGEListener(schedule);
        copy.restore(snapshots, steps);
        return copy;
    }

    @Override
    public long collections() {
        return snapshots.size();
    }

    /**
     * The snapshots so far, in order.
     * @return Flat weights of every parameter (read-only list).
     */
    public List<float[]> snapshots() {
        return Collections.unmodifiableList(snapshots);
    }

    /**
     * The steps after which the snapshots were taken.
     * @return The steps (read-only list).
     */
    public List<Long> snapshotSteps() {
        return Collections.unmodifiableList(steps);
    }

    /**
     * Restores snapshots from a checkpoint.
     * @param restoredSnapshots The weights.
     * @param restoredSteps Their steps.
     */
    public void restore(List<float[]> restoredSnapshots, List<Long> restoredSteps) {
        snapshots.clear();
        snapshots.addAll(restoredSnapshots);
        steps.clear();
        steps.addAll(restoredSteps);
    }
}
