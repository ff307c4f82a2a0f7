package io.github.tribuoswa.it;

import io.github.tribuoswa.storage.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process killed with SIGKILL while it saves a model through {@link ModelFiles#save} leaves the
 * old file or the new one, whole: a child JVM saves two models in turn over one file, and this
 * test kills it at moments timed by watching for the save's temporary file (so the kill lands
 * during a write), then loads the file and compares its predictions with both models'.
 */
public class ModelSaveKillIT {

    private static final int FEATURES = 20_000;

    /** 300 sparse examples over 20,000 features, 3 classes: a linear model of 60,000 weights (a file of a few MB). */
    static MutableDataset<Label> data() {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("sparse", factory), factory);
        Random rng = new Random(17);
        for (int i = 0; i < 300; i++) {
            int c = i % 3;
            String[] names = new String[40];
            double[] values = new double[40];
            java.util.Set<Integer> used = new java.util.TreeSet<>();
            while (used.size() < 40) {
                used.add(rng.nextInt(FEATURES));
            }
            int k = 0;
            for (int f : used) {
                names[k] = String.format("f%05d", f);
                values[k++] = (f % 3 == c ? 1.0 : 0.0) + rng.nextGaussian() * 0.3;
            }
            d.add(new ArrayExample<>(new Label("c" + c), names, values));
        }
        return d;
    }

    /** The same examples with the classes rotated: another model. */
    static MutableDataset<Label> shifted(MutableDataset<Label> data) {
        MutableDataset<Label> d = new MutableDataset<>(data.getProvenance(), data.getOutputFactory());
        for (Example<Label> e : data) {
            int c = Integer.parseInt(e.getOutput().getLabel().substring(1));
            ArrayExample<Label> copy = new ArrayExample<>(new Label("c" + (c + 1) % 3));
            e.forEach(f -> copy.add(f.getName(), f.getValue()));
            d.add(copy);
        }
        return d;
    }

    private static boolean samePredictions(Model<Label> a, Model<Label> b, MutableDataset<Label> data) {
        List<Prediction<Label>> pa = a.predict(data);
        List<Prediction<Label>> pb = b.predict(data);
        for (int i = 0; i < pa.size(); i++) {
            for (String c : List.of("c0", "c1", "c2")) {
                if (pa.get(i).getOutputScores().get(c).getScore() != pb.get(i).getOutputScores().get(c).getScore()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean temporaryExists(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("target.model") && f.getFileName().toString().endsWith(".tmp"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    public void killedWhileSavingLeavesTheOldOrTheNewModelWhole(@TempDir Path tmp) throws Exception {
        MutableDataset<Label> data = data();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        int kills = 0;
        int midWrite = 0;
        for (ModelFiles.Format format : ModelFiles.Format.values()) {
            for (int attempt = 0; attempt < 3; attempt++) {
                Path dir = Files.createDirectories(tmp.resolve(format + "-" + attempt));
                Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), SaveChild.class.getName(),
                        dir.toString(), format.toString())).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
                try {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    while (!Files.exists(dir.resolve("target.model")) && System.nanoTime() < deadline) {
                        assertTrue(child.isAlive(), "child ended: " + Files.readString(dir.resolve("child.log")));
                        Thread.sleep(10);
                    }
                    assertTrue(Files.exists(dir.resolve("target.model")), "the child saved nothing in time");
                    // kill on the (attempt + 1)-th sighting of a save in progress
                    int sightings = 0;
                    boolean seen = false;
                    while (System.nanoTime() < deadline) {
                        if (temporaryExists(dir)) {
                            if (!seen && ++sightings > attempt) {
                                break;
                            }
                            seen = true;
                        } else {
                            seen = false;
                        }
                    }
                    child.destroyForcibly(); // SIGKILL
                    assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                } finally {
                    child.destroyForcibly();
                }
                kills++;
                if (temporaryExists(dir)) {
                    midWrite++; // the kill landed while a temporary file was being written
                }
                Model<Label> a = ModelFiles.load(dir.resolve("A.model"), Model.class);
                Model<Label> b = ModelFiles.load(dir.resolve("B.model"), Model.class);
                assertTrue(!samePredictions(a, b, data), "A and B must differ for this test to mean anything");
                Model<Label> target = ModelFiles.load(dir.resolve("target.model"), Model.class);
                assertTrue(samePredictions(target, a, data) || samePredictions(target, b, data),
                        format + " attempt " + attempt + ": the file after the kill is neither model");
            }
        }
        System.out.println("RELIABILITY model-save-kill kills=" + kills + " mid_write=" + midWrite + " loaded_whole=" + kills);
        assertEquals(6, kills);
        assertTrue(midWrite >= 1, "no kill landed during a write; the test did not test anything");
    }
}
