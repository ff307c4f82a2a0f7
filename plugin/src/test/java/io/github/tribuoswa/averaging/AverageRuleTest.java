package io.github.tribuoswa.averaging;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The incoming weights β_t and carries κ_t of the rules, exactly, and the scaled-sum recursion
 * G_t = κ_t·G_{t−1} + w_t against the average it stands for.
 */
public class AverageRuleTest {

    @Test
    public void equalRuleIsOneOverT() {
        for (long t = 1; t <= 1000; t++) {
            assertEquals(1.0 / t, AverageRule.EQUAL.incomingWeight(t - 1), 0.0);
        }
        assertEquals(0.0, AverageRule.EQUAL.carry(0), 0.0);
        for (long previous = 1; previous < 1000; previous++) {
            assertEquals(1.0, AverageRule.EQUAL.carry(previous), 0.0, "the equal average's G is the plain sum");
        }
    }

    @Test
    public void emaRuleCopiesTheFirstVectorThenDecays() {
        AverageRule ema = AverageRule.exponential(0.75);
        assertEquals(1.0, ema.incomingWeight(0), 0.0);
        assertEquals(0.25, ema.incomingWeight(1), 0.0);
        assertEquals(0.25, ema.incomingWeight(99), 0.0);
        assertEquals(0.0, ema.carry(0), 0.0);
        assertEquals(0.75 / 0.25, ema.carry(1), 0.0);   // (1 - 0.25) * 1 / 0.25
        assertEquals(0.75, ema.carry(2), 0.0);
        assertEquals(0.75, ema.carry(50), 0.0);
        assertEquals(AverageRule.EQUAL, Averaging.EQUAL.rule(0.3));
        assertEquals(0.7, 1 - Averaging.EMA.rule(0.7).incomingWeight(5), 1e-15);
    }

    @Test
    public void scaledSumRecursionGivesTheAverage() {
        double[] w = {3, -1, 4, 1, -5, 9, 2, 6};
        for (AverageRule rule : new AverageRule[]{AverageRule.EQUAL, AverageRule.exponential(0.9), AverageRule.exponential(0)}) {
            double avg = 0;
            double g = 0;
            for (int t = 0; t < w.length; t++) {
                double beta = rule.incomingWeight(t);
                avg = (1 - beta) * avg + beta * w[t];
                g = rule.carry(t) * g + w[t];
                assertEquals(avg, rule.incomingWeight(t) * g, 1e-12, rule + " after " + (t + 1));
            }
        }
        // the equal average of the known sequence: its mean
        assertEquals(19.0 / 8, AverageRule.EQUAL.incomingWeight(7) * 19.0, 0.0);
    }

    @Test
    public void badDecayIsRefusedNamingTheParameter() {
        for (double d : new double[]{-0.1, 1.0, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AverageRule.exponential(d));
            assertTrue(e.getMessage().contains("emaDecay") && e.getMessage().contains("[0, 1)"), e.getMessage());
        }
    }
}
