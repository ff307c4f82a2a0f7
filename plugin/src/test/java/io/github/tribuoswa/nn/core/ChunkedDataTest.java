package io.github.tribuoswa.nn.core;

import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.ensemble.BatchedEnsembleModel;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.ImageConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.convert.RegressorConverter;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.CNNFactory;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.nn.swa.CycleUnit;
import io.github.tribuoswa.nn.swa.SWAGTrainer;
import io.github.tribuoswa.nn.swa.SWATrainer;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.schedule.CyclicSchedule;
import io.github.tribuoswa.util.Batches;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.SGD;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.Regressor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training data held in chunks of whole rows ({@link FloatRows}) instead of one array: the
 * layout arithmetic for sizes beyond 2<sup>31</sup> values, copies across chunk boundaries, and
 * training (shuffled gathers, BatchNorm refresh, SWAG's per-sample refresh, standardised inputs
 * and regression targets, checkpoint fingerprints) and prediction with chunks of a few rows,
 * bit for bit equal to the one-array layout.
 */
public class ChunkedDataTest {

    @AfterEach
    public void defaultLayout() {
        System.clearProperty(FloatRows.CHUNK_VALUES_PROPERTY);
    }

    /** Runs {@code body} with chunks of at most {@code values} floats. */
    private static <R> R withChunks(long values, Supplier<R> body) {
        System.setProperty(FloatRows.CHUNK_VALUES_PROPERTY, Long.toString(values));
        try {
            return body.get();
        } finally {
            System.clearProperty(FloatRows.CHUNK_VALUES_PROPERTY);
        }
    }

    @Test
    public void theLayoutHoldsMoreThanOneArrayWithoutOverflow() {
        // 3 million Fashion-MNIST-sized rows: 2.35e9 values, more than one Java array can hold
        int rows = 3_000_000;
        int width = 784;
        int perChunk = FloatRows.rowsPerChunk(width, FloatRows.DEFAULT_CHUNK_VALUES);
        assertEquals((1 << 26) / 784, perChunk);
        assertEquals((rows + perChunk - 1) / perChunk, FloatRows.chunkCount(rows, perChunk));
        assertTrue((long) rows * width > Integer.MAX_VALUE);
        // the largest int row count in single-row chunks
        assertEquals(Integer.MAX_VALUE, FloatRows.chunkCount(Integer.MAX_VALUE, 1));
        // a row wider than a chunk gets a chunk of its own
        assertEquals(1, FloatRows.rowsPerChunk(784, 100));
    }

    @Test
    public void rowsAreAddressedAndCopiedAcrossChunkBoundaries() {
        FloatRows r = FloatRows.allocate(11, 3, 10); // 3 rows (9 values) a chunk: chunks of 3, 3, 3, 2 rows
        assertEquals(3, r.rowsPerChunk());
        assertEquals(4, r.chunkCount());
        assertEquals(6, r.chunk(3).length);
        assertEquals(33, r.values());
        for (int i = 0; i < 11; i++) {
            for (int j = 0; j < 3; j++) {
                r.arrayOf(i)[r.offsetOf(i) + j] = 10 * i + j;
            }
        }
        assertEquals(72f, r.get(7, 2));
        assertTrue(r.inOneChunk(3, 3));
        assertTrue(!r.inOneChunk(2, 2));
        FloatBuffer dst = FloatBuffer.allocate(5 * 3);
        r.copyRows(2, 5, dst);
        float[] expected = new float[15];
        for (int k = 0; k < 5; k++) {
            for (int j = 0; j < 3; j++) {
                expected[3 * k + j] = 10 * (2 + k) + j;
            }
        }
        assertArrayEquals(expected, dst.array());
        assertThrows(IndexOutOfBoundsException.class, () -> r.copyRows(9, 3, FloatBuffer.allocate(9)));
    }

    @Test
    public void badLayoutsAreRefusedNamingTheParameter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FloatRows.rowsPerChunk(3, 0));
        assertTrue(e.getMessage().contains("chunkValues = 0 is out of range; allowed: 1 <= chunkValues <= 2147483639"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FloatRows.wrap(new float[7], 3));
        assertTrue(e.getMessage().contains("7 is not a multiple of the row width 3"), e.getMessage());
        for (String bad : new String[]{"0", "-5", "lots", "2147483648"}) {
            e = assertThrows(IllegalArgumentException.class, () -> withChunks(1, () -> {
                System.setProperty(FloatRows.CHUNK_VALUES_PROPERTY, bad);
                return FloatRows.allocate(4, 2);
            }));
            assertTrue(e.getMessage().contains("system property tribuoswa.data.chunkValues = " + bad + " is out of range"), e.getMessage());
        }
    }

    @Test
    public void batchesOfAnIterableAreReadAsTheyAreNeeded() {
        int[] pulled = {0};
        Iterable<Integer> numbers = () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < 10;
            }

            @Override
            public Integer next() {
                pulled[0]++;
                return next++;
            }
        };
        Iterator<List<Integer>> it = Batches.of(numbers, 4).iterator();
        assertEquals(List.of(0, 1, 2, 3), it.next());
        assertEquals(4, pulled[0], "one batch read, not the whole input");
        assertEquals(List.of(4, 5, 6, 7), it.next());
        assertEquals(List.of(8, 9), it.next());
        assertTrue(!it.hasNext());
        assertThrows(IllegalArgumentException.class, () -> Batches.of(numbers, 0));
    }

    /** 8x8 two-class images: a bright square in one half or the other, with noise. */
    static MutableDataset<Label> images(int n, long seed) {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("squares " + seed, factory), factory);
        Random rng = new Random(seed);
        for (int i = 0; i < n; i++) {
            boolean left = rng.nextBoolean();
            ArrayExample<Label> e = new ArrayExample<>(new Label(left ? "left" : "right"));
            for (int p = 0; p < 64; p++) {
                int x = p % 8;
                double v = 0.3 * rng.nextGaussian() + ((x < 4) == left && (p / 8) % 4 != 0 ? 1 : 0);
                e.add(Integer.toString(p), v);
            }
            data.add(e);
        }
        return data;
    }

    private static byte[] weights(Model<?> m) {
        return ((DJLModel<?>) m).weights().getValues().toByteArray();
    }

    private static <T extends org.tribuo.Output<T>> List<String> predictions(Model<T> m, MutableDataset<T> data) {
        List<String> out = new ArrayList<>();
        for (Prediction<T> p : m.predict(data)) {
            out.add(p.getOutput().toString() + p.getOutputScores());
        }
        return out;
    }

    @Test
    public void aBatchNormCnnTrainsBitIdenticallyFromChunks() {
        MutableDataset<Label> data = images(83, 5);
        // 83 examples in batches of 16 (the last batch of 3), shuffled: gathers and BatchNorm refresh batches cross the
        // chunks of 5 rows (320 values + 7), of 1 row, and the one-array layout
        Supplier<Model<Label>> train = () -> {
            SWATrainer<Label> t = SWATrainer.builder(new CNNFactory(new int[]{4}, 3, true, 8, 0.0), new ImageConverter(1, 8, 8),
                            new LabelConverter()).epochs(4).batchSize(16).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 1e-4))
                    .schedule(new ConstantSchedule(0.05)).phaseStart(2).phaseSchedule(new CyclicSchedule(0.05, 0.01, 3))
                    .cycleUnit(CycleUnit.ITERATIONS).seed(7L).device("cpu").intraOpThreads(1).standardise(true).build();
            t.setProgressBar(false);
            return t.train(data);
        };
        Model<Label> one = train.get();
        for (long chunk : new long[]{5 * 64 + 7, 64}) {
            Model<Label> chunked = withChunks(chunk, train);
            assertArrayEquals(weights(one), weights(chunked), "chunks of " + chunk + " values");
            assertEquals(predictions(one, data), predictions(chunked, data));
        }
    }

    @Test
    public void swagRefreshesEverySampleBitIdenticallyFromChunks() {
        MutableDataset<Label> data = SyntheticData.classification(97, 13);
        Supplier<BatchedEnsembleModel<Label>> train = () -> {
            SWAGTrainer<Label> t = SWAGTrainer.builder(new MLPFactory(new int[]{12}, Activation.TANH, 0, true), new DenseConverter(),
                            new LabelConverter()).epochs(5).batchSize(16).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 1e-4))
                    .schedule(new ConstantSchedule(0.05)).phaseStart(2).phaseSchedule(new ConstantSchedule(0.05)).cycleUnit(CycleUnit.EPOCHS)
                    .maxRank(3).samples(3).sampleSeed(4L).seed(3L).device("cpu").intraOpThreads(1).build();
            t.setProgressBar(false);
            return t.train(data);
        };
        BatchedEnsembleModel<Label> one = train.get();
        int width = SyntheticData.classification(1, 1).getFeatureMap().size();
        BatchedEnsembleModel<Label> chunked = withChunks(7L * width, train);
        assertEquals(one.getModels().size(), chunked.getModels().size());
        for (int k = 0; k < one.getModels().size(); k++) {
            assertArrayEquals(weights(one.getModels().get(k)), weights(chunked.getModels().get(k)), "sample " + k);
        }
        assertEquals(predictions(one, data), predictions(chunked, data));
    }

    @Test
    public void standardisedRegressionTargetsTrainBitIdenticallyFromChunks() {
        MutableDataset<Regressor> data = SyntheticData.regression(71, 2);
        Supplier<Model<Regressor>> train = () -> {
            SWATrainer<Regressor> t = SWATrainer.builder(new MLPFactory(new int[]{8}, Activation.RELU, 0, true), new DenseConverter(),
                            new RegressorConverter()).epochs(3).batchSize(8).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0))
                    .schedule(new ConstantSchedule(0.02)).phaseStart(1).phaseSchedule(new ConstantSchedule(0.02)).cycleUnit(CycleUnit.EPOCHS)
                    .seed(9L).device("cpu").intraOpThreads(1).standardise(true).build();
            t.setProgressBar(false);
            return t.train(data);
        };
        Model<Regressor> one = train.get();
        Model<Regressor> chunked = withChunks(5, train); // features of 4 values: 1 row a chunk; targets of 2 values: 2 rows a chunk
        assertArrayEquals(weights(one), weights(chunked));
        assertEquals(predictions(one, data), predictions(chunked, data));
    }

    @Test
    public void aModelPredictsAStreamReadOnceInBatches() {
        MutableDataset<Label> data = SyntheticData.classification(700, 3);
        SWATrainer<Label> t = SWATrainer.builder(new MLPFactory(new int[]{8}, Activation.RELU, 0, true), new DenseConverter(),
                        new LabelConverter()).epochs(2).batchSize(32).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0))
                .schedule(new ConstantSchedule(0.05)).phaseStart(1).phaseSchedule(new ConstantSchedule(0.05)).cycleUnit(CycleUnit.EPOCHS)
                .seed(2L).device("cpu").intraOpThreads(1).build();
        t.setProgressBar(false);
        Model<Label> model = t.train(data);
        List<Example<Label>> list = new ArrayList<>();
        data.forEach(list::add);
        // a stream that can be read once, made example by example: 700 examples span three prediction batches of 256
        int[] made = {0};
        boolean[] opened = {false};
        Iterable<Example<Label>> stream = () -> {
            if (opened[0]) {
                throw new IllegalStateException("read twice");
            }
            opened[0] = true;
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return made[0] < list.size();
                }

                @Override
                public Example<Label> next() {
                    return list.get(made[0]++).copy();
                }
            };
        };
        List<Prediction<Label>> streamed = model.predict(stream);
        assertEquals(700, made[0]);
        List<Prediction<Label>> listed = model.predict(list);
        for (int i = 0; i < list.size(); i++) {
            assertEquals(listed.get(i).getOutput(), streamed.get(i).getOutput(), "example " + i);
            assertEquals(listed.get(i).getOutputScores().toString(), streamed.get(i).getOutputScores().toString(), "example " + i);
        }
    }

    /** The fingerprint as it was computed before chunks: one buffer of the whole data set. */
    private static String oneArrayFingerprint(String configuration, float[] x, float[] y, int n, int fw, int tw) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(8 * 4 + (x.length + y.length) * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(n).putLong(fw).putLong(tw).putLong(configuration.hashCode());
        buf.asFloatBuffer().put(x).put(y);
        byte[] dataHash = MessageDigest.getInstance("SHA-256").digest(buf.array());
        byte[] all = MessageDigest.getInstance("SHA-256").digest((configuration + HexFormat.of().formatHex(dataHash))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(all);
    }

    @Test
    public void checkpointFingerprintsDoNotDependOnTheLayout(@TempDir Path dir) throws Exception {
        MutableDataset<Label> data = images(1100, 1); // 70 400 values: more than one block of the streamed hash
        List<Example<Label>> list = new ArrayList<>();
        data.forEach(list::add);
        Map<String, Object> config = Map.of("epochs", 3, "checkpointDirectory", dir.toString());
        ImageConverter conv = new ImageConverter(1, 8, 8);
        DenseData one = DenseData.of(list, conv, new LabelConverter(), data.getFeatureIDMap(), data.getOutputIDInfo());
        assertEquals(1, one.features().chunkCount());
        String expected = Checkpoints.fingerprint(SWATrainer.class, config, 0, 5L, one);
        // the checkpoints written before chunks still resume: the same bytes hashed
        String config0 = SWATrainer.class.getName() + "{epochs=3}|invocation=0|seed=5";
        assertEquals(oneArrayFingerprint(config0, one.features().chunk(0), one.targets().chunk(0), 1100, 64, 1), expected);
        for (long chunk : new long[]{64, 3 * 64 + 5, (1 << 16) + 17}) {
            DenseData chunked = withChunks(chunk, () -> DenseData.of(list, conv, new LabelConverter(), data.getFeatureIDMap(),
                    data.getOutputIDInfo()));
            assertEquals(expected, Checkpoints.fingerprint(SWATrainer.class, config, 0, 5L, chunked), "chunks of " + chunk);
        }
        DenseData big = withChunks(64, () -> DenseData.of(list, conv, new LabelConverter(), data.getFeatureIDMap(), data.getOutputIDInfo()));
        assertEquals(1100, big.features().chunkCount());
        assertEquals(18, big.targets().chunkCount(), "a target is one value: 64 rows a chunk");
    }

    @Test
    public void aRunCheckpointedWithOneArrayResumesFromChunks(@TempDir Path dir) {
        MutableDataset<Label> data = images(83, 5);
        java.util.function.Function<Path, SWATrainer<Label>> trainer = checkpoints -> {
            SWATrainer.Builder<Label> b = SWATrainer.builder(new CNNFactory(new int[]{4}, 3, true, 8, 0.0), new ImageConverter(1, 8, 8),
                            new LabelConverter()).epochs(3).batchSize(16).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 1e-4))
                    .schedule(new ConstantSchedule(0.05)).phaseStart(1).phaseSchedule(new ConstantSchedule(0.05)).cycleUnit(CycleUnit.EPOCHS)
                    .seed(7L).device("cpu").intraOpThreads(1);
            if (checkpoints != null) {
                b.checkpointDirectory(checkpoints.toString());
            }
            SWATrainer<Label> t = b.build();
            t.setProgressBar(false);
            return t;
        };
        byte[] uninterrupted = weights(trainer.apply(null).train(data));
        SWATrainer<Label> first = trainer.apply(dir);
        first.addObserver(new io.github.tribuoswa.Crash(8));
        assertThrows(IllegalStateException.class, () -> first.train(data));
        byte[] resumed = withChunks(3 * 64 + 1, () -> weights(trainer.apply(dir).train(data)));
        assertArrayEquals(uninterrupted, resumed);
    }
}
