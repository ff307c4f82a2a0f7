package io.github.tribuoswa.nn;

import io.github.tribuoswa.nn.convert.FeatureConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import io.github.tribuoswa.nn.core.TrainingLoop;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.nn.optim.OptimiserFactory;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import org.tribuo.Output;

/**
 * Trains a DJL (PyTorch) neural network on any Tribuo dataset with plain SGD (or Adam):
 * classification with softmax cross-entropy ({@link LabelConverter}) or regression with
 * squared error ({@link io.github.tribuoswa.nn.convert.RegressorConverter}). Returns a
 * {@link DJLModel}.
 * <p>
 * The examples become dense float arrays once; the network comes from a configurable
 * {@link NetworkFactory}; the optimiser from an {@link OptimiserFactory} whose learning rate
 * follows a {@link LearningRateSchedule} per step. Training runs the plugin's one
 * {@link TrainingLoop} (see {@link NetworkTrainer} for the hyper-parameters and checkpoints).
 * With the same seed on CPU, training twice gives the same weights. Build one with
 * {@link #builder}.
 * @param <T> The output type.
 */
public final class DJLTrainer<T extends Output<T>> extends NetworkTrainer<T, DJLModel<T>> {

    /**
     * For OLCUT.
     */
    private DJLTrainer() {}

    /**
     * A DJL trainer.
     * @param network The network factory.
     * @param featureConverter The feature converter.
     * @param outputConverter The output converter.
     * @param epochs Epochs (&ge; 1).
     * @param batchSize Batch size (&ge; 1).
     * @param optimiser The optimiser.
     * @param schedule The learning-rate schedule.
     * @param seed The seed.
     * @param device auto, cpu, gpu or gpu:N.
     * @param intraOpThreads PyTorch threads (0: one per core).
     * @param standardise Whether to standardise inputs.
     * @deprecated Use {@link #builder}.
     */
    @Deprecated
    public DJLTrainer(NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter,
                      int epochs, int batchSize, OptimiserFactory optimiser, LearningRateSchedule schedule,
                      long seed, String device, int intraOpThreads, boolean standardise) {
        new Builder<>(this, network, featureConverter, outputConverter).epochs(epochs).batchSize(batchSize).optimiser(optimiser)
                .schedule(schedule).seed(seed).device(device).intraOpThreads(intraOpThreads).standardise(standardise);
        postConfig();
    }

    @Override
    protected DJLModel<T> finish(TrainingRun<T> run) {
        return run.model("djl-" + network.getClass().getSimpleName());
    }

    @Override
    protected String method() {
        return "sgd";
    }

    /**
     * A builder of a DJL trainer.
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
     * Builds a {@link DJLTrainer} from the hyper-parameters of {@link NetworkTrainerBuilder}.
     * @param <T> The output type.
     */
    public static final class Builder<T extends Output<T>> extends NetworkTrainerBuilder<T, DJLTrainer<T>, Builder<T>> {

        private Builder(NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter) {
            this(new DJLTrainer<>(), network, featureConverter, outputConverter);
        }

        private Builder(DJLTrainer<T> fresh, NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter) {
            super(fresh, network, featureConverter, outputConverter);
        }

        @Override
        protected Builder<T> self() {
            return this;
        }
    }
}
