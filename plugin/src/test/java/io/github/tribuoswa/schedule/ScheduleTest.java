package io.github.tribuoswa.schedule;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each schedule against its formula, at i = 1, c/2, c, c + 1 and over several cycles.
 */
public class ScheduleTest {

    private static final double EPS = 1e-15;

    @Test
    public void cyclicMatchesEquation2() {
        CyclicSchedule s = new CyclicSchedule(0.1, 0.02, 4);
        // t(1) = 1/4: 0.75*0.1 + 0.25*0.02
        assertEquals(0.08, s.rate(1), EPS);
        assertEquals(0.5 * 0.1 + 0.5 * 0.02, s.rate(2), EPS);          // i = c/2
        assertEquals(0.25 * 0.1 + 0.75 * 0.02, s.rate(3), EPS);
        assertEquals(0.02, s.rate(4), 0.0);                           // i = c: exactly alpha2
        assertEquals(0.08, s.rate(5), EPS);                           // i = c + 1 starts again
        for (long k = 0; k < 5; k++) {
            for (long j = 1; j <= 4; j++) {
                double t = j / 4.0;
                assertEquals((1 - t) * 0.1 + t * 0.02, s.rate(4 * k + j), EPS, "i=" + (4 * k + j));
                assertEquals(j == 4, s.isCycleEnd(4 * k + j));
                assertEquals(j == 2, s.isCycleMidpoint(4 * k + j));
            }
        }
        assertEquals(0, s.swaStart());
    }

    @Test
    public void cyclicWithCycleOneIsConstantAlpha2() {
        CyclicSchedule s = new CyclicSchedule(0.3, 0.05, 1);
        for (long i = 1; i <= 10; i++) {
            assertEquals(0.05, s.rate(i), 0.0);
            assertTrue(s.isCycleEnd(i));
            assertFalse(s.isCycleMidpoint(i));
        }
    }

    @Test
    public void cyclicOddCycleHasNoMidpoint() {
        CyclicSchedule s = new CyclicSchedule(0.3, 0.05, 5);
        for (long i = 1; i <= 20; i++) {
            assertFalse(s.isCycleMidpoint(i));
            assertEquals(i % 5 == 0, s.isCycleEnd(i));
        }
    }

    @Test
    public void triangularMatchesFGE() {
        TriangularSchedule s = new TriangularSchedule(0.05, 0.0005, 6);
        double a1 = 0.05, a2 = 0.0005;
        assertEquals((1 - 2.0 / 6) * a1 + (2.0 / 6) * a2, s.rate(1), EPS);
        assertEquals(a2, s.rate(3), EPS);                               // i = c/2: the minimum
        assertEquals(a1, s.rate(6), EPS);                               // i = c: back at alpha1
        assertEquals(s.rate(1), s.rate(7), EPS);                        // i = c + 1
        for (long k = 0; k < 4; k++) {
            for (long j = 1; j <= 6; j++) {
                double t = j / 6.0;
                double expected = t <= 0.5 ? (1 - 2 * t) * a1 + 2 * t * a2 : (2 - 2 * t) * a2 + (2 * t - 1) * a1;
                long i = 6 * k + j;
                assertEquals(expected, s.rate(i), EPS, "i=" + i);
                assertEquals(j == 3, s.isCycleMidpoint(i), "mid i=" + i);
                assertEquals(j == 6, s.isCycleEnd(i), "end i=" + i);
                assertTrue(s.rate(i) >= s.rate(6 * k + 3));
            }
        }
    }

    @Test
    public void constantSchedule() {
        ConstantSchedule s = new ConstantSchedule(0.07, 3);
        for (long i = 1; i <= 9; i++) {
            assertEquals(0.07, s.rate(i), 0.0);
            assertEquals(i % 3 == 0, s.isCycleEnd(i));
            assertFalse(s.isCycleMidpoint(i));
        }
        ConstantSchedule every = new ConstantSchedule(0.07);
        assertTrue(every.isCycleEnd(1) && every.isCycleEnd(2));
        ConstantSchedule even = new ConstantSchedule(0.07, 4);
        assertTrue(even.isCycleMidpoint(2) && even.isCycleMidpoint(6) && !even.isCycleMidpoint(4));
    }

    @Test
    public void baselineMatchesAuthorsSchedule() {
        BaselineSchedule s = new BaselineSchedule(0.1, 100, 0.01);
        // t = (i - 1) / 100
        assertEquals(0.1, s.rate(1), 0.0);
        assertEquals(0.1, s.rate(51), 0.0);                             // t = 0.5: still alpha0
        assertEquals(0.1 * (1 - 0.99 * 0.01 / 0.4), s.rate(52), EPS);  // t = 0.51
        assertEquals(0.1 * (1 - 0.99 * 0.2 / 0.4), s.rate(71), EPS);   // t = 0.7: half way down
        assertEquals(0.1 * 0.01, s.rate(91), 1e-17);                    // t = 0.9: r * alpha0
        assertEquals(0.1 * 0.01, s.rate(92), 0.0);                      // t > 0.9: constant
        assertEquals(0.1 * 0.01, s.rate(1000), 0.0);                    // past the budget
        for (long i = 2; i <= 100; i++) {
            assertTrue(s.rate(i) <= s.rate(i - 1), "non-increasing at " + i);
            assertFalse(s.isCycleEnd(i) || s.isCycleMidpoint(i));
        }
    }

    @Test
    public void swaScheduleCompressesBaselineThenCycles() {
        CyclicSchedule phase = new CyclicSchedule(0.04, 0.01, 4);
        SWASchedule s = new SWASchedule(0.2, 20, phase);
        double r = phase.rate(1) / 0.2;
        assertEquals(20, s.swaStart());
        assertEquals(0.2, s.rate(1), 0.0);
        assertEquals(0.2, s.rate(11), 0.0);                                  // t = 10/20 = 0.5
        assertEquals(0.2 * (1 - (1 - r) * (0.7 - 0.5) / 0.4), s.rate(15), EPS); // t = 0.7
        assertEquals(phase.rate(1), s.rate(20), EPS);                        // t = 0.95 > 0.9
        for (long j = 1; j <= 12; j++) {
            assertEquals(phase.rate(j), s.rate(20 + j), 0.0);
            assertEquals(phase.isCycleEnd(j), s.isCycleEnd(20 + j));
            assertEquals(phase.isCycleMidpoint(j), s.isCycleMidpoint(20 + j));
        }
        for (long i = 1; i <= 20; i++) {
            assertFalse(s.isCycleEnd(i), "no cycle ends before swaStart, i=" + i);
        }
        assertTrue(s.isCycleEnd(24) && s.isCycleEnd(28) && !s.isCycleEnd(26));
    }

    @Test
    public void swaScheduleWithConstantPhase() {
        SWASchedule s = new SWASchedule(0.1, 10, new ConstantSchedule(0.05, 5));
        assertEquals(0.05, s.rate(10), EPS);
        assertEquals(0.05, s.rate(11), 0.0);
        assertTrue(s.isCycleEnd(15) && s.isCycleEnd(20) && !s.isCycleEnd(10) && !s.isCycleEnd(5));
    }

    @Test
    public void annealEndpointsLinearAndCosine() {
        BaselineSchedule before = new BaselineSchedule(0.1, 1000);
        for (AnnealStrategy strategy : AnnealStrategy.values()) {
            AnnealSchedule s = new AnnealSchedule(before, 100, 0.02, 10, strategy, 5);
            double from = before.rate(100);
            assertEquals(before.rate(50), s.rate(50), 0.0);
            assertEquals(from, s.rate(100), 0.0);
            assertEquals(0.02, s.rate(110), EPS);           // end of the anneal
            assertEquals(0.02, s.rate(111), 0.0);           // then constant
            assertEquals(0.02, s.rate(5000), 0.0);
            double f = strategy.fraction(0.5);
            assertEquals((1 - f) * from + f * 0.02, s.rate(105), EPS);
            assertEquals(100, s.swaStart());
            assertTrue(s.isCycleEnd(105) && s.isCycleEnd(110) && !s.isCycleEnd(100) && !s.isCycleEnd(107));
        }
        assertEquals(0.5, AnnealStrategy.LINEAR.fraction(0.5), 0.0);
        assertEquals(0.5, AnnealStrategy.COSINE.fraction(0.5), EPS);
        assertEquals((1 - Math.cos(Math.PI * 0.25)) / 2, AnnealStrategy.COSINE.fraction(0.25), EPS);
        assertEquals(0.0, AnnealStrategy.COSINE.fraction(0.0), 0.0);
        assertEquals(1.0, AnnealStrategy.COSINE.fraction(1.0), 0.0);
    }

    @Test
    public void annealWithZeroIterationsJumps() {
        AnnealSchedule s = new AnnealSchedule(new ConstantSchedule(0.3), 7, 0.01, 0, AnnealStrategy.LINEAR, 1);
        assertEquals(0.3, s.rate(7), 0.0);
        assertEquals(0.01, s.rate(8), 0.0);
        AnnealSchedule fromStart = new AnnealSchedule(new ConstantSchedule(0.3), 0, 0.1, 4, AnnealStrategy.LINEAR, 1);
        assertEquals(0.75 * 0.3 + 0.25 * 0.1, fromStart.rate(1), EPS);
        assertEquals(0.1, fromStart.rate(4), EPS);
    }

    @Test
    public void iterationZeroRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CyclicSchedule(0.1, 0.01, 2).rate(0));
        assertTrue(e.getMessage().contains("iteration"));
    }

    private static void assertRejected(String parameter, String range, Executable e) {
        PropertyException ex = assertThrows(PropertyException.class, e);
        assertEquals(parameter, ex.getProperty(), ex.getMessage());
        assertTrue(ex.getMessage().contains(parameter) && ex.getMessage().contains(range), ex.getMessage());
    }

    @Test
    public void badValuesNameTheParameterAndRange() {
        assertRejected("cycleLength", "integer >= 1", () -> new CyclicSchedule(0.1, 0.01, 0));
        assertRejected("alpha1", ">= alpha2", () -> new CyclicSchedule(0.01, 0.1, 4));
        assertRejected("alpha2", "> 0", () -> new CyclicSchedule(0.1, -0.01, 4));
        assertRejected("alpha2", "> 0", () -> new CyclicSchedule(0.1, Double.NaN, 4));
        assertRejected("alpha1", "> 0", () -> new CyclicSchedule(Double.NaN, 0.01, 4));
        assertRejected("alpha1", "> 0", () -> new CyclicSchedule(Double.POSITIVE_INFINITY, 0.01, 4));
        assertRejected("cycleLength", "even integer >= 2", () -> new TriangularSchedule(0.1, 0.01, 5));
        assertRejected("cycleLength", "even integer >= 2", () -> new TriangularSchedule(0.1, 0.01, 0));
        assertRejected("alpha1", ">= alpha2", () -> new TriangularSchedule(0.01, 0.1, 4));
        assertRejected("learningRate", "> 0", () -> new ConstantSchedule(-1));
        assertRejected("learningRate", "> 0", () -> new ConstantSchedule(Double.NaN));
        assertRejected("cycleLength", "integer >= 1", () -> new ConstantSchedule(0.1, 0));
        assertRejected("budget", "integer >= 1", () -> new BaselineSchedule(0.1, 0));
        assertRejected("finalRatio", "> 0", () -> new BaselineSchedule(0.1, 10, 0));
        assertRejected("initialLearningRate", "> 0", () -> new BaselineSchedule(-0.1, 10));
        assertRejected("swaStart", "integer >= 1", () -> new SWASchedule(0.1, 0, new ConstantSchedule(0.01)));
        assertRejected("swaPhase", "non-null", () -> new SWASchedule(0.1, 10, null));
        assertRejected("swaPhase", "swaStart() = 0", () -> new SWASchedule(0.1, 10, new SWASchedule(0.1, 5, new ConstantSchedule(0.01))));
        assertRejected("swaLearningRate", "> 0", () -> new AnnealSchedule(new ConstantSchedule(0.1), 5, 0, 3, AnnealStrategy.COSINE, 1));
        assertRejected("annealIterations", "integer >= 0", () -> new AnnealSchedule(new ConstantSchedule(0.1), 5, 0.01, -1, AnnealStrategy.COSINE, 1));
        assertRejected("swaStart", "integer >= 0", () -> new AnnealSchedule(new ConstantSchedule(0.1), -5, 0.01, 1, AnnealStrategy.COSINE, 1));
    }
}
