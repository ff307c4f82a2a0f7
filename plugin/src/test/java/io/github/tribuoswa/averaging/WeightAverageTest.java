package io.github.tribuoswa.averaging;

import io.github.tribuoswa.schedule.CyclicSchedule;
import io.github.tribuoswa.schedule.SWASchedule;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The averages against direct double-precision computations.
 */
public class WeightAverageTest {

    private static float[][] snapshots(int n, int size, long seed) {
        Random rng = new Random(seed);
        float[][] out = new float[n][size];
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < size; j++) {
                // weights drifting around a non-zero centre, as along an SGD trajectory
                out[k][j] = (float) (3.0 + Math.sin(j) + 0.5 * rng.nextGaussian() + k * 1e-3);
            }
        }
        return out;
    }

    private static double relativeError(double[] actual, double[] expected) {
        double num = 0, den = 0;
        for (int j = 0; j < actual.length; j++) {
            num += (actual[j] - expected[j]) * (actual[j] - expected[j]);
            den += expected[j] * expected[j];
        }
        return Math.sqrt(num / den);
    }

    @Test
    public void equalAverageIsTheMeanOf1000Snapshots() {
        int size = 257;
        float[][] w = snapshots(1000, size, 42);
        EqualAverage avg = new EqualAverage(size);
        for (float[] s : w) {
            avg.update(s);
        }
        double[] expected = new double[size];
        for (float[] s : w) {
            for (int j = 0; j < size; j++) {
                expected[j] += s[j];
            }
        }
        for (int j = 0; j < size; j++) {
            expected[j] /= w.length;
        }
        assertEquals(1000, avg.count());
        assertTrue(relativeError(avg.average(), expected) < 1e-6);
        double worst = 0;
        double[] got = avg.average();
        for (int j = 0; j < size; j++) {
            worst = Math.max(worst, Math.abs(got[j] - expected[j]) / Math.abs(expected[j]));
        }
        assertTrue(worst < 1e-6, "worst element relative error " + worst);
        float[] asFloat = new float[size];
        avg.copyTo(asFloat);
        for (int j = 0; j < size; j++) {
            assertEquals((float) got[j], asFloat[j], 0.0f);
        }
    }

    @Test
    public void equalAverageOfDoublesIsAlgorithm1Recurrence() {
        double[][] w = {{1, 2, 3}, {3, 2, 1}, {5, 5, 5}, {-1, 0, 1}};
        EqualAverage avg = new EqualAverage(3);
        double[] swa = null;
        int n = 0;
        for (double[] s : w) {
            avg.update(s);
            if (swa == null) {
                swa = s.clone();
            } else {
                for (int j = 0; j < 3; j++) {
                    swa[j] = (swa[j] * n + s[j]) / (n + 1);
                }
            }
            n++;
            assertArrayEquals(swa, avg.average(), 1e-14);
        }
        assertArrayEquals(new double[]{2, 2.25, 2.5}, avg.average(), 1e-15);
    }

    @Test
    public void emaMatchesClosedForm() {
        int size = 31;
        float[][] w = snapshots(200, size, 7);
        double decay = 0.97;
        ExponentialMovingAverage ema = new ExponentialMovingAverage(size, decay);
        for (float[] s : w) {
            ema.update(s);
        }
        int n = w.length;
        double[] expected = new double[size];
        for (int j = 0; j < size; j++) {
            expected[j] = Math.pow(decay, n - 1) * w[0][j];
            for (int k = 1; k < n; k++) {
                expected[j] += (1 - decay) * Math.pow(decay, n - 1 - k) * w[k][j];
            }
        }
        assertTrue(relativeError(ema.average(), expected) < 1e-12);
        assertEquals(n, ema.count());
    }

    @Test
    public void emaWithZeroDecayKeepsTheLast() {
        ExponentialMovingAverage ema = new ExponentialMovingAverage(2, 0.0);
        ema.update(new double[]{1, 2});
        ema.update(new double[]{5, 7});
        assertArrayEquals(new double[]{5, 7}, ema.average(), 0.0);
    }

    @Test
    public void nonFiniteWeightsAreNeverAveragedIn() {
        EqualAverage avg = new EqualAverage(3);
        avg.update(new float[]{1, 2, 3});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> avg.update(new float[]{1, Float.NaN, 3}));
        assertTrue(e.getMessage().contains("weights[1]"));
        assertThrows(IllegalArgumentException.class, () -> avg.update(new double[]{Double.POSITIVE_INFINITY, 0, 0}));
        assertEquals(1, avg.count());
        assertArrayEquals(new double[]{1, 2, 3}, avg.average(), 0.0);
    }

    @Test
    public void badInputRejected() {
        EqualAverage avg = new EqualAverage(3);
        assertThrows(IllegalStateException.class, avg::average);
        assertThrows(IllegalArgumentException.class, () -> avg.update(new float[2]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ExponentialMovingAverage(3, 1.0));
        assertTrue(e.getMessage().contains("emaDecay") && e.getMessage().contains("[0, 1)"));
        assertThrows(IllegalArgumentException.class, () -> new ExponentialMovingAverage(3, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new EqualAverage(-1));
    }

    @Test
    public void averagingPointsFollowAlgorithm1() {
        SWASchedule s = new SWASchedule(0.1, 10, new CyclicSchedule(0.05, 0.01, 3));
        AveragingPoints counted = new AveragingPoints(s, true);
        AveragingPoints uncounted = new AveragingPoints(s, false);
        for (long k = 0; k <= 30; k++) {
            boolean cycleEnd = k > 10 && (k - 10) % 3 == 0;
            assertEquals(cycleEnd || k == 10, counted.includes(k), "k=" + k);
            assertEquals(cycleEnd, uncounted.includes(k), "k=" + k);
        }
        AveragingPoints fromZero = new AveragingPoints(new CyclicSchedule(0.05, 0.01, 2), true);
        assertTrue(fromZero.includes(0) && fromZero.includes(2) && !fromZero.includes(1));
        assertFalse(new AveragingPoints(new CyclicSchedule(0.05, 0.01, 2), false).includes(0));
    }

    @Test
    public void latestAverageIsTheMeanOfTheKLatestVectors() {
        LatestAverage lawa = new LatestAverage(2, 3);
        assertThrows(IllegalStateException.class, lawa::average);
        lawa.update(new double[]{1, 10});
        assertEquals(1, lawa.count());
        assertArrayEquals(new double[]{1, 10}, lawa.average(), 0.0);
        lawa.update(new float[]{2, 20});
        assertArrayEquals(new double[]{1.5, 15}, lawa.average(), 0.0, "fewer than k: all of them");
        lawa.update(new double[]{4, 40});
        lawa.update(new double[]{8, 80});
        lawa.update(new double[]{16, 160});
        assertEquals(3, lawa.count());
        assertArrayEquals(new double[]{(4 + 8 + 16) / 3.0, (40 + 80 + 160) / 3.0}, lawa.average(), 0.0, "the 3 latest of 5");
        float[] f = new float[2];
        lawa.copyTo(f);
        assertArrayEquals(new float[]{(float) (28 / 3.0), (float) (280 / 3.0)}, f, 0f);
        double[] copy = new double[]{100, 100};
        LatestAverage one = new LatestAverage(2, 1);
        one.update(copy);
        copy[0] = -1;
        assertArrayEquals(new double[]{100, 100}, one.average(), 0.0, "a copy, not the caller's array");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lawa.update(new double[]{Double.NaN, 0}));
        assertTrue(e.getMessage().contains("weights[0] = NaN"), e.getMessage());
        assertArrayEquals(new double[]{(4 + 8 + 16) / 3.0, (40 + 80 + 160) / 3.0}, lawa.average(), 0.0, "unchanged by the refusal");
        e = assertThrows(IllegalArgumentException.class, () -> new LatestAverage(2, 0));
        assertTrue(e.getMessage().contains("latest = 0 is out of range; allowed: integer >= 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> lawa.update(new double[3]));
        assertThrows(UnsupportedOperationException.class, () -> lawa.restore(new double[2], 1));
    }

    @Test
    public void averagingPointsWithAPeriodOfTheirOwn() {
        // every 4 steps after swaStart = 10, whatever the cycles of 3
        AveragingPoints p = new AveragingPoints(new SWASchedule(0.1, 10, new CyclicSchedule(0.05, 0.01, 3)), false, 4);
        for (long k = 0; k <= 30; k++) {
            assertEquals(k > 10 && (k - 10) % 4 == 0, p.includes(k), "k=" + k);
        }
        assertThrows(IllegalArgumentException.class, () -> new AveragingPoints(new CyclicSchedule(0.05, 0.01, 2), false, -1));
    }
}
