package io.github.tribuoswa.nn.swa;

import io.github.tribuoswa.ensemble.BatchedEnsembleModel;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.TrainingRun;
import io.github.tribuoswa.nn.convert.FeatureConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import io.github.tribuoswa.nn.core.WeightCollector;
import io.github.tribuoswa.nn.core.WeightsCodec;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.nn.optim.OptimiserFactory;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.schedule.TriangularSchedule;
import io.github.tribuoswa.util.Checks;
import org.tribuo.Output;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Fast Geometric Ensembling (Garipov et al. 2018) of a DJL network as a Tribuo trainer: a
 * drop-in for {@link io.github.tribuoswa.nn.DJLTrainer} with the same hyper-parameters plus the
 * FGE phase.
 * <p>
 * The SGD phase (the configured {@code schedule}) runs for {@code phaseStart} epochs, or not at
 * all from a pre-trained {@code initialModel}; then cycles of the triangular rate of
 * {@code phaseSchedule} ({@link TriangularSchedule}: α1 &rarr; α2 over half a cycle and back)
 * with an even cycle length c in steps, and a snapshot of every parameter exactly when mod(i &minus; s, c) = c/2, at the
 * rate minimum. The result is a Tribuo ensemble, a {@link BatchedEnsembleModel}, of one
 * {@link DJLModel} per snapshot with uniform weights and the output converter's combiner: the
 * mean of the members' class probabilities (classification) or values (regression). It predicts
 * a batch of examples with one forward pass per member and batch (Tribuo's
 * {@code WeightedEnsembleModel} asks each member about one example at a time;
 * {@link BatchedEnsembleModel#toWeightedEnsemble()} gives one).
 * <p>
 * Why an ensemble of members rather than one model that swaps K weight sets through a
 * single network: each member keeps its own network, so no weights are copied per batch; a
 * swapping model would save the K − 1 native networks but copy every weight K times per batch.
 * Tribuo's ensemble classes also bring protobuf and Java serialization, provenance with every
 * member's, and the standard combiners.
 * @param <T> The output type.
 */
public final class FGETrainer<T extends Output<T>> extends PhasedTrainer<T, BatchedEnsembleModel<T>> {

    private static final Logger logger = Logger.getLogger(FGETrainer.class.getName());

    /**
     * For OLCUT.
     */
    private FGETrainer() {}

    /**
     * A builder of an FGE trainer.
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
     * An FGE trainer.
     * @param network The network factory.
     * @param featureConverter The feature converter.
     * @param outputConverter The output converter.
     * @param epochs Epochs of the whole run.
     * @param batchSize Batch size.
     * @param optimiser The optimiser.
     * @param schedule The schedule of the SGD phase.
     * @param fgeStart Epochs before FGE starts.
     * @param alpha1 α1.
     * @param alpha2 α2.
     * @param cycleLength Cycle length.
     * @param cycleUnit Its unit.
     * @param initialModel A saved DJLModel to start from, or empty.
     * @param seed The seed.
     * @param device The device.
     * @param intraOpThreads PyTorch threads (0: one per core).
     * @deprecated Use {@link #builder}: the phase is {@code phaseStart(fgeStart)} and
     *     {@code phaseSchedule(new TriangularSchedule(α1, α2, c))}.
     */
    @Deprecated
    public FGETrainer(NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter,
                      int epochs, int batchSize, OptimiserFactory optimiser, LearningRateSchedule schedule,
                      int fgeStart, double alpha1, double alpha2, int cycleLength, CycleUnit cycleUnit, String initialModel,
                      long seed, String device, int intraOpThreads) {
        new Builder<>(this, network, featureConverter, outputConverter).epochs(epochs).batchSize(batchSize).optimiser(optimiser)
                .schedule(schedule).seed(seed).device(device).intraOpThreads(intraOpThreads).standardise(false);
        this.phaseStart = fgeStart;
        this.phaseSchedule = new TriangularSchedule(alpha1, alpha2, cycleLength);
        this.cycleUnit = cycleUnit;
        this.initialModel = initialModel;
        postConfig();
    }

    @Override
    protected LearningRateSchedule runSchedule(int stepsPerEpoch) {
        LearningRateSchedule run = super.runSchedule(stepsPerEpoch);
        long c = run.cycleLength();
        if (c < 2 || c % 2 != 0) {
            throw Checks.outOfRange(this, "phaseSchedule", phaseSchedule + " in " + cycleUnit + " (" + c + " steps of " + stepsPerEpoch
                    + " per epoch)", "a cycle of an even number of steps >= 2");
        }
        return run;
    }

    @Override
    protected long collectionsIn(long phaseSteps, long cycleSteps) {
        // snapshots at the mid-points c/2, c/2 + c, ...
        return phaseSteps < cycleSteps / 2 ? 0 : (phaseSteps - cycleSteps / 2) / cycleSteps + 1;
    }

    @Override
    protected List<WeightCollector> collectors(LearningRateSchedule runSchedule, int stepsPerEpoch) {
        return List.of(new FGEListener(runSchedule));
    }

    @Override
    protected BatchedEnsembleModel<T> finish(TrainingRun<T> run) {
        FGEListener fge = (FGEListener) run.collectors().get(0);
        if (fge.snapshots().isEmpty()) {
            throw new IllegalStateException("FGE collected no snapshots: no cycle mid-point after phaseStart = " + phaseStart
                    + " epochs within " + epochs + " epochs; allowed: epochs - phaseStart of at least half a cycle");
        }
        List<DJLModel<T>> members = new ArrayList<>();
        for (int i = 0; i < fge.snapshots().size(); i++) {
            members.add(run.model(WeightsCodec.encode(run.block(), fge.snapshots().get(i).toHost()),
                    "fge-member-" + i + "-step-" + fge.snapshotSteps().get(i)));
        }
        logger.info("FGE ensemble of " + members.size() + " snapshots, taken after steps " + fge.snapshotSteps());
        return BatchedEnsembleModel.of("fge-" + network.getClass().getSimpleName(), run.dataset(), run.trainerProvenance(), members,
                run.outputConverter().ensembleCombiner());
    }

    @Override
    protected String method() {
        return "fge";
    }

    /**
     * Builds an {@link FGETrainer}: the common hyper-parameters and the phase ({@link #phaseStart},
     * {@link #phaseSchedule}, {@link #cycleUnit}) of {@link PhasedTrainer.Builder}.
     * @param <T> The output type.
     */
    public static final class Builder<T extends Output<T>> extends PhasedTrainer.Builder<T, FGETrainer<T>, Builder<T>> {

        private Builder(NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter) {
            this(new FGETrainer<>(), network, featureConverter, outputConverter);
        }

        private Builder(FGETrainer<T> fresh, NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter) {
            super(fresh, network, featureConverter, outputConverter);
        }

        @Override
        protected Builder<T> self() {
            return this;
        }

    }
}
