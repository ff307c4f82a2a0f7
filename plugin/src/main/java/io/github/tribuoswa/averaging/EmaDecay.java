package io.github.tribuoswa.averaging;

import java.util.Locale;

/**
 * The decay of an exponential moving average of weights, constant or warming up, as the
 * averages of timm ({@code ModelEmaV3}) and TensorFlow ({@code ExponentialMovingAverage} with
 * {@code num_updates}) compute it. With t the steps since the average started before this
 * update (t = k &minus; start &minus; 1 for the update after step k, timm's
 * {@code step - update_after_step - 1}):
 * <pre>
 *   NONE:        δ_t = δ
 *   TENSORFLOW:  δ_t = min(δ, (1 + t) / (10 + t))
 *   TIMM:        δ_t = clamp(1 &minus; (1 + t/γ)^(&minus;p), minDecay, δ)
 * </pre>
 * and avg ← δ_t·avg + (1 &minus; δ_t)·w. The first update copies the weights (as timm's decay 0
 * at t = 0 and PyTorch's {@code AveragedModel} do). The warm-up keeps an early average from
 * being dominated by the first, poor weights: with δ = 0.9999 a constant decay would still hold
 * 37 % of the first weights after 10,000 updates.
 * @param decay δ, the largest decay, in [0, 1).
 * @param warmup The warm-up.
 * @param minDecay The smallest decay of the TIMM warm-up, in [0, δ].
 * @param gamma γ of the TIMM warm-up (&gt; 0; timm's default 1).
 * @param power p of the TIMM warm-up (&gt; 0; timm's default 3/4, 2/3 for long runs).
 */
public record EmaDecay(double decay, Warmup warmup, double minDecay, double gamma, double power) {

    /**
     * How the decay warms up.
     */
    public enum Warmup {
        /** A constant decay δ. */
        NONE,
        /** min(δ, (1 + t)/(10 + t)): TensorFlow's {@code ExponentialMovingAverage(num_updates)}. */
        TENSORFLOW,
        /** clamp(1 &minus; (1 + t/γ)^(&minus;p), minDecay, δ): timm's {@code ModelEmaV3(use_warmup=True)}. */
        TIMM
    }

    /**
     * Checks the values, naming the first bad one and its range.
     */
    public EmaDecay {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("emaDecay = " + decay + " is out of range; allowed: real in [0, 1)");
        }
        if (warmup == null) {
            throw new IllegalArgumentException("emaWarmup is missing; allowed: NONE, TENSORFLOW or TIMM");
        }
        if (!(minDecay >= 0 && minDecay <= decay)) {
            throw new IllegalArgumentException("emaMinDecay = " + minDecay + " is out of range; allowed: real in [0, emaDecay = " + decay + "]");
        }
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("emaWarmupGamma = " + gamma + " is out of range; allowed: finite real > 0");
        }
        if (!(power > 0) || Double.isInfinite(power)) {
            throw new IllegalArgumentException("emaWarmupPower = " + power + " is out of range; allowed: finite real > 0");
        }
    }

    /**
     * A constant decay.
     * @param decay δ in [0, 1).
     * @return The decay.
     */
    public static EmaDecay constant(double decay) {
        return new EmaDecay(decay, Warmup.NONE, 0, 1, 0.75);
    }

    /**
     * δ_t.
     * @param t Steps since the average started before this update (&ge; 0).
     * @return The decay in [0, δ].
     */
    public double at(long t) {
        if (t < 0) {
            throw new IllegalArgumentException("t = " + t + " is out of range; allowed: integer >= 0");
        }
        switch (warmup) {
            case TENSORFLOW:
                return Math.min(decay, (1.0 + t) / (10.0 + t));
            case TIMM:
                return Math.max(Math.min(1 - Math.pow(1 + t / gamma, -power), decay), minDecay);
            case NONE:
            default:
                return decay;
        }
    }

    /**
     * The rule of an average updated after every {@code every}-th step from its start: the
     * update with n updates before it follows step start + (n + 1)·every, so it uses δ at
     * t = (n + 1)·every &minus; 1 steps; β = 1 &minus; that decay (the first update copies).
     * @param every Steps between updates (&ge; 1).
     * @return The rule.
     */
    public AverageRule rule(long every) {
        return rule(every, false);
    }

    /**
     * The rule of an average updated every {@code every} steps, its first update at its start
     * ({@code firstAtStart}: SWA's ŵ, counted) or {@code every} steps after it: the update with
     * n updates before it follows step start + (n + s)·every with s = 0 or 1, so it uses δ at
     * t = (n + s)·every &minus; 1 (t = k &minus; start &minus; 1 for the update after step k).
     * @param every Steps between updates (&ge; 1).
     * @param firstAtStart Whether the first update is at the start.
     * @return The rule.
     */
    public AverageRule rule(long every, boolean firstAtStart) {
        if (every < 1) {
            throw new IllegalArgumentException("emaEvery = " + every + " is out of range; allowed: integer >= 1");
        }
        long shift = firstAtStart ? 0 : 1;
        EmaDecay self = this;
        return new AverageRule() {
            @Override
            public double incomingWeight(long previousCount) {
                return previousCount == 0 ? 1.0 : 1.0 - self.at((previousCount + shift) * every - 1);
            }

            @Override
            public String toString() {
                return "EMA(" + self + ",every=" + every + (firstAtStart ? ",firstAtStart" : "") + ")";
            }
        };
    }

    @Override
    public String toString() {
        return warmup == Warmup.NONE ? String.format(Locale.ROOT, "decay=%s", decay)
                : String.format(Locale.ROOT, "decay=%s,warmup=%s,minDecay=%s,gamma=%s,power=%s", decay, warmup, minDecay, gamma, power);
    }
}
