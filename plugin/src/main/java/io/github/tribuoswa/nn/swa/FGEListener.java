package io.github.tribuoswa.nn.swa;

import ai.djl.nn.Block;
import io.github.tribuoswa.nn.core.CollectionEvent;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.WeightCollector;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.telemetry.Telemetry;
import io.github.tribuoswa.util.ArrayStreams;
import io.github.tribuoswa.util.Checks;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

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
        if (Checks.firstNonFinite(w) >= 0) {
            throw new IllegalStateException("FGE: the weights after step " + k + " are not finite and were not collected; training diverged");
        }
        snapshots.add(w);
        steps.add(k);
        collected(new CollectionEvent(Telemetry.SPAN_SNAPSHOT, Telemetry.METRIC_SNAPSHOTS, k, snapshots.size(),
                Map.of(Telemetry.SNAPSHOT_INDEX.getKey(), (long) snapshots.size() - 1,
                        Telemetry.LEARNING_RATE.getKey(), k >= 1 ? schedule.rate(k) : Double.NaN)));
    }

    @Override
    protected WeightCollector copyCollected() {
        FGEListener copy = new FGEListener(schedule);
        copy.restore(snapshots, steps);
        return copy;
    }

    @Override
    public String stateName() {
        return "fge";
    }

    @Override
    public int stateVersion() {
        return 1;
    }

    @Override
    protected void writeCollected(DataOutputStream out) throws IOException {
        out.writeInt(snapshots.size());
        for (int i = 0; i < snapshots.size(); i++) {
            out.writeLong(steps.get(i));
            ArrayStreams.writeFloats(out, snapshots.get(i));
        }
    }

    @Override
    protected void readCollected(DataInputStream in, int version) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("snapshot count " + n + " is negative");
        }
        List<float[]> restoredSnapshots = new ArrayList<>();
        List<Long> restoredSteps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            restoredSteps.add(in.readLong());
            restoredSnapshots.add(ArrayStreams.readFloats(in, Integer.MAX_VALUE / Float.BYTES));
        }
        restore(restoredSnapshots, restoredSteps);
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

    private void restore(List<float[]> restoredSnapshots, List<Long> restoredSteps) {
        snapshots.clear();
        snapshots.addAll(restoredSnapshots);
        steps.clear();
        steps.addAll(restoredSteps);
    }
}
