package io.github.tribuoswa.storage;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.calibration.TemperatureScaledModel;
import io.github.tribuoswa.ensemble.BatchedEnsembleModel;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.DJLTrainer;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.protos.DJLModelProto;
import io.github.tribuoswa.schedule.CyclicSchedule;
import io.github.tribuoswa.util.ComponentCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.math.optimisers.SGD;
import org.tribuo.protos.core.ModelProto;

import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ModelFiles: round trips in both formats, files Tribuo and Java still read, and files that
 * must be refused (corrupt, truncated, foreign classes) refused before anything is built.
 */
public class ModelFilesTest {

    private static final MutableDataset<Label> DATA = SyntheticData.classification(120, 9);

    /** Set by the static initialisers, constructors and readObject of the classes below: none may run. */
    static volatile boolean ran;

    private static DJLModel<Label> network() {
        return new DJLTrainer<>(new MLPFactory(new int[]{8}, Activation.RELU, 0.1, true), new DenseConverter(), new LabelConverter(),
                2, 32, new SGDFactory(SGD.Momentum.NESTEROV, 0.9, 1e-4), new CyclicSchedule(0.05, 0.01, 5), 3L, "cpu", 1, false).train(DATA);
    }

    private static void assertSamePredictions(Model<Label> a, Model<?> b) {
        @SuppressWarnings("unchecked")
        List<Prediction<Label>> pb = ((Model<Label>) b).predict(DATA);
        List<Prediction<Label>> pa = a.predict(DATA);
        for (int i = 0; i < pa.size(); i++) {
            for (String c : pa.get(i).getOutputScores().keySet()) {
                assertEquals(pa.get(i).getOutputScores().get(c).getScore(), pb.get(i).getOutputScores().get(c).getScore(), 0.0, "example " + i);
            }
        }
    }

    @Test
    public void roundTripsInBothFormatsAndStaysReadableByTribuoAndJava(@TempDir Path dir) throws Exception {
        LogisticRegressionTrainer lr = new LogisticRegressionTrainer();
        Model<Label> linear = lr.train(DATA);
        DJLModel<Label> network = network();
        Model<Label> ensemble = BatchedEnsembleModel.of("ensemble", DATA, lr.getProvenance(), List.of(network, network()),
                new FullyWeightedVotingCombiner());
        for (Model<Label> model : List.of(network, linear, new TemperatureScaledModel("scaled", network, 1.5), ensemble)) {
            for (ModelFiles.Format format : ModelFiles.Format.values()) {
                Path file = dir.resolve("model-" + format);
                ModelFiles.save(model, file, format);
                assertEquals(format, ModelFiles.format(file));
                Model<?> back = ModelFiles.load(file, Model.class);
                assertEquals(model.getProvenance(), back.getProvenance());
                assertSamePredictions(model, back);
                Model<?> plain;
                if (format == ModelFiles.Format.PROTOBUF) {
                    plain = Model.deserializeFromFile(file); // the checksum is an unknown field to Tribuo
                } else {
                    try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(file))) {
                        plain = (Model<?>) in.readObject(); // the checksum follows the object
                    }
                }
                assertSamePredictions(model, plain);
                try (var files = Files.list(dir)) {
                    assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
                }
            }
        }
        Path file = dir.resolve("model-PROTOBUF");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.load(file, DJLModel.class));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not a " + DJLModel.class.getName()), e.getMessage());
    }

    @Test
    public void aFileWithoutChecksumIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tribuo.model");
        network().serializeToFile(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.load(file, Model.class));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("no checksum"), e.getMessage());
    }

    /**
     * Seeded single-bit flips anywhere in the file and truncations at any length: every one is
     * refused, none loads as a (silently different) model.
     */
    @Test
    public void bitFlipsAndTruncationsAreAllRefused(@TempDir Path dir) throws Exception {
        DJLModel<Label> model = network();
        Random rng = new Random(20261201);
        int tried = 0;
        for (ModelFiles.Format format : ModelFiles.Format.values()) {
            Path good = dir.resolve("good-" + format);
            ModelFiles.save(model, good, format);
            byte[] bytes = Files.readAllBytes(good);
            Path bad = dir.resolve("bad");
            for (int k = 0; k < 150; k++) {
                byte[] flipped = bytes.clone();
                int bit = rng.nextInt(bytes.length * 8);
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                Files.write(bad, flipped);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.load(bad, Model.class),
                        format + " bit " + bit);
                assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
                Files.write(bad, Arrays.copyOf(bytes, rng.nextInt(bytes.length)));
                assertThrows(IllegalArgumentException.class, () -> ModelFiles.load(bad, Model.class), format + " truncated");
                tried += 2;
            }
        }
        assertEquals(600, tried);
        System.out.println("RELIABILITY model-file-corruption cases=" + tried + " refused=" + tried + " (300 single-bit flips and 300 "
                + "truncations of a DJLModel file, protobuf and Java, seed 20261201)");
    }

    /** A class whose initialiser must not run when a file names it. */
    public static final class Foreign {
        static {
            ran = true;
        }

        private Foreign() {}
    }

    @Test
    public void aModelFileNamingAForeignClassIsRefusedBeforeItIsInitialised(@TempDir Path dir) throws Exception {
        ModelProto proto = network().serialize().toBuilder().setClassName(Foreign.class.getName()).build();
        Path file = dir.resolve("foreign.model");
        Files.write(file, withChecksum(proto.toByteArray()));
        ran = false;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.load(file, Model.class));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("ModelProto.class_name")
                && e.getMessage().contains(Foreign.class.getName()) && e.getMessage().contains("not a org.tribuo.Model"), e.getMessage());
        assertFalse(ran, "the foreign class was initialised");
    }

    /** An OLCUT-configurable class that is no network factory: building it would run postConfig. */
    public static final class Gadget implements Configurable, Provenancable<ConfiguredObjectProvenance> {
        @Config(description = "anything")
        private int value = 1;

        /** For OLCUT. */
        public Gadget() {}

        @Override
        public void postConfig() {
            ran = true;
        }

        @Override
        public ConfiguredObjectProvenance getProvenance() {
            return new ConfiguredObjectProvenanceImpl(this, "gadget");
        }
    }

    @Test
    public void aStoredComponentOfTheWrongTypeIsRefusedBeforeItIsBuilt(@TempDir Path dir) throws Exception {
        ModelProto proto = network().serialize();
        DJLModelProto inner = proto.getSerializedData().unpack(DJLModelProto.class);
        byte[] gadget = ComponentCodec.encode(new Gadget());
        ran = false;
        ModelProto evil = proto.toBuilder().setSerializedData(Any.pack(inner.toBuilder().setNetwork(ByteString.copyFrom(gadget)).build())).build();
        Path file = dir.resolve("gadget.model");
        Files.write(file, withChecksum(evil.toByteArray()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.load(file, Model.class));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("network")
                && e.getMessage().contains(Gadget.class.getName()), e.getMessage());
        assertFalse(ran, "the gadget was built");
        // Tribuo's own loading path reaches DJLModel.deserializeFromProto, which checks the same before building
        ran = false;
        Exception direct = assertThrows(Exception.class, () -> Model.deserialize(evil));
        assertFalse(ran, "the gadget was built through Model.deserialize");
        Throwable t = direct;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        assertTrue(t.getMessage().contains("DJLModelProto.network") && t.getMessage().contains("not a io.github.tribuoswa.nn.network.NetworkFactory"),
                t.getMessage());
        // and a stored component naming a class that does not exist
        byte[] missing = new String(gadget, java.nio.charset.StandardCharsets.ISO_8859_1).replace(Gadget.class.getName(),
                Gadget.class.getName().replace("Gadget", "Gadgex")).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        ModelProto unknown = proto.toBuilder().setSerializedData(Any.pack(inner.toBuilder().setNetwork(ByteString.copyFrom(missing)).build()))
                .build();
        Files.write(file, withChecksum(unknown.toByteArray()));
        e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.load(file, Model.class));
        assertTrue(e.getMessage().contains("not on the class path"), e.getMessage());
    }

    /** A serializable class outside the allow-list whose readObject must not run. */
    public static final class Payload implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        @Serial
        private void readObject(ObjectInputStream in) {
            ran = true;
        }
    }

    @Test
    public void aJavaStreamHoldingAnUnexpectedClassIsRefusedBeforeItsReadObjectRuns(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new Payload());
        }
        Path file = dir.resolve("payload.ser");
        Files.write(file, withChecksum(bytes.toByteArray()));
        ran = false;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.load(file, Model.class));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("allow-list"), e.getMessage());
        assertFalse(ran, "readObject of a class outside the allow-list ran");
    }

    @Test
    public void everyEnumOfThePluginIsOnTheJavaAllowList() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.github.tribuoswa");
        List<String> enums = classes.stream().filter(JavaClass::isEnum).map(JavaClass::getName).toList();
        assertTrue(enums.size() >= 10, "found " + enums);
        List<String> allowed = Arrays.asList(ModelFiles.JAVA_FILTER.split(";"));
        for (String e : enums) {
            assertTrue(allowed.contains(e), e + " is an enum provenance may hold, but not on ModelFiles.JAVA_FILTER");
        }
    }

    @Test
    public void theDocumentedSerialFilterLineIsTheFilter() throws Exception {
        Path doc = Path.of("..", "docs", "networks.md");
        String text = Files.readString(doc);
        assertTrue(text.contains("-Djdk.serialFilter='" + ModelFiles.JAVA_FILTER + "'"), "docs/networks.md must show ModelFiles.JAVA_FILTER");
    }

    /** What ModelFiles.save appends, for files made by hand here. */
    private static byte[] withChecksum(byte[] body) throws Exception {
        byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(body);
        byte[] all = Arrays.copyOf(body, body.length + 35);
        all[body.length] = (byte) 0xC2;
        all[body.length + 1] = 0x3E;
        all[body.length + 2] = 32;
        System.arraycopy(sha, 0, all, body.length + 3, 32);
        return all;
    }
}
