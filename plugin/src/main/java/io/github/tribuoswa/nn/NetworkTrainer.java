package io.github.tribuoswa.nn;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import io.github.tribuoswa.nn.convert.FeatureConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.nn.optim.MomentumSGD;
import io.github.tribuoswa.nn.optim.OptimiserFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.nn.optim.ScheduleTracker;
import io.github.tribuoswa.nn.swa.FGEListener;
import io.github.tribuoswa.nn.swa.SWAListener;
import io.github.tribuoswa.nn.swa.WeightCollector;
import io.github.tribuoswa.protos.CheckpointProto;
import io.github.tribuoswa.protos.WeightsProto;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.telemetry.Telemetry;
import io.github.tribuoswa.telemetry.TelemetrySource;
import io.github.tribuoswa.telemetry.TrainingTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.util.Checks;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Output;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import java.util.logging.Logger;

/**
 * The common part of the plugin's Tribuo trainers for DJL networks ({@link DJLTrainer}, and the
 * SWA and FGE trainers): the hyper-parameters every run has, the conversion of the data, the
 * one {@link TrainingLoop}, checkpoints and resume. A subclass says only what it adds: the
 * schedule of the run, the weight collectors (DJL listeners) attached to the loop, and how the
 * trained network becomes a Tribuo model.
 * <p>
 * <b>Checkpoints.</b> With {@code checkpointDirectory} set, the run writes
 * {@code run-N.checkpoint} there (N: the trainer's invocation) after every epoch and at every
 * SWA average update or FGE snapshot: all weights, the optimiser's momentum, the running
 * average and its count, the FGE snapshots, and the step count; the random state is the run's
 * seed, from which every epoch's shuffle and every step's engine seed are derived. Writes are
 * atomic. Training again with the same configuration and data resumes from the checkpoint and
 * ends with the same weights, bit for bit on CPU, as an uninterrupted run. A checkpoint from
 * another configuration or a corrupt one is refused and left as it is.
 * @param <T> The output type.
 * @param <M> The model type.
 */
public abstract class NetworkTrainer<T extends Output<T>, M extends org.tribuo.Model<T>> implements org.tribuo.Trainer<T> {

    private static final Logger logger = Logger.getLogger(NetworkTrainer.class.getName());

    @Config(mandatory = true, description = "The network factory.")
    protected NetworkFactory network;

    @Config(mandatory = true, description = "Converts examples' features to dense arrays.")
    protected FeatureConverter featureConverter;

    @Config(mandatory = true, description = "Converts outputs to targets and network outputs to predictions.")
    protected OutputConverter<T> outputConverter;

    @Config(description = "Number of epochs of the whole run (>= 1).")
    protected int epochs = 10;

    @Config(description = "Minibatch size (>= 1).")
    protected int batchSize = 128;

    @Config(description = "The optimiser (SGD with momentum and weight decay, or Adam).")
    protected OptimiserFactory optimiser = new SGDFactory();

    @Config(description = "The learning-rate schedule, applied per step (for SWA and FGE: of the SGD phase).")
    protected LearningRateSchedule schedule = new ConstantSchedule(0.05);

    @Config(description = "Shuffle the examples before every epoch.")
    protected boolean shuffle = true;

    @Config(description = "Seed of the shuffles, weight initialisation and dropout.")
    protected long seed = org.tribuo.Trainer.DEFAULT_SEED;

    @Config(description = "Device: auto, cpu, gpu or gpu:N.")
    protected String device = "auto";

    @Config(description = "PyTorch intra-op threads (>= 1); 0 means one per available core.")
    protected int intraOpThreads = 0;

    @Config(description = "Standardise each input with the training data's mean and std (stored in the model).")
    protected boolean standardise = false;

    @Config(description = "Draw a progress bar when a terminal is attached.")
    protected boolean progressBar = true;

    @Config(description = "Directory for checkpoints (written after every epoch and every average or snapshot); empty for none.")
    protected String checkpointDirectory = "";

    @Config(description = "Where runs take their OpenTelemetry instance from (GlobalTelemetry, NoTelemetry); unset: the one given in Java, else the global one.")
    protected TelemetrySource telemetry;

    @Config(description = "How the weights are drawn when no initialModel is given: DJL (its blocks' defaults: Kaiming-normal weights, zero biases) or PYTORCH (torch.nn's defaults).")
    protected Initialisation initialisation = Initialisation.DJL;

    @Config(description = "A saved DJLModel (Tribuo protobuf) of the same network whose weights start the run (for SWA and FGE: the pre-trained ŵ); empty for a random start.")
    protected String initialModel = "";

    private SplittableRandom rng;
    private int invocationCount = 0;
    private final transient List<TrainingListener> observers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final transient List<EpochModelRequest<M>> epochModels = new java.util.concurrent.CopyOnWriteArrayList<>();
    private transient volatile OpenTelemetry openTelemetry;

    /**
     * For OLCUT.
     */
    protected NetworkTrainer() {}

    /**
     * Sets the common hyper-parameters; the subclass constructor calls {@link #postConfig()}.
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
     */
    protected NetworkTrainer(NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter,
                             int epochs, int batchSize, OptimiserFactory optimiser, LearningRateSchedule schedule,
                             long seed, String device, int intraOpThreads, boolean standardise) {
        this.network = network;
        this.featureConverter = featureConverter;
        this.outputConverter = outputConverter;
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.optimiser = optimiser;
        this.schedule = schedule;
        this.seed = seed;
        this.device = device;
        this.intraOpThreads = intraOpThreads;
        this.standardise = standardise;
    }

    @Override
    public synchronized void postConfig() {
        Checks.present(this, "network", network);
        Checks.present(this, "featureConverter", featureConverter);
        Checks.present(this, "outputConverter", outputConverter);
        Checks.present(this, "optimiser", optimiser);
        Checks.present(this, "schedule", schedule);
        Checks.present(this, "initialisation", initialisation);
        Checks.atLeast(this, "epochs", epochs, 1);
        Checks.atLeast(this, "batchSize", batchSize, 1);
        Checks.atLeast(this, "intraOpThreads", intraOpThreads, 0);
        Engines.checkDeviceSpec(this, device);
        if (checkpointDirectory == null) {
            checkpointDirectory = "";
        }
        if (initialModel == null) {
            initialModel = "";
        }
        if (!checkpointDirectory.isEmpty() && !(optimiser instanceof SGDFactory)) {
            throw Checks.outOfRange(this, "optimiser", optimiser, "SGDFactory when checkpointDirectory is set (Adam's state is internal to DJL)");
        }
        this.rng = new SplittableRandom(seed);
    }

    /**
     * Stops or allows progress-bar drawing.
     * @param progressBar Whether to draw the bar on a terminal.
     */
    public void setProgressBar(boolean progressBar) {
        this.progressBar = progressBar;
    }

    /**
     * Chooses how the weights are drawn when no {@code initialModel} is given (the
     * {@code initialisation} option; DJL's defaults unless set).
     * @param initialisation DJL or PYTORCH.
     */
    public void setInitialisation(Initialisation initialisation) {
        this.initialisation = Checks.present(this, "initialisation", initialisation);
    }

    /**
     * Gives the trainer an OpenTelemetry instance for its runs (it takes precedence over the
     * {@code telemetry} component; without either, runs use {@code GlobalOpenTelemetry.getOrNoop()}).
     * @param otel The instance, or null.
     */
    public void setOpenTelemetry(OpenTelemetry otel) {
        this.openTelemetry = otel;
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
     * Receives the models a run would have returned had it ended after some of its epochs.
     * @param <M> The model type.
     */
    @FunctionalInterface
    public interface EpochModelListener<M> {
        /**
         * Called at the end of a chosen epoch with the model of a run of that many epochs; the
         * receiver owns (and closes) the model.
         * @param epoch The epochs done (1-based, below the run's epochs).
         * @param model The model: the current weights (SGD), w_SWA with its BatchNorm
         *              statistics (SWA), or the ensemble of the snapshots so far (FGE).
         */
        void onEpochModel(int epoch, M model);
    }

    private static final class EpochModelRequest<M> {
        private final IntPredicate epochs;
        private final EpochModelListener<? super M> listener;

        private EpochModelRequest(IntPredicate epochs, EpochModelListener<? super M> listener) {
            this.epochs = epochs;
            this.listener = listener;
        }
    }

    /**
     * Asks every run of this trainer for the model it would have returned had it ended after
     * each epoch e (1 &le; e &lt; epochs) where {@code epochs.test(e)}: SWA's w_SWA (BatchNorm
     * refreshed) along the SWA phase, FGE's ensemble as it grows, SGD's weights. The run itself
     * continues unchanged: the model is formed from copies of its average or snapshots (with
     * the weights at that epoch end, if due), and its weights are restored afterwards. Because a
     * run's schedule, shuffles and steps do not depend on its length, the model at epoch e is
     * the model a run of e epochs returns (for SGD when its schedule does not depend on the
     * budget). Epochs before SWA's or FGE's first average or snapshot are skipped.
     * Not a hyper-parameter and not in the provenance.
     * @param epochs Which epochs.
     * @param listener The receiver.
     */
    public void addEpochModelListener(IntPredicate epochs, EpochModelListener<? super M> listener) {
        epochModels.add(new EpochModelRequest<>(epochs, listener));
    }

    /**
     * Sets the checkpoint directory (empty or null: none).
     * @param directory The directory.
     */
    public synchronized void setCheckpointDirectory(String directory) {
        this.checkpointDirectory = directory == null ? "" : directory;
        postConfig();
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
     * Sets the network's starting weights after initialisation: those of {@code initialModel}
     * if set, else the configured random initialisation. Not called when the run resumes from a checkpoint.
     * @param block The initialised network.
     * @param runSeed The run's seed.
     */
    private void prepare(Block block, long runSeed) {
        if (!initialModel.isEmpty()) {
            InitialWeights.load(initialModel, block);
        } else {
            initialisation.apply(block, TrainingLoop.stepSeed(runSeed, -1));
        }
    }

    /**
     * Turns the trained network into the trainer's model. Called with the network still alive,
     * after every collector has seen the last weights.
     * @param run The finished run.
     * @return The model.
     */
    protected abstract M finish(Run<T> run);

    /**
     * A finished training run, as the subclass's {@link #finish} sees it.
     * @param <T> The output type.
     */
    public static final class Run<T extends Output<T>> {
        private final NetworkTrainer<T, ?> trainer;
        private final Dataset<T> dataset;
        private final DenseData data;
        private final Standardiser standardiser;
        private final Block block;
        private final NDManager manager;
        private final List<WeightCollector> collectors;
        private final TrainerProvenance trainerProvenance;
        private final Map<String, Provenance> runProvenance;
        private final TrainingTelemetry telemetry;

        Run(NetworkTrainer<T, ?> trainer, Dataset<T> dataset, DenseData data, Standardiser standardiser, Block block, NDManager manager,
            List<WeightCollector> collectors, TrainerProvenance trainerProvenance, Map<String, Provenance> runProvenance,
            TrainingTelemetry telemetry) {
            this.telemetry = telemetry;
            this.trainer = trainer;
            this.dataset = dataset;
            this.data = data;
            this.standardiser = standardiser;
            this.block = block;
            this.manager = manager;
            this.collectors = collectors;
            this.trainerProvenance = trainerProvenance;
            this.runProvenance = runProvenance;
        }

        private Run<T> withCollectors(List<WeightCollector> others) {
            return new Run<>(trainer, dataset, data, standardiser, block, manager, others, trainerProvenance, runProvenance, telemetry);
        }

        /**
         * The run's telemetry (spans for work done after training, such as the BatchNorm refresh).
         * @return The telemetry.
         */
        public TrainingTelemetry telemetry() {
            return telemetry;
        }

        /**
         * The trained network.
         * @return The block.
         */
        public Block block() {
            return block;
        }

        /**
         * A manager on the network's device.
         * @return The manager.
         */
        public NDManager manager() {
            return manager;
        }

        /**
         * The training data as dense arrays (standardised if the trainer standardises).
         * @return The data.
         */
        public DenseData data() {
            return data;
        }

        /**
         * The collectors that were attached.
         * @return The collectors.
         */
        public List<WeightCollector> collectors() {
            return collectors;
        }

        /**
         * The training dataset.
         * @return The dataset.
         */
        public Dataset<T> dataset() {
            return dataset;
        }

        /**
         * The trainer's provenance for this run.
         * @return The provenance.
         */
        public TrainerProvenance trainerProvenance() {
            return trainerProvenance;
        }

        /**
         * A model of the network with the given weights (every parameter, in network order).
         * @param weights The weights.
         * @param name The model name.
         * @return The model.
         */
        public DJLModel<T> model(WeightsProto weights, String name) {
            ModelProvenance provenance = new ModelProvenance(DJLModel.class.getName(), OffsetDateTime.now(),
                    dataset.getProvenance(), trainerProvenance, runProvenance);
            return new DJLModel<>(name, provenance, dataset.getFeatureIDMap(), dataset.getOutputIDInfo(), trainer.network,
                    trainer.featureConverter, trainer.outputConverter, data.exampleShape(), weights, standardiser, trainer.device);
        }

        /**
         * A model of the network with its current weights.
         * @param name The model name.
         * @return The model.
         */
        public DJLModel<T> model(String name) {
            return model(WeightsCodec.encode(block), name);
        }

        /**
         * The batch size of the run.
         * @return The batch size.
         */
        public int batchSize() {
            return trainer.batchSize;
        }
    }

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
        SplittableRandom localRng;
        int invocation;
        synchronized (this) {
            if (invocationCount != INCREMENT_INVOCATION_COUNT) {
                setInvocationCount(invocationCount);
            }
            localRng = rng.split();
            trainerProvenance = getProvenance();
            invocation = this.invocationCount++;
        }
        long runSeed = localRng.nextLong();
        ImmutableFeatureMap featureMap = examples.getFeatureIDMap();
        ImmutableOutputInfo<T> outputInfo = examples.getOutputIDInfo();
        List<Example<T>> list = new ArrayList<>(examples.size());
        examples.forEach(list::add);
        DenseData data = DenseData.of(list, featureConverter, outputConverter, featureMap, outputInfo);
        Standardiser standardiser = standardise ? Standardiser.fit(data) : null;
        if (standardiser != null) {
            standardiser.apply(data.features());
        }
        int stepsPerEpoch = TrainingLoop.stepsPerEpoch(data.size(), batchSize);
        LearningRateSchedule runSchedule = runSchedule(stepsPerEpoch);
        List<WeightCollector> collectors = collectors(runSchedule, stepsPerEpoch);
        Checkpoints checkpoints = checkpointDirectory.isEmpty() ? null
                : new Checkpoints(Path.of(checkpointDirectory).resolve("run-" + invocation + ".checkpoint"),
                fingerprint(trainerProvenance, invocation, runSeed, data));
        CheckpointProto resume = checkpoints == null ? null : checkpoints.read().orElse(null);
        long startStep = resume == null ? 0 : resume.getStepsDone();

        Engines.setIntraOpThreads(intraOpThreads > 0 ? intraOpThreads : Runtime.getRuntime().availableProcessors());
        Device dev = Engines.device(this, device);
        Engines.pytorch().setRandomSeed(TrainingLoop.stepSeed(runSeed, -1));
        Block block = network.build(data.exampleShape(), outputConverter.numOutputs(outputInfo));
        try (Model model = Model.newInstance("tribuo-swa", dev, Engines.ENGINE)) {
            model.setBlock(block);
            Optimizer opt = optimiser.create(new ScheduleTracker(runSchedule), Math.toIntExact(startStep));
            ProgressLogger progress = new ProgressLogger(startStep, epochs, stepsPerEpoch, outputConverter instanceof LabelConverter, progressBar);
            Map<String, String> hyperParameters = new TreeMap<>();
            trainerProvenance.getConfiguredParameters().forEach((k, v) -> hyperParameters.put(k, String.valueOf(v)));
            OpenTelemetry otel = Telemetry.resolve(openTelemetry != null ? openTelemetry : (telemetry != null ? telemetry.openTelemetry() : null));
            TrainingTelemetry tel = new TrainingTelemetry(otel, method(), getClass().getSimpleName(), hyperParameters, data.size(),
                    dev.toString(), runSchedule, stepsPerEpoch, (long) epochs * stepsPerEpoch, startStep, progress);
            DefaultTrainingConfig config = new DefaultTrainingConfig(outputConverter.loss())
                    .optOptimizer(opt)
                    .optDevices(new Device[]{dev})
                    .addTrainingListeners(progress, tel);
            for (WeightCollector c : collectors) {
                config.addTrainingListeners(c);
                c.addCollectionListener(tel);
            }
            for (TrainingListener l : observers) {
                config.addTrainingListeners(l);
            }
            if (checkpoints != null) {
                config.addTrainingListeners(new TrainingListenerAdapter() {
                    private long epochsDone = startStep / stepsPerEpoch;

                    @Override
                    public void onEpoch(Trainer trainer) {
                        epochsDone++;
                        writeCheckpoint(checkpoints, block, opt, collectors, epochsDone * stepsPerEpoch, false);
                    }
                });
                for (WeightCollector c : collectors) {
                    c.addCollectionListener((k, count) -> writeCheckpoint(checkpoints, block, opt, collectors, k, true));
                }
            }
            if (!epochModels.isEmpty()) {
                config.addTrainingListeners(new TrainingListenerAdapter() {
                    private int epochsDone = Math.toIntExact(startStep / stepsPerEpoch);

                    @Override
                    public void onEpoch(Trainer trainer) {
                        epochsDone++;
                        deliverEpochModel(epochsDone, new Run<>(NetworkTrainer.this, examples, data, standardiser, block,
                                trainer.getManager(), collectors, trainerProvenance, runProvenance, tel));
                    }
                });
            }
            try (Trainer trainer = model.newTrainer(config)) {
                try {
                    long[] dims = new long[data.exampleShape().dimension() + 1];
                    dims[0] = Math.min(batchSize, data.size());
                    System.arraycopy(data.exampleShape().getShape(), 0, dims, 1, data.exampleShape().dimension());
                    trainer.initialize(new Shape(dims));
                    if (resume != null) {
                        restore(resume, block, opt, collectors);
                        logger.info("Resuming from " + checkpoints.file() + " after " + startStep + " steps");
                    } else {
                        prepare(block, runSeed);
                    }
                    logger.info(getClass().getSimpleName() + ": " + network + " on " + data.size() + " examples, " + epochs + " epochs of "
                            + stepsPerEpoch + " steps, device " + dev);
                    TrainingLoop.fit(trainer, opt, data, startStep, epochs, batchSize, shuffle, runSeed);
                    for (WeightCollector c : collectors) {
                        c.finish(block);
                    }
                    return finish(new Run<>(this, examples, data, standardiser, block, trainer.getManager(), collectors,
                            trainerProvenance, runProvenance, tel));
                } catch (RuntimeException | Error e) {
                    tel.fail(e);
                    throw e;
                }
            }
        }
    }

    private void deliverEpochModel(int epoch, Run<T> run) {
        if (epoch >= epochs) {
            return;
        }
        List<EpochModelRequest<M>> wanted = new ArrayList<>();
        for (EpochModelRequest<M> r : epochModels) {
            if (r.epochs.test(epoch)) {
                wanted.add(r);
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        List<WeightCollector> copies = new ArrayList<>();
        for (WeightCollector c : run.collectors()) {
            WeightCollector copy = c.detachedCopy();
            copy.finish(run.block());
            if (copy.collections() == 0) {
                return;
            }
            copies.add(copy);
        }
        Run<T> ended = run.withCollectors(copies);
        float[] weights = NetworkWeights.read(run.block(), NetworkWeights.Selection.ALL);
        for (EpochModelRequest<M> r : wanted) {
            M epochModel;
            try {
                epochModel = finish(ended);
            } finally {
                NetworkWeights.write(run.block(), NetworkWeights.Selection.ALL, weights);
            }
            r.listener.onEpochModel(epoch, epochModel);
        }
    }

    private static List<Parameter> trainable(Block block) {
        List<Parameter> out = new ArrayList<>();
        for (Pair<String, Parameter> p : NetworkWeights.parameters(block, NetworkWeights.Selection.TRAINABLE)) {
            out.add(p.getValue());
        }
        return out;
    }

    private static void writeCheckpoint(Checkpoints checkpoints, Block block, Optimizer opt, List<WeightCollector> collectors,
                                        long stepsDone, boolean visited) {
        float[] weights = NetworkWeights.read(block, NetworkWeights.Selection.ALL);
        for (float w : weights) {
            if (!Float.isFinite(w)) {
                throw new IllegalStateException("The weights after step " + stepsDone + " are not finite; training diverged. The last good checkpoint "
                        + checkpoints.file() + " was kept");
            }
        }
        CheckpointProto.Builder b = CheckpointProto.newBuilder()
                .setStepsDone(stepsDone)
                .setVisitedCurrent(visited)
                .setWeights(WeightsCodec.encode(block, weights));
        for (float[] state : ((MomentumSGD) opt).state(trainable(block))) {
            b.addOptimiserState(Checkpoints.floats(state));
        }
        for (WeightCollector c : collectors) {
            if (c instanceof SWAListener && ((SWAListener) c).average() != null) {
                b.setAverage(Checkpoints.doubles(((SWAListener) c).average().average()));
                b.setAverageCount(((SWAListener) c).average().count());
            } else if (c instanceof FGEListener) {
                for (float[] s : ((FGEListener) c).snapshots()) {
                    b.addSnapshots(Checkpoints.floats(s));
                }
                b.addAllSnapshotSteps(((FGEListener) c).snapshotSteps());
            }
        }
        checkpoints.write(b);
    }

    private static void restore(CheckpointProto cp, Block block, Optimizer opt, List<WeightCollector> collectors) {
        NetworkWeights.write(block, NetworkWeights.Selection.ALL, WeightsCodec.decode(cp.getWeights(), block));
        List<float[]> state = new ArrayList<>();
        cp.getOptimiserStateList().forEach(bytes -> state.add(Checkpoints.floats(bytes)));
        ((MomentumSGD) opt).restore(trainable(block), state);
        for (WeightCollector c : collectors) {
            c.resumeAt(cp.getStepsDone(), cp.getVisitedCurrent());
            if (c instanceof SWAListener && cp.getAverageCount() > 0) {
                SWAListener swa = (SWAListener) c;
                double[] mean = Checkpoints.doubles(cp.getAverage());
                swa.restore(swa.newAverage(mean.length));
                swa.average().restore(mean, cp.getAverageCount());
            } else if (c instanceof FGEListener) {
                List<float[]> snaps = new ArrayList<>();
                cp.getSnapshotsList().forEach(bytes -> snaps.add(Checkpoints.floats(bytes)));
                ((FGEListener) c).restore(snaps, cp.getSnapshotStepsList());
            }
        }
    }

    /**
     * What a checkpoint must match: the trainer's configuration (without the checkpoint
     * directory), the invocation and seed of the run, and the data.
     */
    private String fingerprint(TrainerProvenance provenance, int invocation, long runSeed, DenseData data) {
        Map<String, String> config = new TreeMap<>();
        provenance.getConfiguredParameters().forEach((k, v) -> {
            if (!k.equals("checkpointDirectory")) {
                config.put(k, String.valueOf(v));
            }
        });
        String text = getClass().getName() + config + "|invocation=" + invocation + "|seed=" + runSeed;
        ByteBuffer buf = ByteBuffer.allocate(8 * 4 + (data.features().length + data.targets().length) * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(data.size()).putLong(data.featureWidth()).putLong(data.targetWidth()).putLong(text.hashCode());
        buf.asFloatBuffer().put(data.features()).put(data.targets());
        byte[] dataHash = WeightsCodec.sha256(buf.array());
        byte[] all = WeightsCodec.sha256((text + HexFormat.of().formatHex(dataHash)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(all);
    }

    @Override
    public int getInvocationCount() {
        return invocationCount;
    }

    @Override
    public synchronized void setInvocationCount(int invocationCount) {
        if (invocationCount < 0) {
            throw new IllegalArgumentException("invocationCount = " + invocationCount + " is out of range; allowed: integer >= 0");
        }
        rng = new SplittableRandom(seed);
        for (this.invocationCount = 0; this.invocationCount < invocationCount; this.invocationCount++) {
            rng.split();
        }
    }

    @Override
    public TrainerProvenance getProvenance() {
        return new TrainerProvenanceImpl(this);
    }

    /**
     * The common hyper-parameters as {@code name=value} pairs, for subclasses' {@code toString}.
     * @return The text.
     */
    protected String commonToString() {
        return "network=" + network + ",featureConverter=" + featureConverter + ",outputConverter=" + outputConverter
                + ",epochs=" + epochs + ",batchSize=" + batchSize + ",optimiser=" + optimiser + ",schedule=" + schedule
                + ",shuffle=" + shuffle + ",seed=" + seed + ",device=" + device + ",intraOpThreads=" + intraOpThreads
                + ",standardise=" + standardise + ",checkpointDirectory=" + checkpointDirectory + ",initialisation=" + initialisation + ",initialModel=" + initialModel;
    }
}
