package io.github.tribuoswa.nn.swa;

import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.TrainingRun;
import io.github.tribuoswa.nn.convert.FeatureConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import io.github.tribuoswa.nn.core.DeviceAverage;
import io.github.tribuoswa.nn.core.WeightCollector;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.nn.optim.OptimiserFactory;
import io.github.tribuoswa.schedule.CyclicSchedule;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.util.Checks;
import org.tribuo.Output;

import java.util.List;

/**
 * Stochastic Weight Averaging (Izmailov et al. 2018) of a DJL network as a Tribuo trainer: a
 * drop-in for {@link io.github.tribuoswa.nn.DJLTrainer} with the same hyper-parameters plus the
 * SWA phase.
 * <p>
 * The run has {@code epochs} epochs: the SGD phase (the configured {@code schedule}) for the
 * first {@code phaseStart} epochs, or none when starting from a pre-trained
 * {@code initialModel} (the ŵ of Algorithm 1); then the SWA phase with {@code phaseSchedule},
 * counted from the phase's first step: a {@link io.github.tribuoswa.schedule.ConstantSchedule}
 * or the cyclical rate α(i) = (1 &minus; t(i))·α1 + t(i)·α2 of a {@link CyclicSchedule}, its
 * cycle length c in {@code cycleUnit}. It averages ŵ (if {@code countStartWeights}) and the
 * weights at every cycle end, equally or as an EMA. At the end w_SWA is written into the
 * network and its BatchNorm statistics are recomputed with one pass over the training data
 * ({@link BatchNormMode}). The result is a {@link DJLModel} of w_SWA, whose provenance records
 * all of this. {@link FGETrainer} and {@link io.github.tribuoswa.sgd.SWAOptimiser} take their
 * phase the same way: {@code phaseStart} and {@code phaseSchedule}.
 * <p>
 * It is the plugin's one training loop with an {@link SWAListener} attached: the same listener a
 * DJL user adds to their own training. Build one with {@link #builder}.
 * @param <T> The output type.
 */
public final class SWATrainer<T extends Output<T>> extends PhasedTrainer<T, DJLModel<T>> {

    @Config(description = "EQUAL (Algorithm 1) or EMA.")
    private Averaging averaging = Averaging.EQUAL;

    @Config(description = "Decay of the EMA, in [0, 1).")
    private double emaDecay = 0.9;

    @Config(description = "Count ŵ, the weights when SWA starts, as the first averaged model (Algorithm 1).")
    private boolean countStartWeights = true;

    @Config(description = "BatchNorm statistics of w_SWA: REFRESH, AVERAGE_BUFFERS or NONE.")
    private BatchNormMode batchNormMode = BatchNormMode.REFRESH;

    @Config(description = "Type of the running average on the network's device: FLOAT32 (the weights' type) or FLOAT64.")
    private DeviceAverage.Precision averagePrecision = DeviceAverage.Precision.FLOAT32;

    /**
     * For OLCUT.
     */
    private SWATrainer() {}

    /**
     * A builder of an SWA trainer.
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

    /**
     * An SWA trainer with a cycle length in epochs, equal averaging counting ŵ, and BatchNorm
     * refresh.
     * @param network The network factory.
     * @param featureConverter The feature converter.
     * @param outputConverter The output converter.
     * @param epochs Epochs of the whole run.
     * @param batchSize Batch size.
     * @param optimiser The optimiser.
     * @param schedule The schedule of the SGD phase.
     * @param swaStart Epochs before SWA starts.
     * @param swaLearningRate1 α1.
     * @param swaLearningRate2 α2.
     * @param cycleLength Cycle length in epochs.
     * @param seed The seed.
     * @param device The device.
     * @param intraOpThreads PyTorch threads (0: one per core).
     * @deprecated Use {@link #builder}: the phase is {@code phaseStart(swaStart)} and
     *     {@code phaseSchedule(new CyclicSchedule(α1, α2, c))}.
     */
    @Deprecated
    public SWATrainer(NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter,
                      int epochs, int batchSize, OptimiserFactory optimiser, LearningRateSchedule schedule,
                      int swaStart, double swaLearningRate1, double swaLearningRate2, int cycleLength,
                      long seed, String device, int intraOpThreads) {
        this(network, featureConverter, outputConverter, epochs, batchSize, optimiser, schedule, swaStart, swaLearningRate1,
                swaLearningRate2, cycleLength, CycleUnit.EPOCHS, Averaging.EQUAL, 0.9, true, BatchNormMode.REFRESH, "",
                seed, device, intraOpThreads, false);
    }

    /**
     * An SWA trainer.
     * @param network The network factory.
     * @param featureConverter The feature converter.
     * @param outputConverter The output converter.
     * @param epochs Epochs of the whole run.
     * @param batchSize Batch size.
     * @param optimiser The optimiser.
     * @param schedule The schedule of the SGD phase.
     * @param swaStart Epochs before SWA starts.
     * @param swaLearningRate1 α1.
     * @param swaLearningRate2 α2 (0: α1).
     * @param cycleLength Cycle length.
     * @param cycleUnit Its unit.
     * @param averaging EQUAL or EMA.
     * @param emaDecay The EMA decay.
     * @param countStartWeights Whether ŵ is the first model.
     * @param batchNormMode BatchNorm statistics of w_SWA.
     * @param initialModel A saved DJLModel to start from, or empty.
     * @param seed The seed.
     * @param device The device.
     * @param intraOpThreads PyTorch threads (0: one per core).
     * @param standardise Whether to standardise inputs.
     * @deprecated Use {@link #builder}.
     */
    @Deprecated
    public SWATrainer(NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter,
                      int epochs, int batchSize, OptimiserFactory optimiser, LearningRateSchedule schedule,
                      int swaStart, double swaLearningRate1, double swaLearningRate2, int cycleLength, CycleUnit cycleUnit,
                      Averaging averaging, double emaDecay, boolean countStartWeights, BatchNormMode batchNormMode,
                      String initialModel, long seed, String device, int intraOpThreads, boolean standardise) {
        new Builder<>(this, network, featureConverter, outputConverter).epochs(epochs).batchSize(batchSize).optimiser(optimiser)
                .schedule(schedule).seed(seed).device(device).intraOpThreads(intraOpThreads).standardise(standardise);
        this.phaseStart = swaStart;
        this.phaseSchedule = new CyclicSchedule(swaLearningRate1, swaLearningRate2 == 0 ? swaLearningRate1 : swaLearningRate2, cycleLength);
        this.cycleUnit = cycleUnit;
        this.averaging = averaging;
        this.emaDecay = emaDecay;
        this.countStartWeights = countStartWeights;
        this.batchNormMode = batchNormMode;
        this.initialModel = initialModel;
        postConfig();
    }

    @Override
    public synchronized void postConfig() {
        super.postConfig();
        Checks.present(this, "averaging", averaging);
        Checks.fraction(this, "emaDecay", emaDecay);
        Checks.present(this, "batchNormMode", batchNormMode);
        Checks.present(this, "averagePrecision", averagePrecision);
    }

    @Override
    protected List<WeightCollector> collectors(LearningRateSchedule runSchedule, int stepsPerEpoch) {
        return List.of(new SWAListener(runSchedule, countStartWeights, averaging, emaDecay, batchNormMode == BatchNormMode.AVERAGE_BUFFERS,
                averagePrecision));
    }

    @Override
    protected DJLModel<T> finish(TrainingRun<T> run) {
        return AveragedModels.of(run, (SWAListener) run.collectors().get(0), batchNormMode, "swa-" + network.getClass().getSimpleName());
    }

    @Override
    protected String method() {
        return "swa";
    }

    /**
     * Builds an {@link SWATrainer}: the common hyper-parameters and the phase ({@link #phaseStart},
     * {@link #phaseSchedule}, {@link #cycleUnit}) of {@link PhasedTrainer.Builder} and how to average.
     * @param <T> The output type.
     */
    public static final class Builder<T extends Output<T>> extends PhasedTrainer.Builder<T, SWATrainer<T>, Builder<T>> {

        private Builder(NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter) {
            this(new SWATrainer<>(), network, featureConverter, outputConverter);
        }

        private Builder(SWATrainer<T> fresh, NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter) {
            super(fresh, network, featureConverter, outputConverter);
        }

        @Override
        protected Builder<T> self() {
            return this;
        }

        /**
         * EQUAL (Algorithm 1, default) or EMA averaging.
         * @param averaging The averaging.
         * @return this.
         */
        public Builder<T> averaging(Averaging averaging) {
            trainer().averaging = averaging;
            return this;
        }

        /**
         * The EMA's decay (default 0.9).
         * @param decay In [0, 1).
         * @return this.
         */
        public Builder<T> emaDecay(double decay) {
            trainer().emaDecay = decay;
            return this;
        }

        /**
         * Whether ŵ is the first averaged model (default true, Algorithm 1).
         * @param count Whether to count it.
         * @return this.
         */
        public Builder<T> countStartWeights(boolean count) {
            trainer().countStartWeights = count;
            return this;
        }

        /**
         * The type of the running average on the network's device (default FLOAT32, the
         * weights' own type; FLOAT64 for very long runs, at twice the memory).
         * @param precision The precision.
         * @return this.
         */
        public Builder<T> averagePrecision(DeviceAverage.Precision precision) {
            trainer().averagePrecision = precision;
            return this;
        }

        /**
         * BatchNorm statistics of w_SWA (default REFRESH).
         * @param mode The mode.
         * @return this.
         */
        public Builder<T> batchNormMode(BatchNormMode mode) {
            trainer().batchNormMode = mode;
            return this;
        }
    }
}
