package io.github.tribuoswa.nn.swa;

import ai.djl.nn.Block;
import io.github.tribuoswa.averaging.AverageRule;
import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.averaging.AveragingPoints;
import io.github.tribuoswa.nn.core.CollectionEvent;
import io.github.tribuoswa.nn.core.DeviceAverage;
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
 * every cycle end after it, equally or as an EMA. The average is a {@link DeviceAverage}: engine
 * arrays on the network's device, updated in place; nothing is copied to the host except into
 * a checkpoint. Only trainable weights are averaged unless {@code averageBuffers} is set, when
 * the BatchNorm running statistics are averaged too (PyTorch's
 * {@code AveragedModel(use_buffers=True)}). Weights that are not finite are never averaged in:
 * the run stops with an error naming the step and the parameter. The tests check the average
 * against weights captured independently at Algorithm 1's steps.
 */
public final class SWAListener extends WeightCollector {

    private final AveragingPoints points;
    private final AverageRule rule;
    private final NetworkWeights.Selection selection;
    private final DeviceAverage.Precision precision;
    private DeviceAverage average;

    /**
     * An SWA listener with a float32 average.
     * @param schedule The schedule (its cycle ends after its swaStart are averaged).
     * @param countStartWeights Whether ŵ is the first model.
     * @param averaging EQUAL or EMA.
     * @param emaDecay The EMA decay (EMA only).
     * @param averageBuffers Whether BatchNorm running statistics are averaged too.
     */
    public SWAListener(LearningRateSchedule schedule, boolean countStartWeights, Averaging averaging, double emaDecay, boolean averageBuffers) {
        this(schedule, countStartWeights, averaging, emaDecay, averageBuffers, DeviceAverage.Precision.FLOAT32);
    }

    /**
     * An SWA listener.
     * @param schedule The schedule (its cycle ends after its swaStart are averaged).
     * @param countStartWeights Whether ŵ is the first model.
     * @param averaging EQUAL or EMA.
     * @param emaDecay The EMA decay (EMA only).
     * @param averageBuffers Whether BatchNorm running statistics are averaged too.
     * @param precision The type of the average on the device.
     */
    public SWAListener(LearningRateSchedule schedule, boolean countStartWeights, Averaging averaging, double emaDecay, boolean averageBuffers,
                       DeviceAverage.Precision precision) {
        this(new AveragingPoints(schedule, countStartWeights), averaging.rule(emaDecay),
                averageBuffers ? NetworkWeights.Selection.ALL : NetworkWeights.Selection.TRAINABLE, precision);
    }

    private SWAListener(AveragingPoints points, AverageRule rule, NetworkWeights.Selection selection, DeviceAverage.Precision precision) {
        this.points = points;
        this.rule = rule;
        this.selection = selection;
        this.precision = precision;
        this.average = new DeviceAverage(rule, selection, precision);
    }

    @Override
    protected WeightCollector copyCollected() {
        SWAListener copy = new SWAListener(points, rule, selection, precision);
        copy.average = average.duplicate();
        return copy;
    }

    @Override
    protected boolean due(long k) {
        return points.includes(k);
    }

    @Override
    protected void collect(long k, Block block) {
        requireBounded("SWA", k, block, selection);
        average.update(block);
        collected(new CollectionEvent(Telemetry.SPAN_AVERAGE, Telemetry.METRIC_AVERAGES, k, average.count(),
                Map.of(Telemetry.MODELS_AVERAGED.getKey(), average.count())));
    }

    /**
     * The running average w_SWA on the network's device (empty before the first averaging
     * point).
     * @return The average.
     */
    public DeviceAverage average() {
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
        return average.count();
    }

    @Override
    public String stateName() {
        return "swa";
    }

    /**
     * Version 2 holds the device state G exactly (count, precision, values); version 1 (the
     * host average in double precision) is still read.
     * @return 2.
     */
    @Override
    public int stateVersion() {
        return 2;
    }

    @Override
    protected boolean readsVersion(int version) {
        return version == 1 || version == 2;
    }

    @Override
    protected void writeCollected(DataOutputStream out) throws IOException {
        out.writeLong(averagedModels());
        if (averagedModels() > 0) {
            out.writeByte(precision.ordinal());
            average.scaledSum().write(out);
        }
    }

    @Override
    protected void readCollected(DataInputStream in, int version, StateContext run) throws IOException {
        long count = in.readLong();
        if (count < 0) {
            throw new IOException("model count " + count + " is negative");
        }
        DeviceAverage restored = new DeviceAverage(rule, selection, precision);
        if (count > 0) {
            DeviceWeights g;
            if (version == 1) {
                // the host average avg_n in double precision: G = avg_n / beta_n
                double[] mean = ArrayStreams.readDoubles(in, Integer.MAX_VALUE / Double.BYTES);
                double beta = rule.incomingWeight(count - 1);
                float[] g32 = new float[mean.length];
                for (int i = 0; i < mean.length; i++) {
                    mean[i] /= beta;
                    g32[i] = (float) mean[i];
                }
                try {
                    g = precision == DeviceAverage.Precision.FLOAT64 ? DeviceWeights.fromHost(run.network(), selection, mean)
                            : DeviceWeights.fromHost(run.network(), selection, g32);
                } catch (IllegalArgumentException e) {
                    throw new IOException(e.getMessage(), e);
                }
            } else {
                int stored = in.readByte();
                if (stored != precision.ordinal()) {
                    throw new IOException("the average was kept in " + (stored >= 0 && stored < DeviceAverage.Precision.values().length
                            ? DeviceAverage.Precision.values()[stored] : "unknown precision " + stored) + ", this listener keeps " + precision);
                }
                g = DeviceWeights.read(in, run.network(), selection, precision.type());
            }
            restored.restore(g, count);
        }
        average.close();
        average = restored;
    }

    @Override
    public long collections() {
        return averagedModels();
    }

    /**
     * Writes w_SWA into a network (in place, on its device).
     * @param block The network.
     * @throws IllegalStateException if nothing was averaged (training ended before swaStart).
     */
    public void writeAverage(Block block) {
        if (average.count() == 0) {
            throw new IllegalStateException("SWA averaged no weights: swaStart = " + points.swaStart() + " is out of range for a run of "
                    + stepsDone() + " steps; allowed: swaStart < " + stepsDone());
        }
        average.writeTo(block);
    }

    /**
     * Frees the average on the device.
     */
    @Override
    public void close() {
        average.close();
    }
}
