package io.github.tribuoswa.nn.swa;

import io.github.tribuoswa.nn.core.WeightCollector;
import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.nn.core.BatchNormRefresh;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.NetworkTrainer;
import io.github.tribuoswa.nn.TrainingRun;
import io.github.tribuoswa.nn.convert.FeatureConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.nn.optim.OptimiserFactory;
import io.github.tribuoswa.schedule.CyclicSchedule;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.schedule.PhasedSchedule;
import io.github.tribuoswa.util.Checks;
import org.tribuo.Output;

import java.util.List;
import java.util.logging.Logger;

/**
 * Stochastic Weight Averaging (Izmailov et al. 2018) of a DJL network as a Tribuo trainer: a
 * drop-in for {@link io.github.tribuoswa.nn.DJLTrainer} with the same hyper-parameters plus the
 * SWA phase.
 * <p>
 * The run has {@code epochs} epochs: the SGD phase (the configured {@code schedule}) for the
 * first {@code swaStart} epochs, or none when starting from a pre-trained {@code initialModel}
 * (the ŵ of Algorithm 1); then the SWA phase with the cyclical rate
 * α(i) = (1 &minus; t(i))·α1 + t(i)·α2 of cycle length c ({@code swaLearningRate1} = α1,
 * {@code swaLearningRate2} = α2; α1 = α2 is the constant rate), averaging ŵ (if
 * {@code countStartWeights}) and the weights at every cycle end, equally or as an EMA. At the
 * end w_SWA is written into the network and its BatchNorm statistics are recomputed with one
 * pass over the training data ({@link BatchNormMode}). The result is a
 * {@link DJLModel} of w_SWA, whose provenance records all of this.
 * <p>
 * It is the plugin's one training loop with an {@link SWAListener} attached: the same listener a
 * DJL user adds to their own training.
 * @param <T> The output type.
 */
public final class SWATrainer<T extends Output<T>> extends NetworkTrainer<T, DJLModel<T>> {

    private static final Logger logger = Logger.getLogger(SWATrainer.class.getName());

    @Config(description = "Epochs of the SGD phase before SWA starts, in [0, epochs - 1]; 0 with a pre-trained initialModel.")
    private int swaStart = 0;

    @Config(mandatory = true, description = "α1, the SWA phase's rate at the start of each cycle (>= swaLearningRate2).")
    private double swaLearningRate1;

    @Config(description = "α2, the SWA phase's rate at each cycle end (> 0); 0 or unset means α1 (a constant rate).")
    private double swaLearningRate2 = 0;

    @Config(description = "Cycle length c (>= 1), in cycleUnit.")
    private int cycleLength = 1;

    @Config(description = "Unit of cycleLength: EPOCHS or ITERATIONS.")
    private CycleUnit cycleUnit = CycleUnit.EPOCHS;

    @Config(description = "EQUAL (Algorithm 1) or EMA.")
    private Averaging averaging = Averaging.EQUAL;

    @Config(description = "Decay of the EMA, in [0, 1).")
    private double emaDecay = 0.9;

    @Config(description = "Count ŵ, the weights when SWA starts, as the first averaged model (Algorithm 1).")
    private boolean countStartWeights = true;

    @Config(description = "BatchNorm statistics of w_SWA: REFRESH, AVERAGE_BUFFERS or NONE.")
    private BatchNormMode batchNormMode = BatchNormMode.REFRESH;


    /**
     * For OLCUT.
     */
    private SWATrainer() {}

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
     */
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
     */
    public SWATrainer(NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter,
                      int epochs, int batchSize, OptimiserFactory optimiser, LearningRateSchedule schedule,
                      int swaStart, double swaLearningRate1, double swaLearningRate2, int cycleLength, CycleUnit cycleUnit,
                      Averaging averaging, double emaDecay, boolean countStartWeights, BatchNormMode batchNormMode,
                      String initialModel, long seed, String device, int intraOpThreads, boolean standardise) {
        super(network, featureConverter, outputConverter, epochs, batchSize, optimiser, schedule, seed, device, intraOpThreads, standardise);
        this.swaStart = swaStart;
        this.swaLearningRate1 = swaLearningRate1;
        this.swaLearningRate2 = swaLearningRate2;
        this.cycleLength = cycleLength;
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
        if (swaStart < 0 || swaStart >= epochs) {
            throw Checks.outOfRange(this, "swaStart", swaStart, "integer in [0, epochs - 1 = " + (epochs - 1) + "] (epochs before the SWA phase)");
        }
        Checks.positive(this, "swaLearningRate1", swaLearningRate1);
        if (swaLearningRate2 != 0) {
            Checks.positive(this, "swaLearningRate2", swaLearningRate2);
            if (swaLearningRate2 > swaLearningRate1) {
                throw Checks.outOfRange(this, "swaLearningRate2", swaLearningRate2, "real in (0, swaLearningRate1 = " + swaLearningRate1 + "]");
            }
        }
        Checks.atLeast(this, "cycleLength", cycleLength, 1);
        Checks.present(this, "cycleUnit", cycleUnit);
        Checks.present(this, "averaging", averaging);
        Checks.fraction(this, "emaDecay", emaDecay);
        Checks.present(this, "batchNormMode", batchNormMode);
    }

    @Override
    protected LearningRateSchedule runSchedule(int stepsPerEpoch) {
        double alpha2 = swaLearningRate2 == 0 ? swaLearningRate1 : swaLearningRate2;
        return new PhasedSchedule(schedule, (long) swaStart * stepsPerEpoch,
                new CyclicSchedule(swaLearningRate1, alpha2, cycleUnit.steps(cycleLength, stepsPerEpoch)));
    }

    @Override
    protected List<WeightCollector> collectors(LearningRateSchedule runSchedule, int stepsPerEpoch) {
        return List.of(new SWAListener(runSchedule, countStartWeights, averaging, emaDecay, batchNormMode == BatchNormMode.AVERAGE_BUFFERS));
    }

    @Override
    protected DJLModel<T> finish(TrainingRun<T> run) {
        SWAListener swa = (SWAListener) run.collectors().get(0);
        swa.writeAverage(run.block());
        logger.info("w_SWA is the average of " + swa.averagedModels() + " models");
        if (batchNormMode == BatchNormMode.REFRESH) {
            int layers = run.telemetry().batchNormRefresh(() ->
                    BatchNormRefresh.refresh(run.block(), run.manager(), run.data().features(), run.data().exampleShape(), run.batchSize()));
            if (layers > 0) {
                logger.info("Refreshed the BatchNorm statistics of " + layers + " layers");
            }
        }
        return run.model("swa-" + network.getClass().getSimpleName());
    }

    @Override
    protected String method() {
        return "swa";
    }

    @Override
    public String toString() {
        return "SWATrainer(" + commonToString() + ",swaStart=" + swaStart + ",swaLearningRate1=" + swaLearningRate1
                + ",swaLearningRate2=" + swaLearningRate2 + ",cycleLength=" + cycleLength + ",cycleUnit=" + cycleUnit
                + ",averaging=" + averaging + ",emaDecay=" + emaDecay + ",countStartWeights=" + countStartWeights
                + ",batchNormMode=" + batchNormMode + ")";
    }
}
