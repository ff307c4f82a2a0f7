package io.github.tribuoswa.nn;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import io.github.tribuoswa.nn.convert.FeatureConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.Initialisation;
import io.github.tribuoswa.nn.core.WeightCollector;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.nn.optim.OptimiserFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.telemetry.TelemetrySource;
import io.github.tribuoswa.util.Checks;
import io.opentelemetry.api.OpenTelemetry;
import org.tribuo.Output;

/**
 * The hyper-parameters every network trainer has, as OLCUT {@code @Config} fields (what XML
 * sets, what {@link NetworkTrainerBuilder} sets by name, what the provenance records), their
 * checks, and the trainer's settings that are not hyper-parameters (progress bar, OpenTelemetry
 * instance). {@link NetworkTrainer} trains with them.
 * @param <T> The output type.
 */
public abstract class NetworkConfiguration<T extends Output<T>> implements Configurable {

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

    @Config(description = "Standardise each regression target dimension with the training data's mean and std (stored in the model, "
            + "inverted at prediction), so learning rates do not depend on the targets' units; ignored for classification.")
    protected boolean standardiseTargets = true;

    @Config(description = "Draw a progress bar when a terminal is attached.")
    protected boolean progressBar = true;

    @Config(description = "Directory for checkpoints (written after every epoch and every average or snapshot); empty for none.")
    protected String checkpointDirectory = "";

    @Config(description = "Where runs take their OpenTelemetry instance from (GlobalTelemetry, NoTelemetry); unset: the one given in Java, else "
            + "the global one.")
    protected TelemetrySource telemetry;

    @Config(description = "How the weights are drawn when no initialModel is given: PYTORCH (torch.nn's defaults, the better in Table 1) or DJL "
            + "(its blocks' defaults: Kaiming-normal weights, zero biases).")
    protected Initialisation initialisation = Initialisation.PYTORCH;

    @Config(description = "A saved DJLModel (Tribuo protobuf) of the same network whose weights start the run (for SWA and FGE: the pre-trained "
            + "ŵ); empty for a random start.")
    protected String initialModel = "";

    @Config(description = "Stop the run when a step's loss exceeds this multiple of the first epoch's mean loss (> 1; Infinity: only "
            + "non-finite losses stop it).")
    protected double divergenceFactor = DEFAULT_DIVERGENCE_FACTOR;

    @Config(description = "The largest |weight| allowed into an average, snapshot, posterior or checkpoint, and at every epoch's end (> 0; "
            + "Infinity: only non-finite weights stop the run).")
    protected double weightBound = DEFAULT_WEIGHT_BOUND;

    private transient volatile OpenTelemetry openTelemetry;

    /**
     * The default {@code divergenceFactor}.
     */
    public static final double DEFAULT_DIVERGENCE_FACTOR = 100;

    /**
     * The default {@code weightBound}.
     */
    public static final double DEFAULT_WEIGHT_BOUND = WeightCollector.DEFAULT_WEIGHT_BOUND;

    /**
     * For OLCUT and the builders.
     */
    protected NetworkConfiguration() {}

    /**
     * Checks every hyper-parameter, naming the first bad one and its allowed range.
     */
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
        if (!(divergenceFactor > 1)) {
            throw Checks.outOfRange(this, "divergenceFactor", divergenceFactor, "real > 1, or Infinity to stop only at non-finite losses");
        }
        if (!(weightBound > 0)) {
            throw Checks.outOfRange(this, "weightBound", weightBound, "real > 0, or Infinity to stop only at non-finite weights");
        }
        if (checkpointDirectory == null) {
            checkpointDirectory = "";
        }
        if (initialModel == null) {
            initialModel = "";
        }
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
     * {@code initialisation} option; torch.nn's defaults unless set).
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
     * Sets the checkpoint directory (empty or null: none).
     * @param directory The directory.
     */
    public synchronized void setCheckpointDirectory(String directory) {
        this.checkpointDirectory = directory == null ? "" : directory;
        postConfig();
    }

    /**
     * The output converter (which output type the trainer trains: its {@code outputType()}).
     * @return The converter.
     */
    public OutputConverter<T> outputConverter() {
        return outputConverter;
    }

    /**
     * The OpenTelemetry instance given in Java, if any.
     * @return The instance, or null.
     */
    protected OpenTelemetry openTelemetry() {
        return openTelemetry;
    }
}
