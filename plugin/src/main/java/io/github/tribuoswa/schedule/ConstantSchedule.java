package io.github.tribuoswa.schedule;

import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.util.Checks;

/**
 * A constant learning rate α, with cycles of length c marking the averaging points.
 * <p>
 * SWA with a constant rate (Izmailov et al. 2018, §3.2) averages once per c steps, usually
 * once per epoch; c = 1 averages after every step. It is the cyclic schedule with α1 = α2.
 */
public final class ConstantSchedule implements LearningRateSchedule {

    @Config(mandatory = true, description = "The learning rate, > 0.")
    private double learningRate;

    @Config(description = "Cycle length c in steps (>= 1): a cycle ends, and SWA averages, every c steps.")
    private long cycleLength = 1;

    /**
     * For OLCUT.
     */
    private ConstantSchedule() {}

    /**
     * A constant rate whose every step ends a cycle.
     * @param learningRate The rate, &gt; 0.
     */
    public ConstantSchedule(double learningRate) {
        this(learningRate, 1);
    }

    /**
     * A constant rate with cycles of length c.
     * @param learningRate The rate, &gt; 0.
     * @param cycleLength The cycle length c, &ge; 1.
     */
    public ConstantSchedule(double learningRate, long cycleLength) {
        this.learningRate = learningRate;
        this.cycleLength = cycleLength;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.positive(this, "learningRate", learningRate);
        Checks.atLeast(this, "cycleLength", cycleLength, 1);
    }

    @Override
    public double rate(long iteration) {
        Cycles.checkIteration(iteration);
        return learningRate;
    }

    @Override
    public boolean isCycleEnd(long iteration) {
        return Cycles.isEnd(iteration, cycleLength);
    }

    @Override
    public boolean isCycleMidpoint(long iteration) {
        return Cycles.isMidpoint(iteration, cycleLength);
    }

    @Override
    public long cycleLength() {
        return cycleLength;
    }

    @Override
    public LearningRateSchedule withCycleLength(long c) {
        return new ConstantSchedule(learningRate, c);
    }

    @Override
    public String toString() {
        return "ConstantSchedule(learningRate=" + learningRate + ",cycleLength=" + cycleLength + ")";
    }
}
