package io.github.tribuoswa.nn.swa;

import ai.djl.nn.Block;
import io.github.tribuoswa.nn.core.CollectionEvent;
import io.github.tribuoswa.nn.core.DeviceWeights;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.Stateful.StateContext;
import io.github.tribuoswa.nn.core.WeightCollector;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.telemetry.Telemetry;
import io.github.tribuoswa.util.ArrayStreams;

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
 * The snapshots are the ensemble's members. Each is a {@link DeviceWeights}: a copy made on the
 * network's device, reaching the host only when a member model or a checkpoint is written.
 */
public final class FGEListener extends WeightCollector {

    private final LearningRateSchedule schedule;
    private final List<DeviceWeights> snapshots = new ArrayList<>();
    private final List<Long> steps = new ArrayList<>();
    /** How many of the first snapshots are shared with the collector this one was copied from. */
    private int shared;

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
        requireBounded("FGE", k, block, NetworkWeights.Selection.ALL);
        snapshots.add(DeviceWeights.copyOf(block, NetworkWeights.Selection.ALL));
        steps.add(k);
        collected(new CollectionEvent(Telemetry.SPAN_SNAPSHOT, Telemetry.METRIC_SNAPSHOTS, k, snapshots.size(),
                Map.of(Telemetry.SNAPSHOT_INDEX.getKey(), (long) snapshots.size() - 1,
                        Telemetry.LEARNING_RATE.getKey(), k >= 1 ? schedule.rate(k) : Double.NaN)));
    }

    /**
     * A copy that shares the snapshots taken so far (they never change) and owns only those it
     * takes itself.
     */
    @Override
    protected WeightCollector copyCollected() {
        FGEListener copy = new FGEListener(schedule);
        copy.snapshots.addAll(snapshots);
        copy.steps.addAll(steps);
        copy.shared = snapshots.size();
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
            snapshots.get(i).write(out);
        }
    }

    @Override
    protected void readCollected(DataInputStream in, int version, StateContext run) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("snapshot count " + n + " is negative");
        }
        List<float[]> values = new ArrayList<>();
        List<Long> restoredSteps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            restoredSteps.add(in.readLong());
            values.add(ArrayStreams.readFloats(in, Integer.MAX_VALUE / Float.BYTES));
        }
        int expected = NetworkWeights.size(run.network(), NetworkWeights.Selection.ALL);
        for (float[] v : values) {
            if (v.length != expected) {
                throw new IOException("a snapshot holds " + v.length + " values, the network " + expected);
            }
        }
        close();
        for (float[] v : values) {
            snapshots.add(DeviceWeights.fromHost(run.network(), NetworkWeights.Selection.ALL, v));
        }
        steps.addAll(restoredSteps);
    }

    @Override
    public long collections() {
        return snapshots.size();
    }

    /**
     * The snapshots so far, in order.
     * @return Every parameter of the network at each snapshot, on its device (read-only list).
     */
    public List<DeviceWeights> snapshots() {
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
     * Frees the snapshots this collector took (not those shared with the one it was copied from).
     */
    @Override
    public void close() {
        for (int i = shared; i < snapshots.size(); i++) {
            snapshots.get(i).close();
        }
        snapshots.clear();
        steps.clear();
        shared = 0;
    }
}
