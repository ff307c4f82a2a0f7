package io.github.tribuoswa.nn.swa;

import ai.djl.nn.Block;
import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.averaging.AveragingPoints;
import io.github.tribuoswa.averaging.WeightAverage;
import io.github.tribuoswa.nn.core.CollectionEvent;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.WeightCollector;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.telemetry.Telemetry;
import io.github.tribuoswa.util.ArrayStreams;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;

/**
 * Stochastic Weight Averaging (Izmailov et al. 2018, Algorithm 1) for any DJL training run, as
 * a {@link ai.djl.training.listener.TrainingListener}: add it to a {@code TrainingConfig}
 * together with a {@link io.github.tribuoswa.nn.optim.ScheduleTracker} of the same schedule,
 * train, then call {@link #writeAverage(Block)} (and refresh BatchNorm statistics with
 * {@link io.github.tribuoswa.nn.core.BatchNormRefresh}).
 * <p>
 * It averages the weights at the points {@link AveragingPoints} names: ŵ (the weights after
 * the schedule's {@code swaStart} steps) if {@code countStartWeights}, and the weights after
 * every cycle end after it, equally (Algorithm 1) or as an EMA. Only trainable weights are
 * averaged unless {@code averageBuffers} is set, when the BatchNorm running statistics are
 * averaged too (PyTorch's {@code AveragedModel(use_buffers=True)}). Weights that are not
 * finite are never averaged in: the run stops with an error naming the step. The tests check
 * the average against weights captured independently at Algorithm 1's steps.
 */
public final class SWAListener extends WeightCollector {

    private final AveragingPoints points;
    private final Averaging averaging;
    private final double emaDecay;
    private final NetworkWeights.Selection selection;
    private WeightAverage average;

    /**
     * An SWA listener.
     * @param schedule The schedule (its cycle ends after its swaStart are averaged).
     * @param countStartWeights Whether ŵ is the first model.
     * @param averaging EQUAL or EMA.
     * @param emaDecay The EMA decay (EMA only).
     * @param averageBuffers Whether BatchNorm running statistics are averaged too.
     */
    public SWAListener(LearningRateSchedule schedule, boolean countStartWeights, Averaging averaging, double emaDecay, boolean averageBuffers) {
        this(new AveragingPoints(schedule, countStartWeights), averaging, emaDecay,
                averageBuffers ? NetworkWeights.Selection.ALL : NetworkWeights.Selection.TRAINABLE);
    }

    private SWAListener(AveragingPoints points, Averaging averaging, double emaDecay, NetworkWeights.Selection selection) {
        this.points = points;
        this.averaging = averaging;
        this.emaDecay = emaDecay;
        this.selection = selection;
    }

    @Override
    protected WeightCollector copyCollected() {
        SWAListener copy = new SWAListener(points, averaging, emaDecay, selection);
        if (average != null && average.count() > 0) {
            copy.average = newAverage(average.size());
            copy.average.restore(average.average(), average.count());
        }
        return copy;
    }

    @Override
    protected boolean due(long k) {
        return points.includes(k);
    }

    /**
     * A new, empty average of this listener's kind.
     * @param size The number of weights.
     * @return The average.
     */
    public WeightAverage newAverage(int size) {
        return averaging.create(size, emaDecay);
    }

    @Override
    protected void collect(long k, Block block) {
        float[] w = NetworkWeights.read(block, selection);
        if (average == null) {
            average = newAverage(w.length);
        }
        try {
            average.update(w);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("SWA: the weights after step " + k + " are not finite and were not averaged in; training diverged", e);
        }
        collected(new CollectionEvent(Telemetry.SPAN_AVERAGE, Telemetry.METRIC_AVERAGES, k, average.count(),
                Map.of(Telemetry.MODELS_AVERAGED.getKey(), average.count())));
    }

    /**
     * The running average, or null before the first averaging point.
     * @return w_SWA and its model count.
     */
    public WeightAverage average() {
        return average;
    }

    /**
     * Which parameters are averaged.
     * @return TRAINABLE, or ALL with averaged buffers.
     */
    public NetworkWeights.Selection selection() {
        return selection;
    }

    /**
     * The number of models averaged so far.
     * @return n_models.
     */
    public long averagedModels() {
        return average == null ? 0 : average.count();
    }

    @Override
    public String stateName() {
        return "swa";
    }

    @Override
    public int stateVersion() {
        return 1;
    }

    @Override
    protected void writeCollected(DataOutputStream out) throws IOException {
        out.writeLong(averagedModels());
        if (averagedModels() > 0) {
            ArrayStreams.writeDoubles(out, average.average());
        }
    }

    @Override
    protected void readCollected(DataInputStream in, int version) throws IOException {
        long count = in.readLong();
        average = null;
        if (count > 0) {
            double[] mean = ArrayStreams.readDoubles(in, Integer.MAX_VALUE / Double.BYTES);
            average = newAverage(mean.length);
            average.restore(mean, count);
        }
    }

    @Override
    public long collections() {
        return averagedModels();
    }

    /**
     * Writes w_SWA into a network (in place).
     * @param block The network.
     * @throws IllegalStateException if nothing was averaged (training ended before swaStart).
     */
    public void writeAverage(Block block) {
        if (average == null || average.count() == 0) {
            throw new IllegalStateException("SWA averaged no weights: swaStart = " + points.swaStart() + " is out of range for a run of "
                    + stepsDone() + " steps; allowed: swaStart < " + stepsDone());
        }
        float[] w = new float[average.size()];
        average.copyTo(w);
        NetworkWeights.write(block, selection, w);
    }
}
