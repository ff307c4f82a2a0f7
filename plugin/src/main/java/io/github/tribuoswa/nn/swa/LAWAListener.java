package io.github.tribuoswa.nn.swa;

import ai.djl.nn.Block;
import io.github.tribuoswa.averaging.AverageRule;
import io.github.tribuoswa.nn.core.CollectionEvent;
import io.github.tribuoswa.nn.core.DeviceAverage;
import io.github.tribuoswa.nn.core.DeviceWeights;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.Stateful.StateContext;
import io.github.tribuoswa.nn.core.WeightCollector;
import io.github.tribuoswa.telemetry.Telemetry;
import io.github.tribuoswa.util.ArrayStreams;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Latest weight averaging (LAWA: Kaddour 2022, "Stop Wasting My Time! Saving Days of ImageNet
 * and BERT Training with Latest Weight Averaging"; Sanyal et al. 2023, "Early Weight Averaging
 * meets High Learning Rates for LLM Pre-training") for any DJL training run: after step k for
 * k = start + every, start + 2·every, … it keeps a copy of the weights, the k latest copies in a
 * ring buffer on the network's device, and the model is their uniform average. Unlike SWA it
 * needs no schedule of its own: it works along any schedule, a high constant rate included.
 * With {@code averageBuffers} the copies hold BatchNorm's running statistics too and they are
 * averaged as well; else the trainer refreshes them at the average.
 */
public final class LAWAListener extends WeightCollector {

    private final int latest;
    private final long start;
    private final long every;
    private final NetworkWeights.Selection selection;
    private final Deque<DeviceWeights> ring = new ArrayDeque<>();
    private final Deque<Long> steps = new ArrayDeque<>();
    private long taken;

    /**
     * A LAWA listener.
     * @param latest k, the copies averaged (&ge; 1).
     * @param start Steps before the first copy is due (&ge; 0): the first follows step start + every.
     * @param every Steps between copies (&ge; 1).
     * @param averageBuffers Whether BatchNorm running statistics are copied and averaged too.
     */
    public LAWAListener(int latest, long start, long every, boolean averageBuffers) {
        if (latest < 1) {
            throw new IllegalArgumentException("lawaLatest = " + latest + " is out of range; allowed: integer >= 1");
        }
        if (start < 0) {
            throw new IllegalArgumentException("lawaStart = " + start + " is out of range; allowed: integer >= 0 (steps)");
        }
        if (every < 1) {
            throw new IllegalArgumentException("lawaEvery = " + every + " is out of range; allowed: integer >= 1 (steps)");
        }
        this.latest = latest;
        this.start = start;
        this.every = every;
        this.selection = averageBuffers ? NetworkWeights.Selection.ALL : NetworkWeights.Selection.TRAINABLE;
    }

    @Override
    protected boolean due(long k) {
        return k > start && (k - start) % every == 0;
    }

    @Override
    protected void collect(long k, Block block) {
        requireBounded("LAWA", k, block, selection);
        ring.addLast(DeviceWeights.copyOf(block, selection));
        steps.addLast(k);
        taken++;
        if (ring.size() > latest) {
            ring.removeFirst().close();
            steps.removeFirst();
        }
        collected(new CollectionEvent(Telemetry.SPAN_SNAPSHOT, Telemetry.METRIC_SNAPSHOTS, k, taken,
                Map.of(Telemetry.MODELS_AVERAGED.getKey(), (long) ring.size())));
    }

    /**
     * A copy holding copies of the weights held (the ring evicts, so nothing is shared).
     */
    @Override
    protected WeightCollector copyCollected() {
        LAWAListener copy = new LAWAListener(latest, start, every, selection == NetworkWeights.Selection.ALL);
        for (DeviceWeights w : ring) {
            copy.ring.addLast(w.duplicate());
        }
        copy.steps.addAll(steps);
        copy.taken = taken;
        return copy;
    }

    /**
     * Writes the uniform average of the copies held into a network (in place, on its device).
     * @param block The network.
     * @throws IllegalStateException if no copy was taken.
     */
    public void writeAverage(Block block) {
        if (ring.isEmpty()) {
            throw new IllegalStateException("LAWA took no copy: lawaStart = " + start + " and lawaEvery = " + every
                    + " are out of range for a run of " + stepsDone() + " steps; allowed: lawaStart + lawaEvery <= " + stepsDone());
        }
        try (DeviceAverage average = new DeviceAverage(AverageRule.EQUAL, selection, DeviceAverage.Precision.FLOAT32)) {
            for (DeviceWeights w : ring) {
                average.update(w, block);
            }
            average.writeTo(block);
        }
    }

    /**
     * The steps after which the copies held were taken, oldest first.
     * @return The steps.
     */
    public List<Long> heldSteps() {
        return List.copyOf(steps);
    }

    /**
     * The copies held.
     * @return min(k, copies taken).
     */
    public int held() {
        return ring.size();
    }

    @Override
    public long collections() {
        return taken;
    }

    @Override
    public String stateName() {
        return "lawa";
    }

    @Override
    public int stateVersion() {
        return 1;
    }

    @Override
    protected void writeCollected(DataOutputStream out) throws IOException {
        out.writeLong(taken);
        out.writeInt(ring.size());
        List<Long> s = new ArrayList<>(steps);
        int i = 0;
        for (DeviceWeights w : ring) {
            out.writeLong(s.get(i++));
            w.write(out);
        }
    }

    @Override
    protected void readCollected(DataInputStream in, int version, StateContext run) throws IOException {
        long restoredTaken = in.readLong();
        int n = in.readInt();
        if (restoredTaken < 0 || n < 0 || n > latest || n > restoredTaken) {
            throw new IOException("LAWA state of " + n + " copies of " + restoredTaken + " taken does not fit lawaLatest = " + latest);
        }
        List<Long> restoredSteps = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        int expected = NetworkWeights.size(run.network(), selection);
        for (int i = 0; i < n; i++) {
            restoredSteps.add(in.readLong());
            float[] v = ArrayStreams.readFloats(in, Integer.MAX_VALUE / Float.BYTES);
            if (v.length != expected) {
                throw new IOException("a LAWA copy holds " + v.length + " values, the network " + expected);
            }
            values.add(v);
        }
        close();
        for (float[] v : values) {
            ring.addLast(DeviceWeights.fromHost(run.network(), selection, v));
        }
        steps.addAll(restoredSteps);
        taken = restoredTaken;
    }

    /**
     * Frees the copies on the device.
     */
    @Override
    public void close() {
        for (DeviceWeights w : ring) {
            w.close();
        }
        ring.clear();
        steps.clear();
    }

    @Override
    public String toString() {
        return "LAWAListener(latest=" + latest + ",start=" + start + ",every=" + every + ",selection=" + selection + ")";
    }
}
