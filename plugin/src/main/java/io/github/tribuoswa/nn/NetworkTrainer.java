package io.github.tribuoswa.nn;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.optimizer.Optimizer;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.core.BatchNormRefresh;
import io.github.tribuoswa.nn.core.Checkpoints;
import io.github.tribuoswa.nn.core.CollectionListener;
import io.github.tribuoswa.nn.core.DenseBatches;
import io.github.tribuoswa.nn.core.DenseData;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.Standardiser;
import io.github.tribuoswa.nn.core.Stateful;
import io.github.tribuoswa.nn.core.TrainingLoop;
import io.github.tribuoswa.nn.core.WeightCollector;
import io.github.tribuoswa.nn.listen.CheckpointListener;
import io.github.tribuoswa.nn.listen.DivergenceCheck;
import io.github.tribuoswa.nn.listen.EpochStatistics;
import io.github.tribuoswa.nn.listen.ProgressReporter;
import io.github.tribuoswa.nn.listen.TelemetryListener;
import io.github.tribuoswa.nn.optim.ScheduleTracker;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.telemetry.Telemetry;
import io.github.tribuoswa.util.Checks;
import io.opentelemetry.api.OpenTelemetry;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Output;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.logging.Logger;

/**
 * The common part of the plugin's Tribuo trainers for DJL networks ({@link DJLTrainer}, and the
 * SWA and FGE trainers), on the hyper-parameters of {@link NetworkConfiguration}: it converts the data, assembles
 * the run's DJL listeners (divergence check, epoch statistics, progress, telemetry, the
 * subclass's weight collectors, observers, checkpointing, epoch models) and calls the one
 * {@link TrainingLoop}. A subclass says only what it adds: the schedule of the run, its
 * weight collectors, and how the trained network becomes a Tribuo model. It names no method.
 * <p>
 * <b>Checkpoints.</b> With {@code checkpointDirectory} set, the run writes
 * {@code run-N.checkpoint} there (N: the trainer's invocation) after every epoch and at weight
 * collections (the first after each epoch, then at most about ten an epoch, so that an EMA of
 * every step does not write every step: {@link CheckpointListener}): all weights, the step count and the state of
 * every {@link Stateful} piece (the optimiser's moments, each collector's average or
 * snapshots), each saved by the piece itself; the random state is the run's
 * seed, from which every epoch's shuffle and every step's engine seed are derived. Writes are
 * atomic. Training again with the same configuration and data resumes from the checkpoint and
 * ends with the same weights, bit for bit on CPU, as an uninterrupted run. A checkpoint from
 * another configuration or a corrupt one is refused and left as it is.
 * @param <T> The output type.
 * @param <M> The model type.
 */
public abstract class NetworkTrainer<T extends Output<T>, M extends org.tribuo.Model<T>> extends NetworkConfiguration<T>
        implements org.tribuo.Trainer<T> {

    private static final Logger logger = Logger.getLogger(NetworkTrainer.class.getName());

    private Invocations invocations;
    private final transient List<TrainingListener> observers = new CopyOnWriteArrayList<>();
    private final transient List<EpochModels.Request<M>> epochModels = new CopyOnWriteArrayList<>();

    /**
     * For OLCUT.
     */
    protected NetworkTrainer() {}

    @Override
    public synchronized void postConfig() {
        super.postConfig();
        this.invocations = new Invocations(seed);
    }

    /**
     * The telemetry method name of this trainer's runs.
     * @return sgd, swa or fge.
     */
    protected abstract String method();

    /**
     * Adds a DJL listener that observes every run of this trainer without changing it (a probe,
     * a logger, telemetry). Observers are not hyper-parameters and are not in the provenance.
     * @param listener The listener.
     */
    public void addObserver(TrainingListener listener) {
        observers.add(listener);
    }

    /**
     * Asks every run of this trainer for the model it would have returned had it ended after
     * each epoch e (1 &le; e &lt; epochs) where {@code epochs.test(e)}: SWA's w_SWA (BatchNorm
     * refreshed) along the SWA phase, FGE's ensemble as it grows, SGD's weights. The run itself
     * continues unchanged: the model is formed from copies of its average or snapshots (with
     * the weights at that epoch end, if due), and its weights are restored afterwards. Because a
     * run's schedule, shuffles and steps do not depend on its length, the model at epoch e is
     * the model a run of e epochs returns (for SGD when its schedule does not depend on the
     * budget). Epochs before SWA's or FGE's first average or snapshot are skipped. With
     * {@code checkpointDirectory} set, each epoch's model is handed over before that epoch's
     * checkpoint is written, so a run killed in between and resumed hands it over again (the
     * same model, bit for bit): at least once, never skipped.
     * Not a hyper-parameter and not in the provenance.
     * @param epochs Which epochs.
     * @param listener The receiver.
     */
    public void addEpochModelListener(IntPredicate epochs, EpochModelListener<? super M> listener) {
        epochModels.add(new EpochModels.Request<>(epochs, listener));
    }

    /**
     * The learning-rate schedule of a run (default: the configured schedule).
     * @param stepsPerEpoch Steps per epoch of this run.
     * @return The schedule.
     */
    protected LearningRateSchedule runSchedule(int stepsPerEpoch) {
        return schedule;
    }

    /**
     * The weight collectors (SWA, FGE) attached to a run (default: none).
     * @param runSchedule The run's schedule.
     * @param stepsPerEpoch Steps per epoch.
     * @return The collectors.
     */
    protected List<WeightCollector> collectors(LearningRateSchedule runSchedule, int stepsPerEpoch) {
        return Collections.emptyList();
    }

    /**
     * Turns the trained network into the trainer's model. Called with the network still alive,
     * after every collector has seen the last weights.
     * @param run The finished run.
     * @return The model.
     */
    protected abstract M finish(TrainingRun<T> run);

    @Override
    public M train(Dataset<T> examples) {
        return train(examples, Collections.emptyMap());
    }

    @Override
    public M train(Dataset<T> examples, Map<String, Provenance> runProvenance) {
        return train(examples, runProvenance, INCREMENT_INVOCATION_COUNT);
    }

    @Override
    public M train(Dataset<T> examples, Map<String, Provenance> runProvenance, int invocationCount) {
        if (examples.size() == 0) {
            throw new IllegalArgumentException("The dataset is empty (0 examples); " + getClass().getSimpleName() + " needs at least one example");
        }
        TrainerProvenance trainerProvenance;
        Invocations.Invocation run;
        synchronized (this) {
            run = invocations.next(invocationCount);
            trainerProvenance = getProvenance();
        }
        int invocation = run.index();
        long runSeed = run.seed();
        T anOutput = examples.getOutputInfo().getDomain().iterator().next();
        if (!outputConverter.outputType().isInstance(anOutput)) {
            throw new IllegalArgumentException("outputConverter = " + outputConverter + " is for " + outputConverter.outputType().getSimpleName()
                    + " outputs, but the dataset's outputs are " + anOutput.getClass().getSimpleName()
                    + "; allowed: a converter of the dataset's output type (LabelConverter for Label, RegressorConverter for Regressor)");
        }
        List<Example<T>> list = new ArrayList<>(examples.size());
        examples.forEach(list::add);
        DenseData data = DenseData.of(list, featureConverter, outputConverter, examples.getFeatureIDMap(), examples.getOutputIDInfo());
        Standardiser standardiser = standardise ? Standardiser.fit(data) : null;
        if (standardiser != null) {
            standardiser.apply(data.features());
        }
        Standardiser targetStandardiser = standardiseTargets && outputConverter.realValuedTargets() ? Standardiser.fitTargets(data) : null;
        if (targetStandardiser != null) {
            targetStandardiser.apply(data.targets());
        }
        int stepsPerEpoch = TrainingLoop.stepsPerEpoch(data.size(), batchSize);
        LearningRateSchedule runSchedule = runSchedule(stepsPerEpoch);
        List<WeightCollector> collectors = collectors(runSchedule, stepsPerEpoch);
        collectors.forEach(c -> c.setWeightBound(weightBound));
        CheckpointListener checkpointing = checkpointDirectory.isEmpty() ? null
                : new CheckpointListener(new Checkpoints(Path.of(checkpointDirectory).resolve("run-" + invocation + ".checkpoint"),
                Checkpoints.fingerprint(getClass(), trainerProvenance.getConfiguredParameters(), invocation, runSeed, data)), stepsPerEpoch,
                weightBound);
        long startStep = checkpointing == null ? 0 : checkpointing.startStep();

        Engines.setIntraOpThreads(intraOpThreads > 0 ? intraOpThreads : Runtime.getRuntime().availableProcessors());
        Device dev = Engines.device(this, device);
        Engines.pytorch().setRandomSeed(TrainingLoop.stepSeed(runSeed, -1));
        Block block = network.build(data.exampleShape(), outputConverter.numOutputs(examples.getOutputIDInfo()));
        if (BatchNormRefresh.hasBatchNorm(block) && (batchSize < 2 || data.size() < 2)) {
            // BatchNorm's batch statistics need two examples (libtorch: "Expected more than 1 value per channel when training")
            throw batchSize < 2 ? Checks.outOfRange(this, "batchSize", batchSize, "integer >= 2 for a network with BatchNorm")
                    : new IllegalArgumentException("The dataset has " + data.size() + " example; a network with BatchNorm needs at least 2");
        }
        try (Model model = Model.newInstance("tribuo-swa", dev, Engines.ENGINE)) {
            model.setBlock(block);
            Optimizer opt = optimiser.create(new ScheduleTracker(runSchedule), Math.toIntExact(startStep));
            EpochStatistics stats = new EpochStatistics(startStep, stepsPerEpoch, outputConverter instanceof LabelConverter);
            TelemetryListener tel = telemetry(trainerProvenance, data.size(), dev, runSchedule, stepsPerEpoch, startStep, stats);
            DivergenceCheck divergence = new DivergenceCheck(startStep, stepsPerEpoch, divergenceFactor, weightBound);
            List<TrainingListener> listeners = new ArrayList<>(List.of(divergence, stats,
                    new ProgressReporter(stats, epochs, stepsPerEpoch, progressBar), tel));
            listeners.addAll(collectors);
            listeners.addAll(observers);
            TrainingRun.Setup<T> setup = new TrainingRun.Setup<>(network, featureConverter, outputConverter, device, batchSize);
            Function<Trainer, TrainingRun<T>> runOf = trainer -> new TrainingRun<>(setup, invocation, examples, data, standardiser,
                    targetStandardiser, block, trainer.getManager(), opt, collectors, trainerProvenance, runProvenance, tel);
            if (!epochModels.isEmpty()) {
                // before the checkpoint: a run killed between an epoch's model and its checkpoint hands that model over again on
                // resuming (at least once), never skips it
                listeners.add(new EpochModels<>(epochModels, runOf, this::finish, epochs, Math.toIntExact(startStep / stepsPerEpoch)));
            }
            if (checkpointing != null) {
                listeners.add(checkpointing);
            }
            for (TrainingListener l : List.copyOf(listeners)) {
                if (l instanceof CollectionListener) { // telemetry, checkpointing, an observer: told of every collection
                    collectors.forEach(c -> c.addCollectionListener((CollectionListener) l));
                }
            }
            DefaultTrainingConfig config = new DefaultTrainingConfig(outputConverter.loss()).optOptimizer(opt).optDevices(new Device[]{dev})
                    .addTrainingListeners(listeners.toArray(new TrainingListener[0]));
            try (Trainer trainer = model.newTrainer(config)) {
                try {
                    trainer.initialize(DenseBatches.batchShape(data.exampleShape(), Math.min(batchSize, data.size())));
                    if (checkpointing != null && checkpointing.resume(block, optimiser, opt, statefulPieces(divergence, collectors))) {
                        logger.info("Resuming from " + checkpointing.file() + " after " + startStep + " steps");
                    } else {
                        InitialWeights.start(block, initialModel, initialisation, runSeed, examples);
                    }
                    logger.info(getClass().getSimpleName() + ": " + network + " on " + data.size() + " examples, " + epochs + " epochs of "
                            + stepsPerEpoch + " steps, device " + dev);
                    TrainingLoop.fit(trainer, opt, data, startStep, epochs, batchSize, shuffle, runSeed);
                    for (WeightCollector c : collectors) {
                        c.finish(block);
                    }
                    return finish(runOf.apply(trainer));
                } catch (RuntimeException | Error e) {
                    tel.fail(e);
                    throw e;
                }
            }
        }
    }

    private TelemetryListener telemetry(TrainerProvenance provenance, int examples, Device dev, LearningRateSchedule runSchedule,
                                        int stepsPerEpoch, long startStep, EpochStatistics stats) {
        Map<String, String> hyperParameters = new TreeMap<>();
        provenance.getConfiguredParameters().forEach((k, v) -> hyperParameters.put(k, String.valueOf(v)));
        OpenTelemetry otel = Telemetry.resolve(openTelemetry() != null ? openTelemetry() : (telemetry != null ? telemetry.openTelemetry() : null));
        return new TelemetryListener(otel, method(), getClass().getSimpleName(), hyperParameters, examples, dev.toString(), runSchedule,
                stepsPerEpoch, (long) epochs * stepsPerEpoch, startStep, stats);
    }

    @Override
    public int getInvocationCount() {
        return invocations.count();
    }

    @Override
    public synchronized void setInvocationCount(int invocationCount) {
        invocations.reset(invocationCount);
    }

    @Override
    public TrainerProvenance getProvenance() {
        return new TrainerProvenanceImpl(this);
    }

    /**
     * The trainer's class and every hyper-parameter, Tribuo style: {@code Name(field=value,…)}.
     * @return The description.
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(getClass().getSimpleName()).append('(');
        new TreeMap<>(getProvenance().getConfiguredParameters()).forEach((k, v) -> b.append(b.charAt(b.length() - 1) == '(' ? "" : ",")
                .append(k).append('=').append(v));
        return b.append(')').toString();
    }

    /** The run's stateful pieces besides the optimiser, in checkpoint order: the divergence check, then the collectors. */
    private static List<Stateful> statefulPieces(DivergenceCheck divergence, List<WeightCollector> collectors) {
        List<Stateful> pieces = new ArrayList<>();
        pieces.add(divergence);
        pieces.addAll(collectors);
        return pieces;
    }
}
