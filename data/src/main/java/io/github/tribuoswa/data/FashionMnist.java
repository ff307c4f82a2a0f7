package io.github.tribuoswa.data;

import io.github.tribuoswa.util.AtomicFiles;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.datasource.IDXDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Fashion-MNIST (Xiao et al. 2017) as Tribuo {@link Dataset}s: 28&times;28 grey images of 10
 * kinds of clothing, labels "0" to "9".
 * <p>
 * Three sources, in the order {@link #resolve(String)} tries them: a directory the user names;
 * the full data set (60,000 train / 10,000 test) that Debian's {@code dataset-fashion-mnist}
 * package puts in {@value #SYSTEM_DIRECTORY_NAME}; and the embedded subset shipped in this jar
 * (the first 600 training and 100 test images of each class: 6,000 / 1,000, see its
 * LICENSE.md), which needs no install.
 * <p>
 * Files are read with Tribuo's {@link IDXDataSource}, which keeps only non-zero pixels and
 * names pixel p (row-major, p = row·28 + column) {@code "000"} to {@code "783"}; the features
 * are scaled to [0, 1] by dividing by 255. Always map pixels by these names, never by feature
 * id: a dataset's feature map numbers features by sorted name and drops never-seen ones.
 */
public final class FashionMnist {

    /**
     * Where Debian's {@code dataset-fashion-mnist} package installs the full data set.
     */
    public static final String SYSTEM_DIRECTORY_NAME = "/usr/share/datasets/fashion-mnist";

    /**
     * The word that selects the embedded subset in {@link #resolve(String)}.
     */
    public static final String EMBEDDED = "embedded";

    /**
     * The word that selects the full data set of Debian's package in {@link #resolve(String)}.
     */
    public static final String FULL = "full";

    /**
     * Image height and width in pixels.
     */
    public static final int SIDE = 28;

    /**
     * Pixels per image.
     */
    public static final int PIXELS = SIDE * SIDE;

    private static final String RESOURCE_DIR = "/io/github/tribuoswa/data/fashion-mnist-subset/";

    /**
     * SHA-256 of the embedded files, checked when they are unpacked.
     */
    private static final Map<String, String> EMBEDDED_SHA256 = Map.of(
            "train-images-idx3-ubyte.gz", "74df153e1d736137c085533200d77928ad1330a766dbfab0bc33ffdf137c8b83",
            "train-labels-idx1-ubyte.gz", "2f79ac363aa5db62f0fa8e5c6d76afd2f96e347af63b899a85be6c3f255bc024",
            "t10k-images-idx3-ubyte.gz", "04516f9d284037ea6cce7310aafaed77e8f8c1547f1127ef4aa754c46f47f8f5",
            "t10k-labels-idx1-ubyte.gz", "540f63e62544edb8406d1292429a47e6cdb42e4fa2eaa233f072b34e1f6bc46c");

    /**
     * The two splits and their IDX file prefixes.
     */
    public enum Split {
        /**
         * The training images.
         */
        TRAIN("train"),
        /**
         * The test images.
         */
        TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }

        /**
         * The images file of this split in a directory.
         * @param dir The directory.
         * @return The path.
         */
        public Path images(Path dir) {
            return dir.resolve(prefix + "-images-idx3-ubyte.gz");
        }

        /**
         * The labels file of this split in a directory.
         * @param dir The directory.
         * @return The path.
         */
        public Path labels(Path dir) {
            return dir.resolve(prefix + "-labels-idx1-ubyte.gz");
        }
    }

    private static Path embeddedDirectory;

    private FashionMnist() {}

    /**
     * Whether the full data set of Debian's package is installed.
     * @return True if {@value #SYSTEM_DIRECTORY_NAME} holds the four files.
     */
    public static boolean systemDataAvailable() {
        return holdsAllFiles(Path.of(SYSTEM_DIRECTORY_NAME));
    }

    /**
     * Chooses the data directory.
     * @param location {@code null} or empty: the full data set if installed, else the embedded
     *                 subset; {@value #EMBEDDED}: the embedded subset; {@value #FULL}: the full
     *                 data set of Debian's package; otherwise a directory holding the four
     *                 gzipped IDX files.
     * @return The directory.
     * @throws IllegalArgumentException if a named directory lacks the files.
     */
    public static Path resolve(String location) {
        if (location == null || location.isBlank()) {
            return systemDataAvailable() ? Path.of(SYSTEM_DIRECTORY_NAME) : embeddedDirectory();
        } else if (location.equals(EMBEDDED)) {
            return embeddedDirectory();
        } else if (location.equals(FULL)) {
            if (!systemDataAvailable()) {
                throw new IllegalArgumentException("data = full, but " + SYSTEM_DIRECTORY_NAME
                        + " does not hold Fashion-MNIST; install it with `apt-get install dataset-fashion-mnist`");
            }
            return Path.of(SYSTEM_DIRECTORY_NAME);
        }
        Path dir = Path.of(location);
        if (!holdsAllFiles(dir)) {
            throw new IllegalArgumentException("data = " + location + " is not a directory holding "
                    + Split.TRAIN.images(dir).getFileName() + ", " + Split.TRAIN.labels(dir).getFileName() + ", "
                    + Split.TEST.images(dir).getFileName() + " and " + Split.TEST.labels(dir).getFileName()
                    + "; allowed: such a directory, '" + EMBEDDED + "', '" + FULL + "', or nothing (full data if installed, else embedded)");
        }
        return dir;
    }

    /**
     * Whether a directory is the embedded subset.
     * @param dir The directory.
     * @return True if it is the unpacked embedded subset.
     */
    public static boolean isEmbedded(Path dir) {
        return embeddedDirectory != null && embeddedDirectory.equals(dir);
    }

    private static boolean holdsAllFiles(Path dir) {
        for (Split s : Split.values()) {
            if (!Files.isRegularFile(s.images(dir)) || !Files.isRegularFile(s.labels(dir))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The embedded subset, unpacked once per JVM into a fresh temporary directory (checked
     * against its SHA-256 sums) so that Tribuo's {@link IDXDataSource} can read it.
     * @return The directory.
     */
    public static synchronized Path embeddedDirectory() {
        if (embeddedDirectory == null) {
            try {
                Path dir = Files.createTempDirectory("tribuo-swa-fashion-mnist-");
                for (Map.Entry<String, String> e : EMBEDDED_SHA256.entrySet()) {
                    Path target = dir.resolve(e.getKey());
                    try (InputStream in = FashionMnist.class.getResourceAsStream(RESOURCE_DIR + e.getKey())) {
                        if (in == null) {
                            throw new IllegalStateException("The embedded resource " + RESOURCE_DIR + e.getKey() + " is missing from the jar");
                        }
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                    String sha = sha256(target);
                    if (!sha.equals(e.getValue())) {
                        throw new IllegalStateException("The embedded file " + e.getKey() + " is corrupt: SHA-256 " + sha + ", expected "
                                + e.getValue());
                    }
                    target.toFile().deleteOnExit();
                }
                dir.toFile().deleteOnExit();
                embeddedDirectory = dir;
            } catch (IOException e) {
                throw new UncheckedIOException("Could not unpack the embedded Fashion-MNIST subset", e);
            }
        }
        return embeddedDirectory;
    }

    /**
     * Loads one split with pixels scaled to [0, 1].
     * @param dir A directory from {@link #resolve(String)}.
     * @param split TRAIN or TEST.
     * @return The dataset.
     * @throws IOException if the files cannot be read.
     */
    public static MutableDataset<Label> load(Path dir, Split split) throws IOException {
        LabelFactory factory = new LabelFactory();
        IDXDataSource<Label> source = new IDXDataSource<>(split.images(dir), split.labels(dir), factory);
        String description = "Fashion-MNIST " + split.name().toLowerCase() + " split"
                + (isEmbedded(dir) ? " (embedded subset)" : " from " + dir)
                + ", images SHA-256 " + sha256(split.images(dir)) + ", pixels / 255";
        MutableDataset<Label> dataset = new MutableDataset<>(new SimpleDataSourceProvenance(description, factory), factory);
        for (Example<Label> example : source) {
            String[] names = new String[example.size()];
            double[] values = new double[example.size()];
            int i = 0;
            for (Feature f : example) {
                names[i] = f.getName();
                values[i] = f.getValue() / 255.0;
                i++;
            }
            // the array constructor sorts once; ArrayExample.add would sort after every feature
            dataset.add(new ArrayExample<>(example.getOutput(), names, values));
        }
        return dataset;
    }

    /**
     * Writes a dataset in LibSVM format with feature index = pixel index + 1, so that train
     * and test files agree whatever pixels each has seen; Tribuo's
     * {@code ConfigurableTrainTest} reads it with {@code --input-format LIBSVM}.
     * <p>
     * The file is written to a temporary file and then renamed, so a failure never leaves a
     * partial file under the final name.
     * @param dataset A dataset from {@link #load(Path, Split)}.
     * @param out The file to write.
     * @throws IOException if writing fails.
     */
    public static void writeLibSVM(Dataset<Label> dataset, Path out) throws IOException {
        AtomicFiles.write(out, tmp -> {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (Example<Label> example : dataset) {
                    StringBuilder line = new StringBuilder(example.getOutput().getLabel());
                    // IDX feature names are zero-padded pixel indices, so name order is pixel order.
                    List<Feature> features = new java.util.ArrayList<>();
                    example.forEach(features::add);
                    features.sort(java.util.Comparator.comparingInt(f -> pixelIndex(f.getName())));
                    for (Feature f : features) {
                        line.append(' ').append(pixelIndex(f.getName()) + 1).append(':').append((float) f.getValue());
                    }
                    w.write(line.toString());
                    w.newLine();
                }
            }
        });
    }

    /**
     * The pixel index a feature name stands for.
     * @param featureName A name such as {@code "042"}.
     * @return The pixel index, row-major.
     */
    public static int pixelIndex(String featureName) {
        int p = Integer.parseInt(featureName);
        if (p < 0 || p >= PIXELS) {
            throw new IllegalArgumentException("feature " + featureName + " is not a pixel of a " + SIDE + "x" + SIDE + " image");
        }
        return p;
    }

    /**
     * The SHA-256 of a file, in lower-case hex (as the provenance and the checks of this class give it).
     * @param file The file.
     * @return The digest.
     * @throws IOException if the file cannot be read.
     */
    public static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes the LibSVM files {@code train.libsvm} and {@code test.libsvm} for Tribuo's
     * {@code ConfigurableTrainTest}.
     * <p>
     * Usage: {@code FashionMnist OUTPUT_DIR [DATA]} where DATA is as in {@link #resolve(String)}.
     * @param args The output directory, then optionally the data location.
     * @throws IOException if reading or writing fails.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: FashionMnist OUTPUT_DIR [embedded|DATA_DIR]");
            System.exit(2);
        }
        Path dir = resolve(args.length == 2 ? args[1] : null);
        Path out = Path.of(args[0]);
        for (Split s : Split.values()) {
            MutableDataset<Label> data = load(dir, s);
            Path file = out.resolve(s == Split.TRAIN ? "train.libsvm" : "test.libsvm");
            writeLibSVM(data, file);
            System.out.println("wrote " + data.size() + " examples to " + file);
        }
    }
}
