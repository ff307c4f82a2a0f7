package io.github.tribuoswa.nn.swa;

import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.NetworkTrainer;
import io.github.tribuoswa.nn.NetworkTrainerBuilder;
import io.github.tribuoswa.nn.TrainingRun;
import io.github.tribuoswa.nn.convert.FeatureConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.nn.optim.ScheduleFreeSGD;
import io.github.tribuoswa.nn.optim.ScheduleFreeSGDFactory;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.util.Checks;
import org.tribuo.Output;

/**
 * Schedule-free SGD (Defazio et al. 2024) as a Tribuo trainer: a drop-in for
 * {@link io.github.tribuoswa.nn.DJLTrainer} whose {@code optimiser} is a
 * {@link ScheduleFreeSGDFactory} (β, weight decay) and whose {@code schedule} is the rate γ_t
 * itself (a constant, or a warm-up then a constant: no decay is needed). The network trains at
 * y; the returned {@link DJLModel} holds the average x ({@link ScheduleFreeSGD}), with its
 * BatchNorm statistics recomputed at x by one pass over the training data
 * ({@link BatchNormMode#REFRESH}, the default; NONE keeps those of the training network).
 * Checkpoints hold z and x, so a resumed run ends bit-identical.
 * @param <T> The output type.
 */
public final class ScheduleFreeTrainer<T extends Output<T>> extends NetworkTrainer<T, DJLModel<T>> {

    @Config(description = "BatchNorm statistics of x: REFRESH (recomputed at x) or NONE.")
    private BatchNormMode batchNormMode = BatchNormMode.REFRESH;

    /**
     * For OLCUT: the optimiser defaults to schedule-free SGD with β = 0.9.
     */
    private ScheduleFreeTrainer() {
        this.optimiser = new ScheduleFreeSGDFactory();
    }

    /**
     * A builder of a schedule-free trainer (its optimiser: {@code new ScheduleFreeSGDFactory()}
     * unless {@code optimiser(…)} gives another one).
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
        if (!(optimiser instanceof ScheduleFreeSGDFactory)) {
            throw Checks.outOfRange(this, "optimiser", optimiser, "a ScheduleFreeSGDFactory (the average x is schedule-free SGD's)");
        }
        Checks.present(this, "batchNormMode", batchNormMode);
        if (batchNormMode == BatchNormMode.AVERAGE_BUFFERS) {
            throw Checks.outOfRange(this, "batchNormMode", batchNormMode, "REFRESH or NONE (x has no averaged buffers)");
        }
    }

    /**
     * The configured schedule, checked over the whole run before training: schedule-free SGD
     * weighs step t by γ_t², so every step's rate must be finite and positive.
     */
    @Override
    protected LearningRateSchedule runSchedule(int stepsPerEpoch) {
        LearningRateSchedule s = super.runSchedule(stepsPerEpoch);
        long steps = (long) epochs * stepsPerEpoch;
        for (long t = 1; t <= steps; t++) {
            double gamma = s.rate(t);
            if (!(gamma > 0) || Double.isInfinite(gamma)) {
                throw Checks.outOfRange(this, "schedule", s, "a schedule whose rate is a finite real > 0 at every step of the run (schedule-free "
                        + "SGD weighs step t by its rate squared); step " + t + " of " + steps + " has rate " + gamma);
            }
        }
        return s;
    }

    @Override
    protected DJLModel<T> finish(TrainingRun<T> run) {
        ScheduleFreeSGD sf = (ScheduleFreeSGD) run.optimizer();
        return AveragedModels.of(run, sf::writeEvaluationPoint, "schedule-free SGD: the average x", batchNormMode,
                "schedulefree-" + network.getClass().getSimpleName());
    }

    @Override
    protected String method() {
        return "schedulefree";
    }

    /**
     * Builds a {@link ScheduleFreeTrainer}: the common hyper-parameters of {@link NetworkTrainerBuilder}.
     * @param <T> The output type.
     */
    public static final class Builder<T extends Output<T>> extends NetworkTrainerBuilder<T, ScheduleFreeTrainer<T>, Builder<T>> {

        private Builder(NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter) {
            super(new ScheduleFreeTrainer<>(), network, featureConverter, outputConverter);
        }

        @Override
        protected Builder<T> self() {
            return this;
        }

        /**
         * BatchNorm statistics of x (default REFRESH).
         * @param mode REFRESH or NONE.
         * @return this.
         */
        public Builder<T> batchNormMode(BatchNormMode mode) {
            trainer().batchNormMode = mode;
            return this;
        }
    }
}
