package io.github.tribuoswa.schedule;

import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.util.Checks;

/**
 * The SWA schedule of PyTorch's {@code SWALR}: a schedule {@code before} runs the first
 * {@code swaStart} steps; from there the rate anneals from the current rate α_s = before(s) to
 * the SWA rate over {@code annealIterations} steps, linearly or by a cosine, and then stays at the
 * SWA rate:
 * <pre>
 *   α(i) = before(i)                                  for i &le; s
 *   α(i) = (1 &minus; f(τ))·before(max(s, 1)) + f(τ)·α_SWA   for i &gt; s,   τ = min(1, (i &minus; s) / A)
 * </pre>
 * with f from {@link AnnealStrategy} and A = annealIterations (A = 0 jumps to α_SWA at once).
 * In the SWA phase a cycle ends every {@code cycleLength} steps (usually an epoch), which is
 * where SWA averages; the weights after step s are ŵ.
 */
public final class AnnealSchedule implements LearningRateSchedule {

    @Config(mandatory = true, description = "The schedule of the steps before the SWA phase.")
    private LearningRateSchedule before;

    @Config(description = "Number of steps before the SWA phase (>= 0).")
    private long swaStart = 0;

    @Config(mandatory = true, description = "The SWA learning rate reached at the end of the anneal (> 0).")
    private double swaLearningRate;

    @Config(description = "Number of steps of the anneal (>= 0).")
    private long annealIterations = 10;

    @Config(description = "The anneal's shape: LINEAR or COSINE.")
    private AnnealStrategy strategy = AnnealStrategy.COSINE;

    @Config(description = "Cycle length in steps (>= 1): SWA averages every cycleLength steps after swaStart.")
    private long cycleLength = 1;

    /**
     * For OLCUT.
     */
    private AnnealSchedule() {}

    /**
     * An SWALR-style schedule.
     * @param before The schedule of the steps up to swaStart.
     * @param swaStart Steps before the SWA phase (&ge; 0).
     * @param swaLearningRate The SWA rate (&gt; 0).
     * @param annealIterations The anneal's length A in steps (&ge; 0).
     * @param strategy LINEAR or COSINE.
     * @param cycleLength Steps between averaging points in the SWA phase (&ge; 1).
     */
    public AnnealSchedule(LearningRateSchedule before, long swaStart, double swaLearningRate,
                          long annealIterations, AnnealStrategy strategy, long cycleLength) {
        this.before = before;
        this.swaStart = swaStart;
        this.swaLearningRate = swaLearningRate;
        this.annealIterations = annealIterations;
        this.strategy = strategy;
        this.cycleLength = cycleLength;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.present(this, "before", before);
        Checks.atLeast(this, "swaStart", swaStart, 0);
        Checks.positive(this, "swaLearningRate", swaLearningRate);
        Checks.atLeast(this, "annealIterations", annealIterations, 0);
        Checks.present(this, "strategy", strategy);
        Checks.atLeast(this, "cycleLength", cycleLength, 1);
    }

    @Override
    public double rate(long iteration) {
        Cycles.checkIteration(iteration);
        if (iteration <= swaStart) {
            return before.rate(iteration);
        }
        double tau = annealIterations == 0 ? 1.0 : Math.min(1.0, (double) (iteration - swaStart) / annealIterations);
        double f = strategy.fraction(tau);
        return (1 - f) * before.rate(Math.max(swaStart, 1)) + f * swaLearningRate;
    }

    @Override
    public boolean isCycleEnd(long iteration) {
        return iteration > swaStart && Cycles.isEnd(iteration - swaStart, cycleLength);
    }

    @Override
    public boolean isCycleMidpoint(long iteration) {
        return iteration > swaStart && Cycles.isMidpoint(iteration - swaStart, cycleLength);
    }

    @Override
    public long swaStart() {
        return swaStart;
    }

    @Override
    public long cycleLength() {
        return cycleLength;
    }

    @Override
    public String toString() {
        return "AnnealSchedule(before=" + before + ",swaStart=" + swaStart + ",swaLearningRate=" + swaLearningRate
                + ",annealIterations=" + annealIterations + ",strategy=" + strategy + ",cycleLength=" + cycleLength + ")";
    }
}
