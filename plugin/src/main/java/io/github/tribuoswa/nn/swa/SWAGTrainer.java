package io.github.tribuoswa.nn.swa;

import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.ensemble.BatchedEnsembleModel;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.TrainingRun;
import io.github.tribuoswa.nn.convert.FeatureConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import io.github.tribuoswa.nn.core.BatchNormRefresh;
import io.github.tribuoswa.nn.core.DeviceAverage;
import io.github.tribuoswa.nn.core.SwagPosterior;
import io.github.tribuoswa.nn.core.WeightCollector;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.util.Checks;
import org.tribuo.Output;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.logging.Logger;

/**
 * SWAG (Maddox et al. 2019) of a DJL network as a Tribuo trainer: the SWA run of
 * {@link SWATrainer} (the same phase: {@code phaseStart}, {@code phaseSchedule}, {@code cycleUnit},
 * one collection per cycle) collecting a {@link SwagPosterior}, and at the end {@code samples}
 * weight vectors drawn from it with a generator seeded by {@code sampleSeed} and the invocation
 * (invocation r: {@code java.util.Random(sampleSeed + r · 0x9E3779B97F4A7C15)}), each with its
 * BatchNorm statistics refreshed on the training data. The result is a {@link BatchedEnsembleModel}
 * of the S sampled networks with equal weights: it predicts the mean of their probabilities (the
 * paper's Bayesian model average), in batches, deterministic for a seed, with every sample's
 * provenance. MultiSWAG (Wilson &amp; Izmailov 2020) is an ensemble of such runs with other seeds
 * ({@code ensemble.IndependentRunsTrainer}: each run is one more invocation, with its own training
 * seed and its own stream of normal draws).
 * <p>
 * The paper's comparison on full Fashion-MNIST, against PyTorch, is in docs/results.md (issue 18).
 * @param <T> The output type.
 */
public final class SWAGTrainer<T extends Output<T>> extends PhasedTrainer<T, BatchedEnsembleModel<T>> {

    private static final Logger logger = Logger.getLogger(SWAGTrainer.class.getName());

    /**
     * The increment between the sample seeds of successive invocations: 2⁶⁴/φ, SplitMix64's; odd, so
     * its multiples are distinct in the 48 bits that {@link Random} keeps of a seed.
     */
    static final long INVOCATION_INCREMENT = 0x9E3779B97F4A7C15L;

    @Config(description = "K, the number of deviations kept (the rank of the low-rank part; at least 2 with LOW_RANK, 1 with DIAGONAL).")
    private int maxRank = 20;

    @Config(description = "S, the number of weight samples the model averages.")
    private int samples = 30;

    @Config(description = "LOW_RANK (diagonal plus low rank, the paper's SWAG) or DIAGONAL.")
    private SwagPosterior.Covariance covariance = SwagPosterior.Covariance.LOW_RANK;

    @Config(description = "Scale of the covariance when sampling (0.5 in the paper).")
    private double covarianceScale = 0.5;

    @Config(description = "Floor of the diagonal variance (the authors clamp at 1e-30).")
    private double varianceFloor = 1e-30;

    @Config(description = "Seed of the normal draws of the samples (invocation r draws from java.util.Random(sampleSeed + r x 0x9E3779B97F4A7C15)).")
    private long sampleSeed = 1L;

    @Config(description = "Count ŵ, the weights when the phase starts, as the first collection.")
    private boolean countStartWeights = true;

    @Config(description = "Type of the moments on the network's device: FLOAT32 or FLOAT64.")
    private DeviceAverage.Precision averagePrecision = DeviceAverage.Precision.FLOAT32;

    /**
     * For OLCUT.
     */
    private SWAGTrainer() {}

    /**
     * A builder of a SWAG trainer.
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
        Checks.atLeast(this, "maxRank", maxRank, 1);
        Checks.atLeast(this, "samples", samples, 1);
        Checks.present(this, "covariance", covariance);
        if (covariance == SwagPosterior.Covariance.LOW_RANK && maxRank < 2) {
            // D-hat z2 / sqrt(K - 1): one deviation has no low-rank part, and sampling would quietly be SWAG-Diagonal
            throw Checks.outOfRange(this, "maxRank", maxRank, "integer >= 2 with covariance LOW_RANK (1 only with DIAGONAL)");
        }
        if (!(covarianceScale > 0) || Double.isInfinite(covarianceScale)) {
            throw Checks.outOfRange(this, "covarianceScale", covarianceScale, "finite real > 0");
        }
        if (!(varianceFloor >= 0) || Double.isInfinite(varianceFloor)) {
            throw Checks.outOfRange(this, "varianceFloor", varianceFloor, "finite real >= 0");
        }
        Checks.present(this, "averagePrecision", averagePrecision);
    }

    @Override
    protected List<WeightCollector> collectors(LearningRateSchedule runSchedule, int stepsPerEpoch) {
        return List.of(new SWAGListener(runSchedule, countStartWeights, maxRank, averagePrecision));
    }

    @Override
    protected BatchedEnsembleModel<T> finish(TrainingRun<T> run) {
        SWAGListener swag = (SWAGListener) run.collectors().get(0);
        SwagPosterior posterior = swag.posterior();
        if (posterior.collections() == 0) {
            throw new IllegalStateException("SWAG collected no weights: phaseStart = " + phaseStart + " epochs is out of range for a run of "
                    + epochs + " epochs; allowed: phaseStart < epochs");
        }
        logger.info("SWAG posterior of " + posterior.collections() + " collections, rank " + posterior.rank() + "; drawing " + samples
                + " samples");
        Random rng = sampleGenerator(sampleSeed, run.invocation());
        List<DJLModel<T>> members = new ArrayList<>();
        for (int s = 0; s < samples; s++) {
            posterior.sample(run.block(), rng, covariance, covarianceScale, varianceFloor);
            run.telemetry().batchNormRefresh(() ->
                    BatchNormRefresh.refresh(run.block(), run.manager(), run.data().features(), run.data().exampleShape(), run.batchSize()));
            members.add(run.model("swag-sample-" + s));
        }
        return BatchedEnsembleModel.of("swag-" + network.getClass().getSimpleName(), run.dataset(), run.trainerProvenance(), members,
                run.outputConverter().ensembleCombiner());
    }

    /**
     * The generator of the normal draws of invocation r's samples:
     * {@code java.util.Random(sampleSeed + r · 0x9E3779B97F4A7C15)}. The first invocation draws from
     * {@code Random(sampleSeed)}; every later one (another run of the same trainer, as the runs of
     * MultiSWAG are) from its own stream, so that the runs' samples are independent as their
     * training is, and a run is reproducible from the seed and its invocation.
     * @param sampleSeed The configured seed.
     * @param invocation r, the trainer's invocation (&ge; 0).
     * @return The generator.
     */
    static Random sampleGenerator(long sampleSeed, int invocation) {
        return new Random(sampleSeed + invocation * INVOCATION_INCREMENT);
    }

    @Override
    protected long collectionsNeeded() {
        // the low-rank part needs two deviations; w-hat is one collection when it is counted
        return covariance == SwagPosterior.Covariance.LOW_RANK && !countStartWeights ? 2 : 1;
    }

    @Override
    protected String method() {
        return "swag";
    }

    /**
     * Builds a {@link SWAGTrainer}: the common hyper-parameters, the phase of
     * {@link PhasedTrainer.Builder}, and SWAG's own.
     * @param <T> The output type.
     */
    public static final class Builder<T extends Output<T>> extends PhasedTrainer.Builder<T, SWAGTrainer<T>, Builder<T>> {

        private Builder(NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter) {
            super(new SWAGTrainer<>(), network, featureConverter, outputConverter);
        }

        @Override
        protected Builder<T> self() {
            return this;
        }

        /**
         * K, the deviations kept (default 20).
         * @param k K &ge; 2 with {@link SwagPosterior.Covariance#LOW_RANK} (the default), &ge; 1 with DIAGONAL.
         * @return this.
         */
        public Builder<T> maxRank(int k) {
            trainer().maxRank = k;
            return this;
        }

        /**
         * S, the samples the model averages (default 30).
         * @param s S &ge; 1.
         * @return this.
         */
        public Builder<T> samples(int s) {
            trainer().samples = s;
            return this;
        }

        /**
         * LOW_RANK (default) or DIAGONAL.
         * @param c The covariance.
         * @return this.
         */
        public Builder<T> covariance(SwagPosterior.Covariance c) {
            trainer().covariance = c;
            return this;
        }

        /**
         * The covariance scale (default 0.5).
         * @param scale &gt; 0.
         * @return this.
         */
        public Builder<T> covarianceScale(double scale) {
            trainer().covarianceScale = scale;
            return this;
        }

        /**
         * Whether ŵ, the weights when the phase starts, is the first collection (default true).
         * @param count True to count it.
         * @return this.
         */
        public Builder<T> countStartWeights(boolean count) {
            trainer().countStartWeights = count;
            return this;
        }

        /**
         * The floor of the diagonal variance (default 10⁻³⁰).
         * @param floor &ge; 0.
         * @return this.
         */
        public Builder<T> varianceFloor(double floor) {
            trainer().varianceFloor = floor;
            return this;
        }

        /**
         * The type of the moments on the network's device (default FLOAT32).
         * @param precision FLOAT32 or FLOAT64.
         * @return this.
         */
        public Builder<T> averagePrecision(DeviceAverage.Precision precision) {
            trainer().averagePrecision = precision;
            return this;
        }

        /**
         * The seed of the samples' normal draws (default 1).
         * @param seed The seed.
         * @return this.
         */
        public Builder<T> sampleSeed(long seed) {
            trainer().sampleSeed = seed;
            return this;
        }
    }
}
