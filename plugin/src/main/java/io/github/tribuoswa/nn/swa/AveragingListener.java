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
import java.util.Map;

/**
 * The common part of the listeners that keep one running average of the weights on the
 * network's device ({@link SWAListener}, {@link EMAListener}): a {@link DeviceAverage} updated
 * in place at the points the subclass names ({@link #due}), weighed by an {@link AverageRule};
 * the weight check before each update; the state (count, precision and the scaled sum G,
 * exactly); writing the average into a network. Only trainable weights are averaged unless
 * the selection is {@code ALL}, when BatchNorm's running statistics are averaged too.
 */
public abstract class AveragingListener extends WeightCollector {

    private final AverageRule rule;
    private final NetworkWeights.Selection selection;
    private final DeviceAverage.Precision precision;
    private DeviceAverage average;

    /**
     * An empty average.
     * @param rule How each model is weighed.
     * @param selection TRAINABLE, or ALL to average BatchNorm's running statistics too.
     * @param precision The type of the average on the device.
     */
    protected AveragingListener(AverageRule rule, NetworkWeights.Selection selection, DeviceAverage.Precision precision) {
        this.rule = rule;
        this.selection = selection;
        this.precision = precision;
        this.average = new DeviceAverage(rule, selection, precision);
    }

    /**
     * The method's name for messages ("SWA", "EMA").
     * @return The name.
     */
    protected abstract String method();

    /**
     * An empty listener of the same configuration (for {@link #detachedCopy}).
     * @return The listener.
     */
    protected abstract AveragingListener emptyCopy();

    /**
     * Why nothing was averaged when a model is asked for before the first point.
     * @return The message, naming the parameter and its range.
     */
    protected abstract String nothingAveraged();

    @Override
    protected final WeightCollector copyCollected() {
        AveragingListener copy = emptyCopy();
        copy.average.close();
        copy.average = average.duplicate();
        return copy;
    }

    @Override
    protected final void collect(long k, Block block) {
        requireBounded(method(), k, block, selection);
        average.update(block);
        collected(new CollectionEvent(Telemetry.SPAN_AVERAGE, Telemetry.METRIC_AVERAGES, k, average.count(),
                Map.of(Telemetry.MODELS_AVERAGED.getKey(), average.count())));
    }

    /**
     * The running average on the network's device (empty before the first point).
     * @return The average.
     */
    public DeviceAverage average() {
        return average;
    }

    /**
     * How each model is weighed.
     * @return The rule.
     */
    public AverageRule rule() {
        return rule;
    }

    /**
     * The type of the average on the device.
     * @return FLOAT32 or FLOAT64.
     */
    public DeviceAverage.Precision precision() {
        return precision;
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
     * @return The count.
     */
    public long averagedModels() {
        return average.count();
    }

    @Override
    public long collections() {
        return averagedModels();
    }

    /**
     * Version 2 holds the device state G exactly (count, precision, values).
     * @return 2.
     */
    @Override
    public int stateVersion() {
        return 2;
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
                // the host average avg_n in double precision (SWA's state version 1): G = avg_n / beta_n
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

    /**
     * Writes the average into a network (in place, on its device).
     * @param block The network.
     * @throws IllegalStateException if nothing was averaged.
     */
    public void writeAverage(Block block) {
        if (average.count() == 0) {
            throw new IllegalStateException(nothingAveraged());
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
