package io.github.tribuoswa.sgd;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.averaging.AveragingPoints;
import io.github.tribuoswa.averaging.EmaDecay;
import io.github.tribuoswa.averaging.ExponentialMovingAverage;
import io.github.tribuoswa.averaging.LatestAverage;
import io.github.tribuoswa.averaging.WeightAverage;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.schedule.PhasedSchedule;
import io.github.tribuoswa.telemetry.SgdTelemetry;
import io.github.tribuoswa.telemetry.Telemetry;
import io.github.tribuoswa.util.Checks;
import io.opentelemetry.api.OpenTelemetry;
import org.tribuo.math.Parameters;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.la.Tensor;

/**
 * Stochastic Weight Averaging (Izmailov et al. 2018, Algorithm 1) for every Tribuo model trained
 * by a {@link StochasticGradientOptimiser}: {@code LinearSGDTrainer} (classification and
 * regression), the factorization-machine trainers, and others. Replace the trainer's
 * {@code optimiser} with this one and the trained model holds w_SWA.
 * <p>
 * It wraps any inner optimiser (SGD, AdaGrad, Adam, &hellip;) and
 * <ul>
 *   <li>multiplies the inner optimiser's step i by the schedule's rate α(i), as
 *   {@link ScheduledOptimiser} does (give the inner optimiser rate 1 to let the schedule set
 *   the rate);</li>
 *   <li>averages the weights at the points {@link AveragingPoints} names: ŵ (the weights after
 *   the schedule's {@code swaStart} steps) if {@code countStartWeights}, and the weights after
 *   every later cycle end (or every {@code averagingPeriod} steps), with the equal average of
 *   Algorithm 1, an exponential moving average, or the uniform average of the {@code latest}
 *   k points only (LAWA: {@link #lawa});</li>
 *   <li>in {@link #finalise()}, calls the inner optimiser's {@code finalise()} first (Pegasos and
 *   AdaGradRDA write their true weights there), then writes the average into the
 *   parameters.</li>
 * </ul>
 * Tribuo's trainers call {@code step} before they apply the update, so the weights after step
 * k are read at the start of step k + 1, and those after the last step in {@code finalise()}.
 * Averaging costs one extra copy of the weights and happens at most once per cycle.
 * <p>
 * If training ends before the schedule's {@code swaStart}, nothing has been averaged and
 * {@code finalise()} throws an {@link IllegalStateException} naming {@code swaStart} and the
 * number of steps that ran; a weight vector with a NaN or infinity is never averaged in (the
 * run stops with an error naming the step).
 */
public final class SWAOptimiser implements StochasticGradientOptimiser {

    @Config(mandatory = true, description = "The inner optimiser; its steps are scaled by the schedule, so give it learning rate 1.")
    private StochasticGradientOptimiser optimiser;

    @Config(mandatory = true, description = "The learning-rate schedule: of the whole run (its cycle ends after its swaStart are the "
            + "averaging points), or of the SGD phase when phaseSchedule is set.")
    private LearningRateSchedule schedule;

    @Config(description = "Steps of the SGD phase before SWA starts (>= 0), when phaseSchedule is set.")
    private long phaseStart = 0;

    @Config(description = "The SWA phase's schedule, counted from its first step (ConstantSchedule or CyclicSchedule, cycle length in "
            + "steps); unset: schedule holds the whole run.")
    private LearningRateSchedule phaseSchedule;

    @Config(description = "EQUAL (Algorithm 1) or EMA.")
    private Averaging averaging = Averaging.EQUAL;

    @Config(description = "Decay of the exponential moving average, in [0, 1); used when averaging = EMA.")
    private double emaDecay = 0.9;

    @Config(description = "Count ŵ, the weights after the schedule's swaStart steps, as the first averaged model (Algorithm 1).")
    private boolean countStartWeights = true;

    @Config(description = "EMA: the decay's warm-up, NONE, TENSORFLOW (min(δ, (1 + t)/(10 + t))) or TIMM (1 - (1 + t/γ)^-p clamped to "
            + "[emaMinDecay, δ]), t the steps since swaStart before the update.")
    private EmaDecay.Warmup emaWarmup = EmaDecay.Warmup.NONE;

    @Config(description = "EMA with the TIMM warm-up: the smallest decay, in [0, emaDecay].")
    private double emaMinDecay = 0.0;

    @Config(description = "EMA with the TIMM warm-up: γ (> 0).")
    private double emaWarmupGamma = 1.0;

    @Config(description = "EMA with the TIMM warm-up: p (> 0).")
    private double emaWarmupPower = 0.75;

    @Config(description = "LAWA: average only the k latest averaging points, uniformly (Kaddour 2022); 0 averages them all (SWA). "
            + "Needs averaging = EQUAL.")
    private int latest = 0;

    @Config(description = "Steps between averaging points after the schedule's swaStart (>= 1), whatever its cycles; 0: the "
            + "schedule's cycle ends.")
    private long averagingPeriod = 0;

    private ScheduledOptimiser scheduled;
    private AveragingPoints points;
    private long cycle;
    private Parameters parameters;
    private WeightAverage average;
    private transient OpenTelemetry openTelemetry;
    private transient SgdTelemetry telemetry;

    /**
     * For OLCUT.
     */
    private SWAOptimiser() {}

    /**
     * SWA with the equal average of Algorithm 1, counting ŵ as the first model.
     * @param optimiser The inner optimiser (give it learning rate 1).
     * @param schedule The schedule.
     */
    public SWAOptimiser(StochasticGradientOptimiser optimiser, LearningRateSchedule schedule) {
        this(optimiser, schedule, Averaging.EQUAL, 0.9, true);
    }

    /**
     * SWA with its phase given as the network trainers take it: the SGD phase's schedule for
     * {@code phaseStart} steps, then {@code phaseSchedule}; the equal average counting ŵ.
     * @param optimiser The inner optimiser (give it learning rate 1).
     * @param schedule The schedule of the SGD phase.
     * @param phaseStart Steps before SWA starts (&ge; 0).
     * @param phaseSchedule The SWA phase's schedule, counted from its first step.
     */
    public SWAOptimiser(StochasticGradientOptimiser optimiser, LearningRateSchedule schedule, long phaseStart,
                        LearningRateSchedule phaseSchedule) {
        this.optimiser = optimiser;
        this.schedule = schedule;
        this.phaseStart = phaseStart;
        this.phaseSchedule = phaseSchedule;
        postConfig();
    }

    /**
     * SWA.
     * @param optimiser The inner optimiser (give it learning rate 1).
     * @param schedule The schedule.
     * @param averaging EQUAL or EMA.
     * @param emaDecay The EMA decay in [0, 1) (ignored for EQUAL).
     * @param countStartWeights Whether ŵ is the first averaged model.
     */
    public SWAOptimiser(StochasticGradientOptimiser optimiser, LearningRateSchedule schedule,
                        Averaging averaging, double emaDecay, boolean countStartWeights) {
        this.optimiser = optimiser;
        this.schedule = schedule;
        this.averaging = averaging;
        this.emaDecay = emaDecay;
        this.countStartWeights = countStartWeights;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.present(this, "optimiser", optimiser);
        Checks.present(this, "schedule", schedule);
        Checks.present(this, "averaging", averaging);
        Checks.fraction(this, "emaDecay", emaDecay);
        Checks.atLeast(this, "phaseStart", phaseStart, 0);
        Checks.atLeast(this, "latest", latest, 0);
        Checks.atLeast(this, "averagingPeriod", averagingPeriod, 0);
        if (latest > 0 && averaging != Averaging.EQUAL) {
            throw Checks.outOfRange(this, "latest", latest, "0 with averaging = " + averaging + " (LAWA's k latest are averaged equally)");
        }
        LearningRateSchedule run = schedule;
        if (phaseSchedule != null) {
            if (phaseSchedule.swaStart() != 0) {
                throw Checks.outOfRange(this, "phaseSchedule", phaseSchedule, "a schedule that cycles from its first step (no phase of its own)");
            }
            run = new PhasedSchedule(schedule, phaseStart, phaseSchedule);
        }
        scheduled = new ScheduledOptimiser(optimiser, run);
        points = new AveragingPoints(run, countStartWeights, averagingPeriod);
        cycle = averagingPeriod > 0 ? averagingPeriod : Math.max(1, run.cycleLength());
        try {
            emaDecay().rule(cycle, countStartWeights);
        } catch (IllegalArgumentException e) {
            throw Checks.asPropertyException(this, e);
        }
    }

    /**
     * LAWA (Kaddour 2022; Sanyal et al. 2023) for Tribuo's SGD models: the uniform average of
     * the weights after the k latest of the steps s, 2s, 3s, &hellip; after the schedule's swaStart
     * (0 for a {@code ConstantSchedule} or a {@code WSDSchedule}), along any schedule; the
     * weights at swaStart are not counted (the first copy follows swaStart + s, as in
     * {@code LAWATrainer}).
     * @param optimiser The inner optimiser (give it learning rate 1).
     * @param schedule The run's schedule (a high constant rate works).
     * @param latest k &ge; 1.
     * @param every s &ge; 1 steps between copies.
     * @return The optimiser.
     */
    public static SWAOptimiser lawa(StochasticGradientOptimiser optimiser, LearningRateSchedule schedule, int latest, long every) {
        SWAOptimiser o = new SWAOptimiser();
        o.optimiser = optimiser;
        o.schedule = schedule;
        o.countStartWeights = false;
        o.latest = latest;
        o.averagingPeriod = every;
        if (every < 1) {
            throw Checks.outOfRange(o, "averagingPeriod", every, "integer >= 1 for LAWA");
        }
        if (latest < 1) {
            throw Checks.outOfRange(o, "latest", latest, "integer >= 1 for LAWA");
        }
        o.postConfig();
        return o;
    }

    private EmaDecay emaDecay() {
        return new EmaDecay(emaDecay, emaWarmup, emaMinDecay, emaWarmupGamma, emaWarmupPower);
    }

    /**
     * An SWA optimiser whose average is an EMA with a warm-up of its decay (TensorFlow's or
     * timm's; {@link EmaDecay}), t counting the steps after the schedule's swaStart.
     * @param optimiser The inner optimiser (learning rate 1).
     * @param schedule The run's schedule (its cycle ends after its swaStart are the averaging points).
     * @param decay δ and its warm-up.
     * @param countStartWeights Whether ŵ is the first model.
     */
    public SWAOptimiser(StochasticGradientOptimiser optimiser, LearningRateSchedule schedule, EmaDecay decay, boolean countStartWeights) {
        this.optimiser = optimiser;
        this.schedule = schedule;
        this.averaging = Averaging.EMA;
        this.emaDecay = decay.decay();
        this.emaWarmup = decay.warmup();
        this.emaMinDecay = decay.minDecay();
        this.emaWarmupGamma = decay.gamma();
        this.emaWarmupPower = decay.power();
        this.countStartWeights = countStartWeights;
        postConfig();
    }

    /**
     * Gives the optimiser an OpenTelemetry instance for its runs (kept by {@link #copy()});
     * without one, runs use {@code GlobalOpenTelemetry.getOrNoop()}.
     * @param otel The instance, or null.
     */
    public void setOpenTelemetry(OpenTelemetry otel) {
        this.openTelemetry = otel;
    }

    @Override
    public void initialise(Parameters parameters) {
        scheduled.initialise(parameters);
        this.parameters = parameters;
        int size = TensorWeights.size(parameters.get());
        if (latest > 0) {
            this.average = new LatestAverage(size, latest);
        } else {
            this.average = averaging == Averaging.EMA ? new ExponentialMovingAverage(size, emaDecay(), cycle, countStartWeights)
                    : averaging.create(size, emaDecay);
        }
        String method = latest > 0 ? "lawa" : averaging == Averaging.EMA ? "ema" : "swa";
        this.telemetry = new SgdTelemetry(Telemetry.resolve(openTelemetry), method, "SWAOptimiser", toString(), average.size());
    }

    @Override
    public Tensor[] step(Tensor[] updates, double weight) {
        averageIfDue(scheduled.iteration());
        Tensor[] out = scheduled.step(updates, weight);
        telemetry.step(scheduled.schedule().rate(scheduled.iteration()));
        return out;
    }

    @Override
    public void finalise() {
        try {
            scheduled.finalise();
            long steps = scheduled.iteration();
            averageIfDue(steps);
            if (average.count() == 0) {
                if (averagingPeriod > 0) {
                    throw new IllegalStateException("SWAOptimiser averaged no weights: averagingPeriod = " + averagingPeriod
                            + " is out of range for a run of " + steps + " steps after swaStart = " + points.swaStart() + "; allowed: swaStart + "
                            + "averagingPeriod <= " + steps + (countStartWeights ? "" : " (or countStartWeights = true)"));
                }
                throw new IllegalStateException("SWAOptimiser averaged no weights: swaStart = " + points.swaStart()
                        + " is out of range for a run of " + steps + " steps; allowed: swaStart < " + steps
                        + " with at least one cycle end after it (or swaStart <= " + steps + " with countStartWeights = true)");
            }
            Tensor[] current = parameters.get();
            parameters.set(TensorWeights.unflatten(current, average.average()));
            telemetry.end(steps, null);
        } catch (RuntimeException e) {
            telemetry.end(scheduled.iteration(), e);
            throw e;
        }
    }

    /**
     * Averages the current weights (those after k steps) in if k is an averaging point.
     * @param k The number of steps done.
     */
    private void averageIfDue(long k) {
        if (points.includes(k)) {
            double[] w = TensorWeights.flatten(parameters.get());
            try {
                average.update(w);
            } catch (IllegalArgumentException e) {
                IllegalStateException failure = new IllegalStateException("SWAOptimiser: the weights after step " + k
                        + " are not finite and were not averaged in; training diverged (lower the learning rate)", e);
                telemetry.end(k, failure);
                throw failure;
            }
            telemetry.averaged(k, average.count());
        }
    }

    /**
     * The number of weight vectors averaged so far in the current run.
     * @return The count, 0 before {@link #initialise(Parameters)}.
     */
    public long averagedModels() {
        return average == null ? 0 : average.count();
    }

    @Override
    public void reset() {
        scheduled.reset();
        parameters = null;
        average = null;
    }

    @Override
    public SWAOptimiser copy() {
        SWAOptimiser copy = new SWAOptimiser();
        copy.optimiser = optimiser.copy();
        copy.schedule = schedule;
        copy.phaseStart = phaseStart;
        copy.phaseSchedule = phaseSchedule;
        copy.averaging = averaging;
        copy.emaDecay = emaDecay;
        copy.countStartWeights = countStartWeights;
        copy.emaWarmup = emaWarmup;
        copy.emaMinDecay = emaMinDecay;
        copy.emaWarmupGamma = emaWarmupGamma;
        copy.emaWarmupPower = emaWarmupPower;
        copy.latest = latest;
        copy.averagingPeriod = averagingPeriod;
        copy.postConfig();
        copy.openTelemetry = openTelemetry;
        return copy;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "StochasticGradientOptimiser");
    }

    @Override
    public String toString() {
        return "SWAOptimiser(optimiser=" + optimiser + ",schedule=" + schedule + (phaseSchedule == null ? ""
                : ",phaseStart=" + phaseStart + ",phaseSchedule=" + phaseSchedule) + ",averaging=" + averaging
                + ",emaDecay=" + emaDecay + ",countStartWeights=" + countStartWeights + (latest > 0 ? ",latest=" + latest : "")
                + (averagingPeriod > 0 ? ",averagingPeriod=" + averagingPeriod : "") + ")";
    }
}
