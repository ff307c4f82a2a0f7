package io.github.tribuoswa.landscape;

import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.landscape.cli.LandscapeCli;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.DJLTrainer;
import io.github.tribuoswa.nn.convert.ImageConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.schedule.ConstantSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The landscape command line end to end on the embedded subset with tiny grids, and the
 * trajectory recorder's files.
 */
public class LandscapeCliTest {

    @Test
    public void planeRaysAndSegmentWriteDataAndPlots(@TempDir Path tmp) throws Exception {
        MutableDataset<Label> train = FashionMnist.load(FashionMnist.resolve(FashionMnist.EMBEDDED), FashionMnist.Split.TRAIN);
        Path models = tmp.resolve("models");
        Files.createDirectories(models);
        for (int i = 0; i < 3; i++) {
            DJLTrainer<Label> t = new DJLTrainer<>(new MLPFactory(new int[]{16}, Activation.RELU, 0, false), new ImageConverter(1, 28, 28),
                    new LabelConverter(), 1, 128, new SGDFactory(), new ConstantSchedule(0.05), 10L + i, "cpu", 2, false);
            if (i == 2) {
                t.addObserver(new TrajectoryRecorder(k -> k % 20 == 0, tmp.resolve("trajectory")));
            }
            try (DJLModel<Label> m = t.train(train)) {
                io.github.tribuoswa.storage.ModelFiles.save(m, models.resolve("m" + i + ".tribuo"));
            }
        }
        TreeMap<Long, float[]> trajectory = TrajectoryRecorder.read(tmp.resolve("trajectory"));
        assertEquals(List.of(0L, 20L, 40L), List.copyOf(trajectory.keySet())); // 47 steps: 0, 20, 40
        Path out = tmp.resolve("out");
        String common = "--data embedded --train-subset 300 --test-subset 200 --batch 100 --out " + out;
        CommandLine cli = new CommandLine(new LandscapeCli());
        assertEquals(0, cli.execute(("plane " + common + " --grid 3 --points " + models.resolve("m0.tribuo") + "," + models.resolve("m1.tribuo")
                + "," + tmp.resolve("trajectory").resolve("step-40.f32") + " --trajectory " + tmp.resolve("trajectory")).split(" ")));
        assertEquals(0, cli.execute(("rays " + common + " --swa " + models.resolve("m0.tribuo") + " --sgd " + models.resolve("m1.tribuo")
                + " --directions 2 --max-distance 5 --steps 3 --filter-normalised").split(" ")));
        assertEquals(0, cli.execute(("segment " + common + " --swa " + models.resolve("m0.tribuo") + " --sgd " + models.resolve("m1.tribuo")
                + " --steps 5").split(" ")));
        assertEquals(10, Files.readAllLines(out.resolve("plane.csv")).size());          // header + 3 x 3
        List<String> points = Files.readAllLines(out.resolve("plane-points.csv"));
        assertEquals(1 + 3 + 3, points.size());                                           // 3 points + 3 trajectory steps
        assertTrue(points.get(3).startsWith("step-40.f32,") && Double.parseDouble(points.get(3).split(",")[3]) < 1e-3,
                "the third point lies in its plane: " + points.get(3));
        assertEquals(1 + 2 * 2 * 3, Files.readAllLines(out.resolve("rays.csv")).size());
        assertEquals(6, Files.readAllLines(out.resolve("segment.csv")).size());
        for (String f : new String[]{"plane-test-error.png", "plane-test-error.svg", "plane-train-loss.png", "rays.png", "rays.svg", "segment.png", "segment.svg"}) {
            assertTrue(Files.size(out.resolve(f)) > 1000, f);
        }
        // a wrong number of points is a usage error, not a crash
        assertEquals(2, cli.execute(("plane " + common + " --points " + models.resolve("m0.tribuo")).split(" ")));
    }

    @Test
    public void trajectoryInMemoryMatchesWhatTheNetworkHeld(@TempDir Path tmp) {
        MutableDataset<Label> data = SyntheticData.classification(60, 3);
        TrajectoryRecorder mem = new TrajectoryRecorder(k -> true, null);
        TrajectoryRecorder disk = new TrajectoryRecorder(k -> true, tmp);
        DJLTrainer<Label> t = new DJLTrainer<>(new MLPFactory(new int[]{4}, Activation.RELU, 0, false), new io.github.tribuoswa.nn.convert.DenseConverter(),
                new LabelConverter(), 1, 20, new SGDFactory(), new ConstantSchedule(0.05), 1L, "cpu", 1, false);
        t.addObserver(mem);
        t.addObserver(disk);
        t.train(data);
        assertEquals(List.of(0L, 1L, 2L, 3L), List.copyOf(mem.recorded().keySet()));
        try {
            TreeMap<Long, float[]> read = TrajectoryRecorder.read(tmp);
            for (long k = 0; k <= 3; k++) {
                assertArrayEquals(mem.recorded().get(k), read.get(k));
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
