package io.github.tribuoswa.nn;

import io.github.tribuoswa.nn.convert.FeatureConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import io.github.tribuoswa.nn.core.Initialisation;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.nn.optim.OptimiserFactory;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.telemetry.TelemetrySource;
import io.opentelemetry.api.OpenTelemetry;
import org.tribuo.Output;

/**
 * The common part of the network trainers' builders: every hyper-parameter of
 * {@link NetworkConfiguration} by name, with its default when not set (the {@code @Config} fields
 * that OLCUT sets from XML are the same). {@link #build()} checks them all, as OLCUT's
 * {@code postConfig} does, and names the first bad one with its allowed range. A builder
 * builds one trainer.
 * @param <T> The output type.
 * @param <R> The trainer type.
 * @param <B> The builder type.
 */
public abstract class NetworkTrainerBuilder<T extends Output<T>, R extends NetworkTrainer<T, ?>, B extends NetworkTrainerBuilder<T, R, B>> {

    private R trainer;

    /**
     * A builder filling in a trainer made with its no-argument (OLCUT) constructor.
     * @param fresh The trainer.
     * @param network The network factory.
     * @param featureConverter The feature converter.
     * @param outputConverter The output converter.
     */
    protected NetworkTrainerBuilder(R fresh, NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter) {
        this.trainer = fresh;
        fresh.network = network;
        fresh.featureConverter = featureConverter;
        fresh.outputConverter = outputConverter;
    }

    /**
     * This builder.
     * @return this.
     */
    protected abstract B self();

    /**
     * The trainer being built.
     * @return The trainer.
     * @throws IllegalStateException after {@link #build()}.
     */
    protected final R trainer() {
        if (trainer == null) {
            throw new IllegalStateException("This builder has built its trainer already; make a new builder");
        }
        return trainer;
    }

    /**
     * Epochs of the whole run (default 10).
     * @param epochs &ge; 1.
     * @return this.
     */
    public B epochs(int epochs) {
        trainer().epochs = epochs;
        return self();
    }

    /**
     * Minibatch size (default 128).
     * @param batchSize &ge; 1.
     * @return this.
     */
    public B batchSize(int batchSize) {
        trainer().batchSize = batchSize;
        return self();
    }

    /**
     * The optimiser (default SGD with momentum 0.9).
     * @param optimiser The factory.
     * @return this.
     */
    public B optimiser(OptimiserFactory optimiser) {
        trainer().optimiser = optimiser;
        return self();
    }

    /**
     * The learning-rate schedule, per step (for SWA and FGE: of the SGD phase before
     * {@code phaseStart}; default constant 0.05).
     * @param schedule The schedule.
     * @return this.
     */
    public B schedule(LearningRateSchedule schedule) {
        trainer().schedule = schedule;
        return self();
    }

    /**
     * Whether to shuffle before every epoch (default true).
     * @param shuffle Whether to shuffle.
     * @return this.
     */
    public B shuffle(boolean shuffle) {
        trainer().shuffle = shuffle;
        return self();
    }

    /**
     * The seed of shuffles, initial weights and dropout (default Tribuo's).
     * @param seed The seed.
     * @return this.
     */
    public B seed(long seed) {
        trainer().seed = seed;
        return self();
    }

    /**
     * The device (default {@code auto}).
     * @param device auto, cpu, gpu or gpu:N.
     * @return this.
     */
    public B device(String device) {
        trainer().device = device;
        return self();
    }

    /**
     * Stops the run when a step's loss exceeds this multiple of the first epoch's mean loss
     * (default {@value NetworkConfiguration#DEFAULT_DIVERGENCE_FACTOR}).
     * @param factor &gt; 1, or {@code Double.POSITIVE_INFINITY} to stop only at non-finite losses.
     * @return this.
     */
    public B divergenceFactor(double factor) {
        trainer().divergenceFactor = factor;
        return self();
    }

    /**
     * The largest |weight| allowed into an average, snapshot, posterior or checkpoint, and at the
     * end of every epoch (default 10⁶).
     * @param bound &gt; 0, or {@code Double.POSITIVE_INFINITY} to stop only at non-finite weights.
     * @return this.
     */
    public B weightBound(double bound) {
        trainer().weightBound = bound;
        return self();
    }

    /**
     * PyTorch intra-op threads (default 0: one per core).
     * @param intraOpThreads &ge; 0.
     * @return this.
     */
    public B intraOpThreads(int intraOpThreads) {
        trainer().intraOpThreads = intraOpThreads;
        return self();
    }

    /**
     * Whether to standardise inputs with the training data's mean and std (default false).
     * @param standardise Whether to.
     * @return this.
     */
    public B standardise(boolean standardise) {
        trainer().standardise = standardise;
        return self();
    }

    /**
     * Whether to standardise regression targets per dimension with the training data's mean
     * and std (default true; the model inverts it at prediction; no effect on classification).
     * @param standardiseTargets Whether to.
     * @return this.
     */
    public B standardiseTargets(boolean standardiseTargets) {
        trainer().standardiseTargets = standardiseTargets;
        return self();
    }

    /**
     * Whether to draw a progress bar on a terminal (default true).
     * @param progressBar Whether to.
     * @return this.
     */
    public B progressBar(boolean progressBar) {
        trainer().progressBar = progressBar;
        return self();
    }

    /**
     * Where checkpoints go (default none).
     * @param directory A directory, or empty for none.
     * @return this.
     */
    public B checkpointDirectory(String directory) {
        trainer().checkpointDirectory = directory;
        return self();
    }

    /**
     * How the weights are drawn without an initial model (default PYTORCH, torch.nn's draw).
     * @param initialisation PYTORCH or DJL.
     * @return this.
     */
    public B initialisation(Initialisation initialisation) {
        trainer().initialisation = initialisation;
        return self();
    }

    /**
     * A saved DJLModel whose weights start the run (for SWA and FGE: the pre-trained ŵ).
     * @param path The model file, or empty for a random start.
     * @return this.
     */
    public B initialModel(String path) {
        trainer().initialModel = path;
        return self();
    }

    /**
     * Where runs take their OpenTelemetry instance from, as in XML.
     * @param source The source.
     * @return this.
     */
    public B telemetry(TelemetrySource source) {
        trainer().telemetry = source;
        return self();
    }

    /**
     * The OpenTelemetry instance of the trainer's runs (not a hyper-parameter).
     * @param otel The instance.
     * @return this.
     */
    public B openTelemetry(OpenTelemetry otel) {
        trainer().setOpenTelemetry(otel);
        return self();
    }

    /**
     * Checks every hyper-parameter and returns the trainer.
     * @return The trainer.
     * @throws com.oracle.labs.mlrg.olcut.config.PropertyException naming a bad parameter and its range.
     */
    public R build() {
        R built = trainer();
        built.postConfig();
        trainer = null;
        return built;
    }
}
