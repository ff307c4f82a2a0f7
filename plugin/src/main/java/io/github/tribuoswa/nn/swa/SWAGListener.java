package io.github.tribuoswa.nn.swa;

import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import io.github.tribuoswa.averaging.AveragingPoints;
import io.github.tribuoswa.nn.core.CollectionEvent;
import io.github.tribuoswa.nn.core.DeviceAverage;
import io.github.tribuoswa.nn.core.DeviceWeights;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.Stateful.StateContext;
import io.github.tribuoswa.nn.core.SwagPosterior;
import io.github.tribuoswa.nn.core.WeightCollector;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.telemetry.Telemetry;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SWAG (Maddox et al. 2019) for any DJL training run, as a
 * {@link ai.djl.training.listener.TrainingListener}: at SWA's averaging points
 * ({@link AveragingPoints}: ŵ if counted, then every cycle end of the phase) it collects the
 * trainable weights into a {@link SwagPosterior} on the network's device: the mean θ̄ (which is
 * w_SWA), the mean of the squares and the last K deviations. After training,
 * {@link #posterior()} draws samples. Non-finite weights are never collected.
 */
public final class SWAGListener extends WeightCollector {

    private final AveragingPoints points;
    private final int maxRank;
    private final DeviceAverage.Precision precision;
    private SwagPosterior posterior;

    /**
     * A SWAG listener.
     * @param schedule The schedule whose averaging points are collected.
     * @param countStartWeights Whether ŵ is the first collection.
     * @param maxRank K, the deviations kept (&ge; 1).
     * @param precision The type of the moments on the device.
     */
    public SWAGListener(LearningRateSchedule schedule, boolean countStartWeights, int maxRank, DeviceAverage.Precision precision) {
        this(new AveragingPoints(schedule, countStartWeights), maxRank, precision);
    }

    private SWAGListener(AveragingPoints points, int maxRank, DeviceAverage.Precision precision) {
        this.points = points;
        this.maxRank = maxRank;
        this.precision = precision;
        this.posterior = new SwagPosterior(maxRank, precision);
    }

    @Override
    protected boolean due(long k) {
        return points.includes(k);
    }

    @Override
    protected void collect(long k, Block block) {
        requireBounded("SWAG", k, block, NetworkWeights.Selection.TRAINABLE);
        posterior.collect(block);
        collected(new CollectionEvent(Telemetry.SPAN_AVERAGE, Telemetry.METRIC_AVERAGES, k, posterior.collections(),
                Map.of(Telemetry.MODELS_AVERAGED.getKey(), posterior.collections())));
    }

    @Override
    protected WeightCollector copyCollected() {
        SWAGListener copy = new SWAGListener(points, maxRank, precision);
        copy.posterior.close();
        copy.posterior = posterior.duplicate();
        return copy;
    }

    /**
     * The posterior collected so far.
     * @return θ̄, s̄ and the deviations, on the device.
     */
    public SwagPosterior posterior() {
        return posterior;
    }

    @Override
    public long collections() {
        return posterior.collections();
    }

    /**
     * The schedule's SWA start s, in steps.
     * @return s.
     */
    public long swaStart() {
        return points.swaStart();
    }

    @Override
    public String stateName() {
        return "swag";
    }

    @Override
    public int stateVersion() {
        return 1;
    }

    @Override
    protected void writeCollected(DataOutputStream out) throws IOException {
        out.writeLong(posterior.collections());
        if (posterior.collections() > 0) {
            out.writeByte(precision.ordinal());
            posterior.meanAverage().scaledSum().write(out);
            posterior.squaresAverage().scaledSum().write(out);
            out.writeInt(posterior.rank());
            for (DeviceWeights d : posterior.deviationWeights()) {
                d.write(out);
            }
        }
    }

    @Override
    protected void readCollected(DataInputStream in, int version, StateContext run) throws IOException {
        long count = in.readLong();
        if (count < 0) {
            throw new IOException("collection count " + count + " is negative");
        }
        SwagPosterior restored = new SwagPosterior(maxRank, precision);
        if (count > 0) {
            int stored = in.readByte();
            if (stored != precision.ordinal()) {
                throw new IOException("the moments were kept in precision " + stored + ", this listener keeps " + precision);
            }
            DeviceWeights mean = DeviceWeights.read(in, run.network(), NetworkWeights.Selection.TRAINABLE, precision.type());
            DeviceWeights squares = DeviceWeights.read(in, run.network(), NetworkWeights.Selection.TRAINABLE, precision.type());
            int k = in.readInt();
            if (k < 0 || k > maxRank || k > count) {
                throw new IOException(k + " deviations; allowed: 0 to min(maxRank = " + maxRank + ", collections = " + count + ")");
            }
            List<DeviceWeights> deviations = new ArrayList<>();
            for (int c = 0; c < k; c++) {
                deviations.add(DeviceWeights.read(in, run.network(), NetworkWeights.Selection.TRAINABLE, DataType.FLOAT32));
            }
            restored.restore(mean, squares, count, deviations);
        }
        posterior.close();
        posterior = restored;
    }

    @Override
    public void close() {
        posterior.close();
    }
}
