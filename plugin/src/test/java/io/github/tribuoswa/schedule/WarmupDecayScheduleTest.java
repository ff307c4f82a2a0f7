package io.github.tribuoswa.schedule;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Warmup-stable-decay and cosine decay, value by value on small budgets.
 */
public class WarmupDecayScheduleTest {

    @Test
    public void warmUpConstantThenOneMinusSqrtCoolDown() {
        // B = 10, W = 2, f = 0.4: C = 4 steps of cool-down (7..10), tau = 0, 1/4, 2/4, 3/4
        WSDSchedule s = new WSDSchedule(0.1, 10, 2, 0.4, WSDSchedule.Shape.SQRT);
        double[] expected = {0.05, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1 * (1 - Math.sqrt(0.25)), 0.1 * (1 - Math.sqrt(0.5)),
            0.1 * (1 - Math.sqrt(0.75))};
        for (int i = 1; i <= 10; i++) {
            assertEquals(expected[i - 1], s.rate(i), 1e-15, "step " + i);
        }
        assertEquals(s.rate(10), s.rate(11), 0.0, "beyond the budget the last rate stays");
        assertEquals(s.rate(10), s.rate(1000), 0.0);
        assertEquals(4, s.cooldownSteps());
        assertEquals(7, s.cooldownStart());
        for (int i = 1; i <= 12; i++) {
            assertFalse(s.isCycleEnd(i) || s.isCycleMidpoint(i), "no cycles");
            assertTrue(s.rate(i) > 0);
        }
        WSDSchedule linear = new WSDSchedule(0.1, 10, 2, 0.4, WSDSchedule.Shape.LINEAR);
        assertEquals(0.1 * 0.5, linear.rate(9), 1e-15);
        assertEquals(0.1 * 0.25, linear.rate(10), 1e-15);
        WSDSchedule constant = new WSDSchedule(0.3, 5, 0, 0, WSDSchedule.Shape.SQRT);
        for (int i = 1; i <= 6; i++) {
            assertEquals(0.3, constant.rate(i), 0.0, "no warm-up, no cool-down");
        }
        WSDSchedule allCoolDown = new WSDSchedule(1, 4, 0, 1, WSDSchedule.Shape.SQRT);
        assertEquals(1.0, allCoolDown.rate(1), 0.0);
        assertEquals(1 - Math.sqrt(0.75), allCoolDown.rate(4), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> s.rate(0));
    }

    @Test
    public void badValuesNameTheParameter() {
        PropertyException e = assertThrows(PropertyException.class, () -> new WSDSchedule(0.1, 10, 8, 0.4, WSDSchedule.Shape.SQRT));
        assertTrue(e.getMessage().contains("warmupSteps = 8 is out of range; allowed: integer in [0, budget - cool-down = 10 - 4]"),
                e.getMessage());
        e = assertThrows(PropertyException.class, () -> new WSDSchedule(0.1, 10, 0, 1.5, WSDSchedule.Shape.SQRT));
        assertTrue(e.getMessage().contains("cooldownFraction = 1.5 is out of range; allowed: real in [0, 1]"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> new WSDSchedule(0, 10, 0, 0.2, WSDSchedule.Shape.SQRT));
        assertTrue(e.getMessage().contains("peakLearningRate"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> new WSDSchedule(0.1, 0, 0, 0.2, WSDSchedule.Shape.SQRT));
        assertTrue(e.getMessage().contains("budget"), e.getMessage());
    }

    @Test
    public void configuresFromXml() throws Exception {
        Path xml = Files.createTempFile("wsd", ".xml");
        Files.writeString(xml, "<config><component name=\"s\" type=\"io.github.tribuoswa.schedule.WSDSchedule\">"
                + "<property name=\"peakLearningRate\" value=\"0.1\"/><property name=\"budget\" value=\"10\"/>"
                + "<property name=\"warmupSteps\" value=\"2\"/><property name=\"cooldownFraction\" value=\"0.4\"/>"
                + "<property name=\"cooldownShape\" value=\"LINEAR\"/></component></config>", StandardCharsets.UTF_8);
        LearningRateSchedule s = (LearningRateSchedule) new ConfigurationManager(xml.toString()).lookup("s");
        assertEquals(new WSDSchedule(0.1, 10, 2, 0.4, WSDSchedule.Shape.LINEAR).toString(), s.toString());
        assertEquals(0.025, s.rate(10), 1e-15);
        Files.delete(xml);
    }

    @Test
    public void cosineDecaysFromTheWarmUpToTheFinalRatio() {
        // B = 6, W = 2: 0.5, 1, then t = 0, 1/4, 2/4, 3/4 over steps 3..6
        CosineSchedule c = new CosineSchedule(1.0, 6, 2, 0.1);
        double[] expected = {0.5, 1.0, 1.0, 0.1 + 0.9 * (1 + Math.cos(Math.PI / 4)) / 2, 0.1 + 0.9 * 0.5,
            0.1 + 0.9 * (1 + Math.cos(3 * Math.PI / 4)) / 2};
        for (int i = 1; i <= 6; i++) {
            assertEquals(expected[i - 1], c.rate(i), 1e-15, "step " + i);
        }
        assertEquals(c.rate(6), c.rate(100), 0.0);
        CosineSchedule plain = new CosineSchedule(0.2, 4, 0, 0);
        assertEquals(0.2, plain.rate(1), 0.0);
        assertEquals(0.2 * (1 + Math.cos(3 * Math.PI / 4)) / 2, plain.rate(4), 1e-15);
        assertTrue(plain.rate(4) > 0);
        PropertyException e = assertThrows(PropertyException.class, () -> new CosineSchedule(0.1, 5, 5, 0));
        assertTrue(e.getMessage().contains("warmupSteps = 5 is out of range; allowed: integer in [0, budget - 1 = 4]"), e.getMessage());
        assertThrows(PropertyException.class, () -> new CosineSchedule(0.1, 5, 0, 1));
    }
}
