package io.github.tribuoswa.landscape;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.DJLTrainer;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.FloatRows;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.WeightsCodec;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.schedule.ConstantSchedule;
import org.junit.jupiter.api.Test;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The geometry of the SWA paper's figures: plane basis, projections, rays, segment, and the
 * evaluation of a network at a point.
 */
public class LandscapeTest {

    private static float[] random(int n, Random rng, double scale) {
        float[] w = new float[n];
        for (int j = 0; j < n; j++) {
            w[j] = (float) (rng.nextGaussian() * scale);
        }
        return w;
    }

    @Test
    public void planeBasisIsOrthonormalAndReproducesItsPoints() {
        Random rng = new Random(3);
        int n = 1000;
        float[] w1 = random(n, rng, 1);
        float[] w2 = random(n, rng, 1);
        float[] w3 = random(n, rng, 1);
        Plane plane = new Plane(w1, w2, w3);
        double[] u = plane.uHat();
        double[] v = plane.vHat();
        assertTrue(Math.abs(Plane.dot(u, v)) < 1e-6, "<u,v> = " + Plane.dot(u, v));
        assertEquals(1.0, Plane.dot(u, u), 1e-12);
        assertEquals(1.0, Plane.dot(v, v), 1e-12);
        for (float[] w : List.of(w1, w2, w3)) {
            Plane.Projection p = plane.project(w);
            assertEquals(0.0, p.distance(), 1e-4, "the three points lie in their plane");
            float[] back = plane.point(p.x(), p.y());
            for (int j = 0; j < n; j++) {
                assertEquals(w[j], back[j], 1e-5);
            }
        }
        Plane.Projection p1 = plane.project(w1);
        assertEquals(0.0, p1.x(), 1e-9);
        assertEquals(0.0, p1.y(), 1e-9);
        assertEquals(0.0, plane.project(w2).y(), 1e-4); // w2 lies on the u axis
        assertTrue(plane.project(w2).x() > 0);
    }

    @Test
    public void inPlanePointsProjectWithDistanceZeroAndOthersDoNot() {
        Random rng = new Random(4);
        int n = 300;
        Plane plane = new Plane(random(n, rng, 1), random(n, rng, 1), random(n, rng, 1));
        float[] p = plane.point(0.3, -1.2);
        Plane.Projection pr = plane.project(p);
        assertEquals(0.3, pr.x(), 1e-5);
        assertEquals(-1.2, pr.y(), 1e-5);
        assertEquals(0.0, pr.distance(), 1e-4);
        // a point off the plane by a known amount along a direction orthogonal to it
        double[] off = new double[n];
        for (int j = 0; j < n; j++) {
            off[j] = rng.nextGaussian();
        }
        double[] u = plane.uHat();
        double[] v = plane.vHat();
        double cu = Plane.dot(off, u);
        double cv = Plane.dot(off, v);
        for (int j = 0; j < n; j++) {
            off[j] -= cu * u[j] + cv * v[j];
        }
        double norm = Math.sqrt(Plane.dot(off, off));
        float[] q = Directions.along(p, off, 2.5 / norm);
        Plane.Projection pq = plane.project(q);
        assertEquals(2.5, pq.distance(), 1e-4);
        assertEquals(0.3, pq.x(), 1e-4);
        assertThrows(IllegalArgumentException.class, () -> new Plane(new float[]{1, 2}, new float[]{1, 2}, new float[]{3, 4}));
        assertThrows(IllegalArgumentException.class, () -> new Plane(new float[]{0, 0}, new float[]{1, 1}, new float[]{2, 2}));
    }

    @Test
    public void segmentEndpointsAreTheTwoModels() {
        float[] sgd = {1, 2, 3};
        float[] swa = {-1, 0, 5};
        assertArrayEquals(sgd, Directions.segment(sgd, swa, 1.0));
        assertArrayEquals(swa, Directions.segment(sgd, swa, 0.0));
        assertArrayEquals(new float[]{0, 1, 4}, Directions.segment(sgd, swa, 0.5));
        assertArrayEquals(new float[]{3, 4, 1}, Directions.segment(sgd, swa, 2.0));   // beyond w_SGD
        assertArrayEquals(new float[]{-3, -2, 7}, Directions.segment(sgd, swa, -1.0)); // beyond w_SWA
    }

    @Test
    public void randomDirectionsAreSeededUnitVectorsAndFilterNormalisationMatchesFilters() {
        double[][] a = Directions.randomUnit(50, 10, 7L);
        double[][] b = Directions.randomUnit(50, 10, 7L);
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(a[i], b[i], 0.0);
            assertEquals(1.0, Math.sqrt(Plane.dot(a[i], a[i])), 1e-12);
        }
        // a 3x4 weight matrix (3 filters of 4) and a bias of 3
        float[] w = {1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 4, 9, 9, 9};
        double[] d = Directions.filterNormalised(Directions.randomUnit(15, 1, 9L)[0], w, List.of(new long[]{3, 4}, new long[]{3}));
        double[] wantNorms = {1, 2, 5};
        for (int f = 0; f < 3; f++) {
            double s = 0;
            for (int j = f * 4; j < f * 4 + 4; j++) {
                s += d[j] * d[j];
            }
            assertEquals(wantNorms[f], Math.sqrt(s), 1e-12);
        }
        for (int j = 12; j < 15; j++) {
            assertEquals(0.0, d[j], 0.0, "biases are not perturbed");
        }
    }

    @Test
    public void weightsOfAModelThatMeansOtherWeightsAreRefused() {
        MutableDataset<Label> train = SyntheticData.classification(120, 21);
        MutableDataset<Label> test = SyntheticData.classification(90, 22);
        DJLModel<Label> model = new DJLTrainer<>(new MLPFactory(new int[]{10}, Activation.TANH, 0, false), new DenseConverter(),
                new LabelConverter(), 2, 16, new SGDFactory(), new ConstantSchedule(0.05), 1L, "cpu", 1, true).train(train);
        DJLModel<Label> otherSeed = new DJLTrainer<>(new MLPFactory(new int[]{10}, Activation.TANH, 0, false), new DenseConverter(),
                new LabelConverter(), 2, 16, new SGDFactory(), new ConstantSchedule(0.05), 2L, "cpu", 1, true).train(train);
        DJLModel<Label> otherData = new DJLTrainer<>(new MLPFactory(new int[]{10}, Activation.TANH, 0, false), new DenseConverter(),
                new LabelConverter(), 2, 16, new SGDFactory(), new ConstantSchedule(0.05), 1L, "cpu", 1, true).train(test);
        DJLModel<Label> wider = new DJLTrainer<>(new MLPFactory(new int[]{11}, Activation.TANH, 0, false), new DenseConverter(),
                new LabelConverter(), 2, 16, new SGDFactory(), new ConstantSchedule(0.05), 1L, "cpu", 1, true).train(train);
        try (LandscapeEvaluator evaluator = new LandscapeEvaluator(model, train, test, 0, 0, 1L, 64)) {
            assertEquals(evaluator.dimension(), evaluator.weightsOf(otherSeed).length, "another run on the same data: accepted");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> evaluator.weightsOf(otherData));
            assertTrue(e.getMessage().contains("standardises its inputs unlike the evaluator's model"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> evaluator.weightsOf(wider));
            assertTrue(e.getMessage().contains("(network MLPFactory(hiddenSizes=[11]"), e.getMessage());
        }
    }

    @Test
    public void gridPointEvaluationEqualsTheNetworksOwnEvaluation() throws Exception {
        MutableDataset<Label> train = SyntheticData.classification(120, 21);
        MutableDataset<Label> test = SyntheticData.classification(90, 22);
        DJLModel<Label> model = new DJLTrainer<>(new MLPFactory(new int[]{10}, Activation.TANH, 0, false), new DenseConverter(),
                new LabelConverter(), 3, 16, new SGDFactory(), new ConstantSchedule(0.05), 1L, "cpu", 1, true).train(train);
        try (LandscapeEvaluator evaluator = new LandscapeEvaluator(model, train, test, 0, 0, 1L, 64)) {
            float[] w = evaluator.weightsOf(model);
            Random rng = new Random(8);
            Plane plane = new Plane(w, Directions.along(w, Directions.randomUnit(w.length, 1, 1L)[0], 1.0),
                    Directions.along(w, Directions.randomUnit(w.length, 1, 2L)[0], 1.0));
            float[] point = plane.point(0.4, -0.7);
            LandscapeEvaluator.Evaluation e = evaluator.evaluate(point);
            // the same weights as a Tribuo model, evaluated through its predictions
            DJLModel<Label> atPoint;
            try (NDManager m = Engines.pytorch().newBaseManager()) {
                Block b = model.newNetwork(m);
                NetworkWeights.write(b, NetworkWeights.Selection.ALL, point);
                atPoint = model.withWeights("point", WeightsCodec.encode(b));
            }
            List<Prediction<Label>> predictions = atPoint.predict(test);
            double nll = 0;
            int wrong = 0;
            for (Prediction<Label> p : predictions) {
                nll -= Math.log(p.getOutputScores().get(p.getExample().getOutput().getLabel()).getScore());
                wrong += p.getOutput().getLabel().equals(p.getExample().getOutput().getLabel()) ? 0 : 1;
            }
            assertEquals(nll / predictions.size(), e.testLoss(), 1e-5);
            assertEquals((double) wrong / predictions.size(), e.testError(), 0.0);
            assertTrue(e.trainLoss() > 0 && e.trainError() >= 0 && e.trainError() <= 1);
            rng.nextInt();
        }
    }

    @Test
    public void evaluationFromChunkedDataEqualsTheOneArrayEvaluationBitForBit() throws Exception {
        // BatchNorm refreshed at every point from the training rows, losses over the test rows: chunks of 7 rows
        // (5 values each) cross every batch of 16
        MutableDataset<Label> train = SyntheticData.classification(100, 31);
        MutableDataset<Label> test = SyntheticData.classification(45, 32);
        DJLModel<Label> model = new DJLTrainer<>(new MLPFactory(new int[]{10}, Activation.TANH, 0, true), new DenseConverter(),
                new LabelConverter(), 3, 16, new SGDFactory(), new ConstantSchedule(0.05), 1L, "cpu", 1, true).train(train);
        LandscapeEvaluator.Evaluation[] one = new LandscapeEvaluator.Evaluation[2];
        float[] w;
        float[] other;
        try (LandscapeEvaluator evaluator = new LandscapeEvaluator(model, train, test, 0, 0, 1L, 16)) {
            w = evaluator.weightsOf(model);
            other = Directions.along(w, Directions.randomUnit(w.length, 1, 3L)[0], 0.5);
            one[0] = evaluator.evaluate(w);
            one[1] = evaluator.evaluate(other);
        }
        System.setProperty(FloatRows.CHUNK_VALUES_PROPERTY, Integer.toString(7 * 5));
        LandscapeEvaluator chunked;
        try {
            chunked = new LandscapeEvaluator(model, train, test, 0, 0, 1L, 16);
        } finally {
            System.clearProperty(FloatRows.CHUNK_VALUES_PROPERTY);
        }
        try (LandscapeEvaluator evaluator = chunked) {
            assertEquals(one[0], evaluator.evaluate(w));
            assertEquals(one[1], evaluator.evaluate(other));
        }
    }
}
