package io.github.tribuoswa.nn.swa;

import io.github.tribuoswa.averaging.EmaDecay;
import io.github.tribuoswa.nn.core.DeviceAverage;
import io.github.tribuoswa.nn.core.NetworkWeights;

/**
 * An exponential moving average of the weights over training, as timm's {@code ModelEmaV3}
 * and TensorFlow's {@code ExponentialMovingAverage} keep it, for any DJL training run (add it
 * to a {@code TrainingConfig}, train, then {@link #writeAverage}): after step k for every
 * k = start + every, start + 2·every, …, avg ← δ_t·avg + (1 &minus; δ_t)·w with the decay δ_t
 * of {@link EmaDecay} at t = k &minus; start &minus; 1 (the first update copies the weights). The
 * average lives on the network's device ({@link AveragingListener}); with {@code averageBuffers}
 * BatchNorm's running statistics are averaged too (timm averages every buffer), else the
 * trainer refreshes them at the average.
 */
public final class EMAListener extends AveragingListener {

    private final EmaDecay decay;
    private final long start;
    private final long every;

    /**
     * An EMA listener.
     * @param decay The decay and its warm-up.
     * @param start Steps before the first update is due (&ge; 0): the first update follows step start + every.
     * @param every Steps between updates (&ge; 1).
     * @param averageBuffers Whether BatchNorm running statistics are averaged too.
     * @param precision The type of the average on the device.
     */
    public EMAListener(EmaDecay decay, long start, long every, boolean averageBuffers, DeviceAverage.Precision precision) {
        super(decay.rule(every), averageBuffers ? NetworkWeights.Selection.ALL : NetworkWeights.Selection.TRAINABLE, precision);
        if (start < 0) {
            throw new IllegalArgumentException("emaStart = " + start + " is out of range; allowed: integer >= 0");
        }
        this.decay = decay;
        this.start = start;
        this.every = every;
    }

    @Override
    protected String method() {
        return "EMA";
    }

    @Override
    protected AveragingListener emptyCopy() {
        return new EMAListener(decay, start, every, selection() == NetworkWeights.Selection.ALL, precision());
    }

    @Override
    protected boolean due(long k) {
        return k > start && (k - start) % every == 0;
    }

    @Override
    public String stateName() {
        return "ema";
    }

    @Override
    protected String nothingAveraged() {
        return "EMA averaged no weights: emaStart = " + start + " and emaEvery = " + every + " are out of range for a run of " + stepsDone()
                + " steps; allowed: emaStart + emaEvery <= " + stepsDone();
    }

    @Override
    public String toString() {
        return "EMAListener(" + decay + ",start=" + start + ",every=" + every + ",selection=" + selection() + ")";
    }
}
