package io.github.tribuoswa.util;

import com.oracle.labs.mlrg.olcut.config.PropertyException;

/**
 * Validation of hyper-parameters, shared by every component of the plugin so that each bad
 * value is reported the same way: the exception names the parameter, the value found and the
 * allowed range.
 * <p>
 * The checks throw {@link PropertyException} (a {@link RuntimeException} carrying the
 * parameter's name in {@link PropertyException#getProperty()}), which is what OLCUT components
 * throw from {@code postConfig()}; public constructors call {@code postConfig()}, so Java and
 * XML users see the same error.
 */
public final class Checks {

    private Checks() {}

    /**
     * Builds the exception for a value outside its range.
     * @param owner The component (its simple class name is used).
     * @param name The parameter name, as in the {@code @Config} field.
     * @param value The offending value.
     * @param allowed A description of the allowed range, e.g. {@code "integer >= 1"}.
     * @return The exception to throw.
     */
    public static PropertyException outOfRange(Object owner, String name, Object value, String allowed) {
        String component = owner instanceof Class ? ((Class<?>) owner).getSimpleName() : owner.getClass().getSimpleName();
        return new PropertyException(component, name,
                name + " = " + value + " is out of range; allowed: " + allowed);
    }

    /**
     * Requires a finite value strictly above zero.
     * @param owner The component.
     * @param name The parameter name.
     * @param value The value.
     * @return The value.
     */
    public static double positive(Object owner, String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw outOfRange(owner, name, value, "finite real > 0");
        }
        return value;
    }

    /**
     * Requires a finite value at or above zero.
     * @param owner The component.
     * @param name The parameter name.
     * @param value The value.
     * @return The value.
     */
    public static double nonNegative(Object owner, String name, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw outOfRange(owner, name, value, "finite real >= 0");
        }
        return value;
    }

    /**
     * Requires a fraction in [0, 1): dropout rates, momentum factors, decays.
     * @param owner The component.
     * @param name The parameter name.
     * @param value The value.
     * @return The value.
     */
    public static double fraction(Object owner, String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw outOfRange(owner, name, value, "real in [0, 1)");
        }
        return value;
    }

    /**
     * Requires a fraction in [0, 1], both ends included: schedule-free SGD's β, a cool-down's share of a run.
     * @param owner The component.
     * @param name The parameter name.
     * @param value The value.
     * @return The value.
     */
    public static double closedFraction(Object owner, String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw outOfRange(owner, name, value, "real in [0, 1]");
        }
        return value;
    }

    /**
     * Requires an integer at or above a minimum.
     * @param owner The component.
     * @param name The parameter name.
     * @param value The value.
     * @param min The minimum.
     * @return The value.
     */
    public static long atLeast(Object owner, String name, long value, long min) {
        if (value < min) {
            throw outOfRange(owner, name, value, "integer >= " + min);
        }
        return value;
    }

    /**
     * Requires a mandatory component to be present.
     * @param owner The component.
     * @param name The parameter name.
     * @param value The value.
     * @param <T> The type of the value.
     * @return The value.
     */
    public static <T> T present(Object owner, String name, T value) {
        if (value == null) {
            throw outOfRange(owner, name, "null", "a non-null component");
        }
        return value;
    }

    /**
     * The index of the first value that is NaN or infinite: the one finite check of weights
     * and averages.
     * @param values The values.
     * @return The index, or &minus;1 if all are finite.
     */
    public static int firstNonFinite(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The index of the first value that is NaN or infinite.
     * @param values The values.
     * @return The index, or &minus;1 if all are finite.
     */
    public static int firstNonFinite(double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * OLCUT's exception for a value a plain check refused, whose message starts with the
     * parameter's name ("emaDecay = 1.5 is out of range; allowed: …"), so that XML users see which
     * property of which component is wrong.
     * @param owner The component.
     * @param e The refusal.
     * @return The exception to throw.
     */
    public static PropertyException asPropertyException(Object owner, IllegalArgumentException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        int space = m.indexOf(' ');
        String component = owner instanceof Class ? ((Class<?>) owner).getSimpleName() : owner.getClass().getSimpleName();
        return new PropertyException(component, space > 0 ? m.substring(0, space) : "?", m);
    }
}
