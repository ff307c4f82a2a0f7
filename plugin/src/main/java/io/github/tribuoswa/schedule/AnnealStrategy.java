package io.github.tribuoswa.schedule;

/**
 * How {@link AnnealSchedule} moves from the current rate to the SWA rate, as in PyTorch's
 * {@code SWALR}: the fraction f(t) of the way done after a fraction t of the anneal.
 */
public enum AnnealStrategy {
    /**
     * f(t) = t.
     */
    LINEAR,
    /**
     * f(t) = (1 &minus; cos(π·t)) / 2.
     */
    COSINE;

    /**
     * The fraction of the way from the start rate to the SWA rate.
     * @param t The fraction of the anneal done, in [0, 1].
     * @return f(t), in [0, 1].
     */
    public double fraction(double t) {
        switch (this) {
            case COSINE:
                return (1 - Math.cos(Math.PI * t)) / 2;
            case LINEAR:
            default:
                return t;
        }
    }
}
