package io.github.tribuoswa.nn.swa;

import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.averaging.EmaDecay;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.NetworkTrainer;
import io.github.tribuoswa.nn.NetworkTrainerBuilder;
import io.github.tribuoswa.nn.TrainingRun;
import io.github.tribuoswa.nn.convert.FeatureConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import io.github.tribuoswa.nn.core.DeviceAverage;
import io.github.tribuoswa.nn.core.WeightCollector;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.util.Checks;
import org.tribuo.Output;

import java.util.List;

/**
 * An exponential moving average of the weights over a whole run, as a Tribuo trainer (the
 * model-EMA of timm, Lightning's and Keras' EMA callbacks, TensorFlow's
 * {@code ExponentialMovingAverage}): a drop-in for {@link io.github.tribuoswa.nn.DJLTrainer}
 * with the same hyper-parameters (any {@code schedule}) plus the average's: after step k for
 * k = emaStart + emaEvery, emaStart + 2·emaEvery, … the average moves towards the weights with
 * the decay of {@link EmaDecay} ({@code emaDecay}, {@code emaWarmup}: NONE, TENSORFLOW's
 * min(δ, (1 + t)/(10 + t)) or TIMM's 1 &minus; (1 + t/γ)^(&minus;p) clamped to [emaMinDecay, δ]). The
 * returned {@link DJLModel} holds the average, its BatchNorm statistics averaged with the
 * weights ({@link BatchNormMode#AVERAGE_BUFFERS}, timm's choice and the default) or refreshed
 * at the average with one pass over the training data ({@link BatchNormMode#REFRESH}).
 * Checkpoints hold the average exactly, so a resumed run ends bit-identical. It is the plugin's
 * one training loop with an {@link EMAListener} attached.
 * @param <T> The output type.
 */
public final class EMATrainer<T extends Output<T>> extends NetworkTrainer<T, DJLModel<T>> {

    @Config(description = "δ, the EMA's (largest) decay, in [0, 1).")
    private double emaDecay = 0.999;

    @Config(description = "The decay's warm-up: NONE (constant δ), TENSORFLOW (min(δ, (1 + t)/(10 + t))) or TIMM "
            + "(1 - (1 + t/γ)^-p clamped to [emaMinDecay, δ]), t the steps since emaStart before the update.")
    private EmaDecay.Warmup emaWarmup = EmaDecay.Warmup.NONE;

    @Config(description = "The smallest decay of the TIMM warm-up, in [0, emaDecay].")
    private double emaMinDecay = 0.0;

    @Config(description = "γ of the TIMM warm-up (> 0).")
    private double emaWarmupGamma = 1.0;

    @Config(description = "p of the TIMM warm-up (> 0; timm uses 3/4, or 2/3 for long runs).")
    private double emaWarmupPower = 0.75;

    @Config(description = "Steps before the first update is due (>= 0): the first update, a copy, follows step emaStart + emaEvery.")
    private long emaStart = 0;

    @Config(description = "Steps between updates (>= 1).")
    private long emaEvery = 1;

    @Config(description = "BatchNorm statistics of the average: AVERAGE_BUFFERS (averaged with the weights), REFRESH or NONE.")
    private BatchNormMode batchNormMode = BatchNormMode.AVERAGE_BUFFERS;

    @Config(description = "Type of the running average on the network's device: FLOAT32 (the weights' type) or FLOAT64.")
    private DeviceAverage.Precision averagePrecision = DeviceAverage.Precision.FLOAT32;

    /**
     * For OLCUT.
     */
    private EMATrainer() {}

    /**
     * A builder of an EMA trainer.
     * @param network The network factory.
     * @param featureConverter The feature converter.
     * @param outputConverter The output converter.
     * @param <T> The output type.
     * @return The builder.
     */
    public static <T extends Output<T>> Builder<T> builder(NetworkFactory network, FeatureConverter featureConverter,
                                                           OutputConverter<T> outputConverter) {
        return new Builder<>(network, featureConverter, outputConverter);
    }

    @Override
    public synchronized void postConfig() {
        super.postConfig();
        Checks.present(this, "emaWarmup", emaWarmup);
        try {
            decay().rule(emaEvery);
        } catch (IllegalArgumentException e) {
            throw Checks.asPropertyException(this, e);
        }
        Checks.atLeast(this, "emaStart", emaStart, 0);
        Checks.present(this, "batchNormMode", batchNormMode);
        Checks.present(this, "averagePrecision", averagePrecision);
    }

    private EmaDecay decay() {
        return new EmaDecay(emaDecay, emaWarmup, emaMinDecay, emaWarmupGamma, emaWarmupPower);
    }

    @Override
    protected List<WeightCollector> collectors(LearningRateSchedule runSchedule, int stepsPerEpoch) {
        long total = (long) epochs * stepsPerEpoch;
        if (emaStart + emaEvery > total) {
            throw Checks.outOfRange(this, "emaStart", emaStart, "integer with emaStart + emaEvery <= epochs x steps per epoch = " + epochs
                    + " x " + stepsPerEpoch + " = " + total + " (emaEvery = " + emaEvery + "), so that the average takes at least one model");
        }
        return List.of(new EMAListener(decay(), emaStart, emaEvery, batchNormMode == BatchNormMode.AVERAGE_BUFFERS, averagePrecision));
    }

    @Override
    protected DJLModel<T> finish(TrainingRun<T> run) {
        return AveragedModels.of(run, (EMAListener) run.collectors().get(0), batchNormMode, "ema-" + network.getClass().getSimpleName());
    }

    @Override
    protected String method() {
        return "ema";
    }

    /**
     * Builds an {@link EMATrainer}: the common hyper-parameters of {@link NetworkTrainerBuilder}
     * and the average's.
     * @param <T> The output type.
     */
    public static final class Builder<T extends Output<T>> extends NetworkTrainerBuilder<T, EMATrainer<T>, Builder<T>> {

        private Builder(NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter) {
            super(new EMATrainer<>(), network, featureConverter, outputConverter);
        }

        @Override
        protected Builder<T> self() {
            return this;
        }

        /**
         * The decay and its warm-up (default: constant 0.999).
         * @param decay The decay.
         * @return this.
         */
        public Builder<T> decay(EmaDecay decay) {
            trainer().emaDecay = decay.decay();
            trainer().emaWarmup = decay.warmup();
            trainer().emaMinDecay = decay.minDecay();
            trainer().emaWarmupGamma = decay.gamma();
            trainer().emaWarmupPower = decay.power();
            return this;
        }

        /**
         * Steps before the first update is due (default 0).
         * @param steps The steps (&ge; 0).
         * @return this.
         */
        public Builder<T> start(long steps) {
            trainer().emaStart = steps;
            return this;
        }

        /**
         * Steps between updates (default 1).
         * @param steps The steps (&ge; 1).
         * @return this.
         */
        public Builder<T> every(long steps) {
            trainer().emaEvery = steps;
            return this;
        }

        /**
         * BatchNorm statistics of the average (default AVERAGE_BUFFERS).
         * @param mode The mode.
         * @return this.
         */
        public Builder<T> batchNormMode(BatchNormMode mode) {
            trainer().batchNormMode = mode;
            return this;
        }

        /**
         * The type of the running average on the device (default FLOAT32).
         * @param precision The precision.
         * @return this.
         */
        public Builder<T> averagePrecision(DeviceAverage.Precision precision) {
            trainer().averagePrecision = precision;
            return this;
        }
    }
}
