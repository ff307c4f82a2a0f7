package io.github.tribuoswa.examples;

import io.github.tribuoswa.averaging.EmaDecay;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.nn.DJLTrainer;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.FeatureConverter;
import io.github.tribuoswa.nn.convert.ImageConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import io.github.tribuoswa.nn.core.SwagPosterior;
import io.github.tribuoswa.nn.core.TrainingLoop;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.nn.optim.ScheduleFreeSGDFactory;
import io.github.tribuoswa.nn.swa.BatchNormMode;
import io.github.tribuoswa.nn.swa.CycleUnit;
import io.github.tribuoswa.nn.swa.EMATrainer;
import io.github.tribuoswa.nn.swa.FGETrainer;
import io.github.tribuoswa.nn.swa.LAWATrainer;
import io.github.tribuoswa.nn.swa.SWAGTrainer;
import io.github.tribuoswa.nn.swa.SWATrainer;
import io.github.tribuoswa.nn.swa.ScheduleFreeTrainer;
import io.github.tribuoswa.schedule.BaselineSchedule;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.schedule.CosineSchedule;
import io.github.tribuoswa.schedule.CyclicSchedule;
import io.github.tribuoswa.schedule.TriangularSchedule;
import io.github.tribuoswa.schedule.WSDSchedule;
import org.tribuo.Output;
import org.tribuo.classification.Label;
import org.tribuo.math.optimisers.SGD;

/**
 * The papers' methods as the examples and harnesses run them, on Fashion-MNIST images
 * ({@link #images}) or any data the converters read (tabular data: a {@code DenseConverter}):
 * SGD with momentum 0.9 and weight decay 5e-4 throughout.
 * <ul>
 *   <li>SGD: the baseline schedule over the run (α0 for half of it, a linear decay to 1% of
 *   α0 by 90%).</li>
 *   <li>SWA: the baseline compressed into the first {@code start} epochs, decaying to the SWA
 *   rate, then that constant rate, averaging ŵ and every cycle end (equal weights), then a
 *   BatchNorm refresh of w_SWA.</li>
 *   <li>FGE: the same first {@code start} epochs, then triangular cycles between the SWA rate
 *   and {@code fgeRatio} of it, a snapshot at every cycle's mid-point.</li>
 *   <li>The methods after SWA (issue 16): cosine decay and WSD over the run; an EMA of every
 *   step along the baseline (δ = 0.9998, timm's warm-up); LAWA of the 5 latest epoch ends along
 *   the constant α0; schedule-free SGD warmed up over one epoch to α0/(1 &minus; β).</li>
 * </ul>
 * @param network The network.
 * @param features The feature converter.
 * @param outputs The output converter.
 * @param lr α0 of the SGD schedule.
 * @param swaLr The SWA rate (FGE's α1).
 * @param fgeRatio FGE's α2 / α1.
 * @param batch The batch size.
 * @param seed The seed.
 * @param threads PyTorch intra-op threads.
 * @param device The device.
 * @param standardise Whether the trainers standardise the inputs (tabular data; images are in [0, 1]).
 * @param <T> The output type.
 */
public record Recipes<T extends Output<T>>(NetworkFactory network, FeatureConverter features, OutputConverter<T> outputs, double lr,
                                           double swaLr, double fgeRatio, int batch, long seed, int threads, String device,
                                           boolean standardise) {

    /** The epochs of the tabular recipe. */
    public static final int TABULAR_EPOCHS = 100;

    /**
     * The recipes for Fashion-MNIST images (28&times;28, one channel) and labels.
     * @param network The network.
     * @param lr α0 of the SGD schedule.
     * @param swaLr The SWA rate (FGE's α1).
     * @param fgeRatio FGE's α2 / α1.
     * @param batch The batch size.
     * @param seed The seed.
     * @param threads PyTorch intra-op threads.
     * @param device The device.
     * @return The recipes.
     */
    public static Recipes<Label> images(NetworkFactory network, double lr, double swaLr, double fgeRatio, int batch, long seed, int threads,
                                        String device) {
        return new Recipes<>(network, new ImageConverter(1, FashionMnist.SIDE, FashionMnist.SIDE), new LabelConverter(), lr, swaLr, fgeRatio,
                batch, seed, threads, device, false);
    }

    /**
     * The recipe for tabular data (configs/tabular-*.xml, docs/tabular.md): an MLP of two hidden
     * layers of 64 with BatchNorm, ReLU and dropout 0.1, standardised inputs (and, for
     * regression, targets: the trainers' default), batch 32, α0 = 0.05, SWA rate 0.01, FGE
     * between 0.01 and 0.001, for {@value #TABULAR_EPOCHS} epochs.
     * @param outputs The output converter (LabelConverter or RegressorConverter).
     * @param seed The seed.
     * @param threads PyTorch intra-op threads.
     * @param <T> The output type.
     * @return The recipes.
     */
    public static <T extends Output<T>> Recipes<T> tabular(OutputConverter<T> outputs, long seed, int threads) {
        return new Recipes<>(new MLPFactory(new int[]{64, 64}, Activation.RELU, 0.1, true), new DenseConverter(), outputs, 0.05, 0.01, 0.1,
                32, seed, threads, "cpu", true);
    }

    private static SGDFactory momentum() {
        return new SGDFactory(SGD.Momentum.STANDARD, 0.9, 5e-4);
    }

    /**
     * Steps in one epoch of n examples.
     * @param n The training examples.
     * @return {@link TrainingLoop#stepsPerEpoch}(n, batch).
     */
    public int stepsPerEpoch(int n) {
        return TrainingLoop.stepsPerEpoch(n, batch);
    }

    /**
     * Conventional SGD for a run of {@code epochs}.
     * @param epochs The budget in epochs.
     * @param stepsPerEpoch Steps per epoch.
     * @return The trainer.
     */
    public DJLTrainer<T> sgd(int epochs, int stepsPerEpoch) {
        return DJLTrainer.builder(network, features, outputs).epochs(epochs).batchSize(batch).optimiser(momentum())
                .schedule(new BaselineSchedule(lr, (long) epochs * stepsPerEpoch)).seed(seed).device(device).intraOpThreads(threads)
                .standardise(standardise).build();
    }

    private BaselineSchedule compressed(int start, int stepsPerEpoch) {
        return new BaselineSchedule(lr, (long) start * stepsPerEpoch, swaLr / lr);
    }

    /**
     * SWA for a run of {@code epochs}, the SWA phase from epoch {@code start}.
     * @param epochs The run's epochs.
     * @param start Epochs of SGD before SWA.
     * @param stepsPerEpoch Steps per epoch.
     * @param cycleSteps Steps between averages.
     * @return The trainer.
     */
    public SWATrainer<T> swa(int epochs, int start, int stepsPerEpoch, int cycleSteps) {
        return SWATrainer.builder(network, features, outputs).epochs(epochs).batchSize(batch).optimiser(momentum())
                .schedule(compressed(start, stepsPerEpoch)).phaseStart(start).phaseSchedule(new CyclicSchedule(swaLr, swaLr, cycleSteps))
                .cycleUnit(CycleUnit.ITERATIONS).seed(seed).device(device).intraOpThreads(threads).standardise(standardise).build();
    }

    /**
     * FGE for a run of {@code epochs}, the FGE phase from epoch {@code start}.
     * @param epochs The run's epochs.
     * @param start Epochs of SGD before FGE.
     * @param stepsPerEpoch Steps per epoch.
     * @param cycleSteps The cycle length in steps (even).
     * @return The trainer.
     */
    public FGETrainer<T> fge(int epochs, int start, int stepsPerEpoch, int cycleSteps) {
        return FGETrainer.builder(network, features, outputs).epochs(epochs).batchSize(batch).optimiser(momentum())
                .schedule(compressed(start, stepsPerEpoch)).phaseStart(start)
                .phaseSchedule(new TriangularSchedule(swaLr, swaLr * fgeRatio, cycleSteps))
                .cycleUnit(CycleUnit.ITERATIONS).seed(seed).device(device).intraOpThreads(threads).standardise(standardise).build();
    }

    /**
     * SWAG for a run of {@code epochs}: SWA's run (the phase from epoch {@code start}, one
     * collection per {@code cycleSteps}), then S samples of the posterior.
     * @param epochs The run's epochs.
     * @param start Epochs of SGD before the SWAG phase.
     * @param stepsPerEpoch Steps per epoch.
     * @param cycleSteps Steps between collections.
     * @param samples S.
     * @param maxRank K.
     * @param covariance LOW_RANK or DIAGONAL.
     * @return The trainer.
     */
    public SWAGTrainer<T> swag(int epochs, int start, int stepsPerEpoch, int cycleSteps, int samples, int maxRank,
                                   SwagPosterior.Covariance covariance) {
        return SWAGTrainer.builder(network, features, outputs).epochs(epochs).batchSize(batch).optimiser(momentum())
                .schedule(compressed(start, stepsPerEpoch)).phaseStart(start).phaseSchedule(new CyclicSchedule(swaLr, swaLr, cycleSteps))
                .cycleUnit(CycleUnit.ITERATIONS).samples(samples).maxRank(maxRank).covariance(covariance).sampleSeed(seed)
                .seed(seed).device(device).intraOpThreads(threads).standardise(standardise).build();
    }

    /**
     * Cosine decay from α0 to 0 over the run.
     * @param epochs The run's epochs.
     * @param stepsPerEpoch Steps per epoch.
     * @return The trainer.
     */
    public DJLTrainer<T> cosine(int epochs, int stepsPerEpoch) {
        return DJLTrainer.builder(network, features, outputs).epochs(epochs).batchSize(batch).optimiser(momentum())
                .schedule(new CosineSchedule(lr, (long) epochs * stepsPerEpoch, 0, 0)).seed(seed).device(device).intraOpThreads(threads)
                .standardise(standardise).build();
    }

    /**
     * Warmup-stable-decay: one epoch of warm-up to α0, constant, the last 20 % a 1 &minus; √τ cool-down.
     * @param epochs The run's epochs.
     * @param stepsPerEpoch Steps per epoch.
     * @return The trainer.
     */
    public DJLTrainer<T> wsd(int epochs, int stepsPerEpoch) {
        return DJLTrainer.builder(network, features, outputs).epochs(epochs).batchSize(batch).optimiser(momentum())
                .schedule(new WSDSchedule(lr, (long) epochs * stepsPerEpoch, stepsPerEpoch, 0.2, WSDSchedule.Shape.SQRT)).seed(seed)
                .device(device).intraOpThreads(threads).standardise(standardise).build();
    }

    /**
     * An EMA of the weights after every step along SGD's baseline run: δ = 0.9998 with timm's
     * warm-up (γ = 1, p = 3/4), BatchNorm buffers averaged.
     * @param epochs The run's epochs.
     * @param stepsPerEpoch Steps per epoch.
     * @return The trainer.
     */
    public EMATrainer<T> ema(int epochs, int stepsPerEpoch) {
        return EMATrainer.builder(network, features, outputs).epochs(epochs).batchSize(batch).optimiser(momentum())
                .schedule(new BaselineSchedule(lr, (long) epochs * stepsPerEpoch)).decay(new EmaDecay(0.9998, EmaDecay.Warmup.TIMM, 0, 1, 0.75))
                .start(0).every(1).batchNormMode(BatchNormMode.AVERAGE_BUFFERS).seed(seed).device(device).intraOpThreads(threads)
                .standardise(standardise).build();
    }

    /**
     * LAWA along the constant rate α0: the uniform average of the {@code latest} latest
     * end-of-epoch weights, BatchNorm refreshed.
     * @param epochs The run's epochs.
     * @param latest k.
     * @return The trainer.
     */
    public LAWATrainer<T> lawa(int epochs, int latest) {
        return LAWATrainer.builder(network, features, outputs).epochs(epochs).batchSize(batch).optimiser(momentum())
                .schedule(new ConstantSchedule(lr)).latest(latest).every(1, CycleUnit.EPOCHS).batchNormMode(BatchNormMode.REFRESH)
                .seed(seed).device(device).intraOpThreads(threads).standardise(standardise).build();
    }

    /**
     * Schedule-free SGD (β = 0.9, weight decay 5e-4 at y): one epoch of warm-up to α0/(1 &minus; β)
     * (it has no momentum to amplify its steps), then constant; the model x, BatchNorm recomputed.
     * @param epochs The run's epochs.
     * @param stepsPerEpoch Steps per epoch.
     * @return The trainer.
     */
    public ScheduleFreeTrainer<T> scheduleFree(int epochs, int stepsPerEpoch) {
        return ScheduleFreeTrainer.builder(network, features, outputs).epochs(epochs).batchSize(batch)
                .optimiser(new ScheduleFreeSGDFactory(0.9, 5e-4)).schedule(new WSDSchedule(lr / (1 - 0.9), (long) epochs * stepsPerEpoch,
                        stepsPerEpoch, 0, WSDSchedule.Shape.SQRT)).seed(seed).device(device).intraOpThreads(threads).standardise(standardise)
                .build();
    }

    /**
     * An even number of steps close to a fraction of an epoch (at least 2).
     * @param stepsPerEpoch Steps per epoch.
     * @param fraction The fraction.
     * @return The steps.
     */
    public static int evenSteps(int stepsPerEpoch, double fraction) {
        return Math.max(2, (int) Math.round(stepsPerEpoch * fraction / 2) * 2);
    }
}
