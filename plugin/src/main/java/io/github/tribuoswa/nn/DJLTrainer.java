package io.github.tribuoswa.nn;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import io.github.tribuoswa.nn.convert.FeatureConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.nn.optim.OptimiserFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.nn.optim.ScheduleTracker;
import io.github.tribuoswa.protos.WeightsProto;
import io.github.tribuoswa.schedule.ConstantSchedule;
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

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.logging.Logger;

/**
 * Trains a DJL (PyTorch) neural network on any Tribuo dataset: classification with softmax
 * cross-entropy ({@link LabelConverter}) or regression with squared error
 * ({@link io.github.tribuoswa.nn.convert.RegressorConverter}). Returns a {@link DJLModel}.
 * <p>
 * The examples become dense float arrays once; the network comes from a configurable
 * {@link NetworkFactory}; the optimiser from an {@link OptimiserFactory} whose learning rate
 * follows a {@link LearningRateSchedule} per step. Training runs the plugin's one
 * {@link TrainingLoop}. With the same seed on CPU, training twice gives the same weights.
 * @param <T> The output type.
 */
public final class DJLTrainer<T extends Output<T>> implements org.tribuo.Trainer<T> {

    private static final Logger logger = Logger.getLogger(DJLTrainer.class.getName());

    @Config(mandatory = true, description = "The network factory.")
    private NetworkFactory network;

    @Config(mandatory = true, description = "Converts examples' features to dense arrays.")
    private FeatureConverter featureConverter;

    @Config(mandatory = true, description = "Converts outputs to targets and network outputs to predictions.")
    private OutputConverter<T> outputConverter;

    @Config(description = "Number of epochs (>= 1).")
    private int epochs = 10;

    @Config(description = "Minibatch size (>= 1).")
    private int batchSize = 128;

    @Config(description = "The optimiser (SGD with momentum and weight decay, or Adam).")
    private OptimiserFactory optimiser = new SGDFactory();

    @Config(description = "The learning-rate schedule, applied per step.")
    private LearningRateSchedule schedule = new ConstantSchedule(0.05);

    @Config(description = "Shuffle the examples before every epoch.")
    private boolean shuffle = true;

    @Config(description = "Seed of the shuffles, weight initialisation and dropout.")
    private long seed = org.tribuo.Trainer.DEFAULT_SEED;

    @Config(description = "Device: auto, cpu, gpu or gpu:N.")
    private String device = "auto";

    @Config(description = "PyTorch intra-op threads (>= 1); 0 means one per available core.")
    private int intraOpThreads = 0;

    @Config(description = "Standardise each input with the training data's mean and std (stored in the model).")
    private boolean standardise = false;

    @Config(description = "Draw a progress bar when a terminal is attached.")
    private boolean progressBar = true;

    private SplittableRandom rng;
    private int invocationCount = 0;

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
     */
    public DJLTrainer(NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter,
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
        postConfig();
    }

    @Override
    public synchronized void postConfig() {
        Checks.present(this, "network", network);
        Checks.present(this, "featureConverter", featureConverter);
        Checks.present(this, "outputConverter", outputConverter);
        Checks.present(this, "optimiser", optimiser);
        Checks.present(this, "schedule", schedule);
        Checks.atLeast(this, "epochs", epochs, 1);
        Checks.atLeast(this, "batchSize", batchSize, 1);
        Checks.atLeast(this, "intraOpThreads", intraOpThreads, 0);
        Engines.checkDeviceSpec(this, device);
        this.rng = new SplittableRandom(seed);
    }

    /**
     * Stops progress-bar drawing (for benchmarks and tests).
     * @param progressBar Whether to draw the bar on a terminal.
     */
    public void setProgressBar(boolean progressBar) {
        this.progressBar = progressBar;
    }

    @Override
    public DJLModel<T> train(Dataset<T> examples) {
        return train(examples, Collections.emptyMap());
    }

    @Override
    public DJLModel<T> train(Dataset<T> examples, Map<String, Provenance> runProvenance) {
        return train(examples, runProvenance, INCREMENT_INVOCATION_COUNT);
    }

    @Override
    public DJLModel<T> train(Dataset<T> examples, Map<String, Provenance> runProvenance, int invocationCount) {
        if (examples.size() == 0) {
            throw new IllegalArgumentException("The dataset is empty (0 examples); DJLTrainer needs at least one example");
        }
        TrainerProvenance trainerProvenance;
        SplittableRandom localRng;
        synchronized (this) {
            if (invocationCount != INCREMENT_INVOCATION_COUNT) {
                setInvocationCount(invocationCount);
            }
            localRng = rng.split();
            trainerProvenance = getProvenance();
            this.invocationCount++;
        }
        ImmutableFeatureMap featureMap = examples.getFeatureIDMap();
        ImmutableOutputInfo<T> outputInfo = examples.getOutputIDInfo();
        List<Example<T>> list = new ArrayList<>(examples.size());
        examples.forEach(list::add);
        DenseData data = DenseData.of(list, featureConverter, outputConverter, featureMap, outputInfo);
        Standardiser standardiser = standardise ? Standardiser.fit(data) : null;
        if (standardiser != null) {
            standardiser.apply(data.features());
        }
        WeightsProto weights = trainNetwork(data, outputInfo, localRng, Collections.emptyList());
        ModelProvenance provenance = new ModelProvenance(DJLModel.class.getName(), OffsetDateTime.now(),
                examples.getProvenance(), trainerProvenance, runProvenance);
        return new DJLModel<>("djl-" + network.getClass().getSimpleName(), provenance, featureMap, outputInfo, network,
                featureConverter, outputConverter, data.exampleShape(), weights, standardiser, device);
    }

    /**
     * Trains the network on dense data with extra listeners and returns its final weights.
     */
    private WeightsProto trainNetwork(DenseData data, ImmutableOutputInfo<T> outputInfo, SplittableRandom localRng,
                                      List<TrainingListener> extraListeners) {
        Engines.setIntraOpThreads(intraOpThreads > 0 ? intraOpThreads : Runtime.getRuntime().availableProcessors());
        Device dev = Engines.device(this, device);
        Engines.pytorch().setRandomSeed((int) localRng.nextLong());
        int numOutputs = outputConverter.numOutputs(outputInfo);
        Block block = network.build(data.exampleShape(), numOutputs);
        int steps = TrainingLoop.stepsPerEpoch(data.size(), batchSize);
        try (Model model = Model.newInstance("tribuo-swa", dev, Engines.ENGINE)) {
            model.setBlock(block);
            DefaultTrainingConfig config = new DefaultTrainingConfig(outputConverter.loss())
                    .optOptimizer(optimiser.create(new ScheduleTracker(schedule)))
                    .optDevices(new Device[]{dev})
                    .addTrainingListeners(new ProgressLogger(0, epochs, steps, outputConverter instanceof LabelConverter, progressBar));
            for (TrainingListener l : extraListeners) {
                config.addTrainingListeners(l);
            }
            try (Trainer trainer = model.newTrainer(config)) {
                long[] dims = new long[data.exampleShape().dimension() + 1];
                dims[0] = Math.min(batchSize, data.size());
                System.arraycopy(data.exampleShape().getShape(), 0, dims, 1, data.exampleShape().dimension());
                trainer.initialize(new Shape(dims));
                logger.info("Training " + network + " on " + data.size() + " examples, " + epochs + " epochs of " + steps
                        + " steps, device " + dev);
                TrainingLoop.fit(trainer, data, 0, epochs, batchSize, shuffle, localRng);
                return WeightsCodec.encode(block);
            }
        }
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

    @Override
    public String toString() {
        return "DJLTrainer(network=" + network + ",featureConverter=" + featureConverter + ",outputConverter=" + outputConverter
                + ",epochs=" + epochs + ",batchSize=" + batchSize + ",optimiser=" + optimiser + ",schedule=" + schedule
                + ",shuffle=" + shuffle + ",seed=" + seed + ",device=" + device + ",intraOpThreads=" + intraOpThreads
                + ",standardise=" + standardise + ")";
    }
}
