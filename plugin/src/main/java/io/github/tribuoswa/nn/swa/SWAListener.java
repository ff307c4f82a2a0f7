package io.github.tribuoswa.nn.swa;

import io.github.tribuoswa.averaging.AverageRule;
import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.averaging.AveragingPoints;
import io.github.tribuoswa.nn.core.DeviceAverage;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.schedule.LearningRateSchedule;

/**
 * Stochastic Weight Averaging (Izmailov et al. 2018, Algorithm 1) for any DJL training run, as
 * a {@link ai.djl.training.listener.TrainingListener}: add it to a {@code TrainingConfig}
 * together with a {@link io.github.tribuoswa.nn.optim.ScheduleTracker} of the same schedule,
 * train, then call {@link #writeAverage(Block)} (and refresh BatchNorm statistics with
 * {@link io.github.tribuoswa.nn.core.BatchNormRefresh}).
 * <p>
 * It averages the weights at the points {@link AveragingPoints} names: ŵ (the weights after
 * the schedule's {@code swaStart} steps) if {@code countStartWeights}, and the weights after
 * every cycle end after it, equally or as an EMA. The average is a {@link DeviceAverage}: engine
 * arrays on the network's device, updated in place; nothing is copied to the host except into
 * a checkpoint. Only trainable weights are averaged unless {@code averageBuffers} is set, when
 * the BatchNorm running statistics are averaged too (PyTorch's
 * {@code AveragedModel(use_buffers=True)}). Weights that are not finite are never averaged in:
 * the run stops with an error naming the step and the parameter. The tests check the average
 * against weights captured independently at Algorithm 1's steps.
 */
public final class SWAListener extends AveragingListener {

    private final AveragingPoints points;

    /**
     * An SWA listener with a float32 average.
     * @param schedule The schedule (its cycle ends after its swaStart are averaged).
     * @param countStartWeights Whether ŵ is the first model.
     * @param averaging EQUAL or EMA.
     * @param emaDecay The EMA decay (EMA only).
     * @param averageBuffers Whether BatchNorm running statistics are averaged too.
     */
    public SWAListener(LearningRateSchedule schedule, boolean countStartWeights, Averaging averaging, double emaDecay, boolean averageBuffers) {
        this(schedule, countStartWeights, averaging, emaDecay, averageBuffers, DeviceAverage.Precision.FLOAT32);
    }

    /**
     * An SWA listener.
     * @param schedule The schedule (its cycle ends after its swaStart are averaged).
     * @param countStartWeights Whether ŵ is the first model.
     * @param averaging EQUAL or EMA.
     * @param emaDecay The EMA decay (EMA only).
     * @param averageBuffers Whether BatchNorm running statistics are averaged too.
     * @param precision The type of the average on the device.
     */
    public SWAListener(LearningRateSchedule schedule, boolean countStartWeights, Averaging averaging, double emaDecay, boolean averageBuffers,
                       DeviceAverage.Precision precision) {
        this(new AveragingPoints(schedule, countStartWeights), averaging.rule(emaDecay),
                averageBuffers ? NetworkWeights.Selection.ALL : NetworkWeights.Selection.TRAINABLE, precision);
    }

    private SWAListener(AveragingPoints points, AverageRule rule, NetworkWeights.Selection selection, DeviceAverage.Precision precision) {
        super(rule, selection, precision);
        this.points = points;
    }

    @Override
    protected String method() {
        return "SWA";
    }

    @Override
    protected AveragingListener emptyCopy() {
        return new SWAListener(points, rule(), selection(), precision());
    }

    @Override
    protected boolean due(long k) {
        return points.includes(k);
    }

    @Override
    public String stateName() {
        return "swa";
    }

    /**
     * Version 2 holds the device state G exactly; version 1 (the host average in double
     * precision, the first wave's) is still read.
     * @param version The version.
     * @return True for 1 and 2.
     */
    @Override
    protected boolean readsVersion(int version) {
        return version == 1 || version == 2;
    }

    @Override
    protected String nothingAveraged() {
        return "SWA averaged no weights: swaStart = " + points.swaStart() + " is out of range for a run of " + stepsDone()
                + " steps; allowed: swaStart < " + stepsDone();
    }
}
