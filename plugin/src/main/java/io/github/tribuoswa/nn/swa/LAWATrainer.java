package io.github.tribuoswa.nn.swa;

import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.NetworkTrainer;
import io.github.tribuoswa.nn.NetworkTrainerBuilder;
import io.github.tribuoswa.nn.TrainingRun;
import io.github.tribuoswa.nn.convert.FeatureConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import io.github.tribuoswa.nn.core.WeightCollector;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.util.Checks;
import org.tribuo.Output;

import java.util.List;

/**
 * Latest weight averaging (LAWA; Kaddour 2022, Sanyal et al. 2023) as a Tribuo trainer: a
 * drop-in for {@link io.github.tribuoswa.nn.DJLTrainer} with the same hyper-parameters (any
 * {@code schedule}, a high constant rate included) plus LAWA's: a copy of the weights every
 * {@code lawaEvery} (in {@code lawaUnit}: EPOCHS, as Kaddour's end-of-epoch checkpoints, or
 * ITERATIONS) after {@code lawaStart}, the {@code lawaLatest} latest in a ring buffer on the
 * device; the returned {@link DJLModel} is their uniform average, its BatchNorm statistics
 * refreshed at the average ({@link BatchNormMode#REFRESH}, the default), averaged with the
 * weights ({@link BatchNormMode#AVERAGE_BUFFERS}) or left as they were. Checkpoints hold the
 * ring, so a resumed run ends bit-identical. It is the plugin's one training loop with a
 * {@link LAWAListener} attached.
 * @param <T> The output type.
 */
public final class LAWATrainer<T extends Output<T>> extends NetworkTrainer<T, DJLModel<T>> {

    @Config(description = "k, how many of the latest copies are averaged (>= 1).")
    private int lawaLatest = 5;

    @Config(description = "Distance between copies, in lawaUnit (>= 1).")
    private long lawaEvery = 1;

    @Config(description = "Before the first copy is due, in lawaUnit (>= 0): the first copy follows lawaStart + lawaEvery.")
    private long lawaStart = 0;

    @Config(description = "Unit of lawaEvery and lawaStart: EPOCHS or ITERATIONS.")
    private CycleUnit lawaUnit = CycleUnit.EPOCHS;

    @Config(description = "BatchNorm statistics of the average: REFRESH, AVERAGE_BUFFERS or NONE.")
    private BatchNormMode batchNormMode = BatchNormMode.REFRESH;

    /**
     * For OLCUT.
     */
    private LAWATrainer() {}

    /**
     * A builder of a LAWA trainer.
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
        Checks.atLeast(this, "lawaLatest", lawaLatest, 1);
        Checks.atLeast(this, "lawaEvery", lawaEvery, 1);
        Checks.atLeast(this, "lawaStart", lawaStart, 0);
        Checks.present(this, "lawaUnit", lawaUnit);
        Checks.present(this, "batchNormMode", batchNormMode);
    }

    @Override
    protected List<WeightCollector> collectors(LearningRateSchedule runSchedule, int stepsPerEpoch) {
        long every = lawaUnit.steps(lawaEvery, stepsPerEpoch);
        long start = lawaUnit.steps(lawaStart, stepsPerEpoch);
        long total = (long) epochs * stepsPerEpoch;
        if (start + every > total) {
            throw Checks.outOfRange(this, "lawaStart", lawaStart, "a start with lawaStart + lawaEvery <= the run (" + lawaUnit + ": " + start
                    + " + " + every + " steps against epochs x steps per epoch = " + epochs + " x " + stepsPerEpoch + " = " + total
                    + "), so that LAWA takes at least one copy");
        }
        return List.of(new LAWAListener(lawaLatest, start, every, batchNormMode == BatchNormMode.AVERAGE_BUFFERS));
    }

    @Override
    protected DJLModel<T> finish(TrainingRun<T> run) {
        LAWAListener lawa = (LAWAListener) run.collectors().get(0);
        return AveragedModels.of(run, lawa::writeAverage, "LAWA: the average of the " + lawa.held() + " latest of " + lawa.collections()
                + " copies (steps " + lawa.heldSteps() + ")", batchNormMode, "lawa-" + network.getClass().getSimpleName());
    }

    @Override
    protected String method() {
        return "lawa";
    }

    /**
     * Builds a {@link LAWATrainer}: the common hyper-parameters of {@link NetworkTrainerBuilder}
     * and LAWA's.
     * @param <T> The output type.
     */
    public static final class Builder<T extends Output<T>> extends NetworkTrainerBuilder<T, LAWATrainer<T>, Builder<T>> {

        private Builder(NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter) {
            super(new LAWATrainer<>(), network, featureConverter, outputConverter);
        }

        @Override
        protected Builder<T> self() {
            return this;
        }

        /**
         * k, how many of the latest copies are averaged (default 5).
         * @param k The copies (&ge; 1).
         * @return this.
         */
        public Builder<T> latest(int k) {
            trainer().lawaLatest = k;
            return this;
        }

        /**
         * The distance between copies (default 1, in the unit).
         * @param every The distance (&ge; 1).
         * @param unit EPOCHS or ITERATIONS.
         * @return this.
         */
        public Builder<T> every(long every, CycleUnit unit) {
            trainer().lawaEvery = every;
            trainer().lawaUnit = unit;
            return this;
        }

        /**
         * Before the first copy is due (default 0, in the unit of {@link #every}).
         * @param start The start (&ge; 0).
         * @return this.
         */
        public Builder<T> start(long start) {
            trainer().lawaStart = start;
            return this;
        }

        /**
         * BatchNorm statistics of the average (default REFRESH).
         * @param mode The mode.
         * @return this.
         */
        public Builder<T> batchNormMode(BatchNormMode mode) {
            trainer().batchNormMode = mode;
            return this;
        }
    }
}
