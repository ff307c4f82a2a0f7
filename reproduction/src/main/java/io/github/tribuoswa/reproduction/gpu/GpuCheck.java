package io.github.tribuoswa.reproduction.gpu;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.examples.Metrics;
import io.github.tribuoswa.examples.Options;
import io.github.tribuoswa.examples.Recipes;
import io.github.tribuoswa.examples.TrainNetwork;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.NetworkTrainer;
import io.github.tribuoswa.nn.core.CollectionEvent;
import io.github.tribuoswa.nn.core.CollectionListener;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.SwagPosterior;
import io.github.tribuoswa.protos.CheckpointProto;
import io.github.tribuoswa.reproduction.bench.TrainingThroughput;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.ensemble.EnsembleModel;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The GPU check: on a machine with a CUDA GPU, trains SGD, SWA, FGE, SWAG (10 samples), EMA,
 * LAWA and schedule-free SGD ({@code --methods}; each keeps its averages, snapshots, moments or
 * copies on the network's device) for a pre-activation ResNet on Fashion-MNIST on the CPU and
 * on the GPU with the same seed and checks that they agree (test accuracy within 0.5 points,
 * the same number of averages, snapshots or copies, and of networks in the model); kills an
 * SWA run on the GPU with SIGKILL once it has written a checkpoint in the SWA phase, resumes it
 * and checks it ends within 0.5 points of the undisturbed GPU run (and says whether the weights
 * are bit-identical: GPU kernels need not be deterministic); then measures training samples/s
 * on the GPU ({@link TrainingThroughput} with {@code --device gpu}; the PyTorch side is
 * {@code python/bench_pytorch.py --device cuda}, run by the launcher script).
 * <p>
 * On a machine where PyTorch sees no GPU it says why and exits 0 (no GPU at all) or 2 (a GPU is
 * there but the libtorch loaded is a CPU build: what to install is printed). Exit 1: a check failed.
 * {@code --device cpu} is a dry run of the whole check with both sides on the CPU.
 * <pre>
 * usage: GpuCheck [--train embedded|full|DIR] [--test embedded|full|DIR] [--network preresnet8] [--epochs 6]
 *                 [--threads 2] [--device gpu] [--throughput-runs 3] [--methods sgd,swa,fge,swag,ema,lawa,schedulefree]
 * </pre>
 */
public final class GpuCheck {

    private static final double TOLERANCE = 0.005;

    private GpuCheck() {}

    /** Counts the collections of a run (averages and snapshots). */
    private static final class Collected extends TrainingListenerAdapter implements CollectionListener {
        long count;

        @Override
        public void collected(CollectionEvent collection) {
            count++;
        }

        @Override
        public void onEpoch(Trainer trainer) {}
    }

    /** What one run gave. */
    private record Run(String method, String device, double accuracy, long collections, int networks, double seconds) {}

    /**
     * The methods checked, each with its state on the device: SWA's and EMA's averages, FGE's
     * snapshots, SWAG's moments and samples, LAWA's ring, schedule-free's z and x.
     */
    static final List<String> METHODS = List.of("sgd", "swa", "fge", "swag", "ema", "lawa", "schedulefree");

    private static NetworkTrainer<Label, ?> trainer(String method, Recipes<Label> recipes, int epochs, int spe) {
        int start = Math.max(1, (int) Math.round(0.75 * epochs));
        NetworkTrainer<Label, ?> t = switch (method) {
            case "sgd" -> recipes.sgd(epochs, spe);
            case "swa" -> recipes.swa(epochs, start, spe, spe);
            case "fge" -> recipes.fge(epochs, start, spe, Recipes.evenSteps(spe, 0.5));
            case "swag" -> recipes.swag(epochs, start, spe, spe, 10, 20, SwagPosterior.Covariance.LOW_RANK);
            case "ema" -> recipes.ema(epochs, spe);
            case "lawa" -> recipes.lawa(epochs, 3);
            case "schedulefree" -> recipes.scheduleFree(epochs, spe);
            default -> throw new IllegalArgumentException("method = " + method + "; allowed: " + String.join(", ", METHODS));
        };
        t.setProgressBar(false);
        return t;
    }

    private static Run run(String method, Recipes<Label> recipes, int epochs, MutableDataset<Label> train, MutableDataset<Label> test) {
        int spe = recipes.stepsPerEpoch(train.size());
        NetworkTrainer<Label, ?> t = trainer(method, recipes, epochs, spe);
        Collected c = new Collected();
        t.addObserver(c);
        long start = System.nanoTime();
        Model<Label> model = t.train(train);
        double seconds = (System.nanoTime() - start) / 1e9;
        double accuracy = Metrics.accuracy(model.predict(test));
        int networks = model instanceof EnsembleModel ? ((EnsembleModel<Label>) model).getNumModels() : 1;
        close(model);
        return new Run(method, recipes.device(), accuracy, c.count, networks, seconds);
    }

    private static void close(Model<Label> model) {
        if (model instanceof EnsembleModel) {
            ((EnsembleModel<Label>) model).getModels().forEach(GpuCheck::close);
        } else if (model instanceof DJLModel) {
            ((DJLModel<Label>) model).close();
        }
    }

    /** Whether this machine has an NVIDIA GPU, whatever libtorch was loaded. */
    private static boolean nvidiaGpuPresent() {
        File gpus = new File("/proc/driver/nvidia/gpus");
        String[] entries = gpus.list();
        return (entries != null && entries.length > 0) || new File("/dev/nvidia0").exists();
    }

    /**
     * Runs the check.
     * @param args See the class documentation.
     * @throws Exception if the data cannot be read or a child JVM cannot be started.
     */
    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args, "GpuCheck [--train embedded|full|DIR] [--test embedded|full|DIR] [--network preresnet8] [--epochs 6] "
                + "[--threads 2] [--device gpu] [--throughput-runs 3] [--methods " + String.join(",", METHODS) + "]", "train", "test", "network",
                "epochs", "threads", "device", "throughput-runs", "child", "checkpoints", "methods");
        String device = o.get("device", "gpu");
        int gpus = Engines.pytorch().getGpuCount();
        boolean dryRun = device.trim().equalsIgnoreCase("cpu");
        if (dryRun) {
            System.out.println("Dry run (--device cpu): the \"GPU\" side runs on the CPU too; this checks the check, not a GPU.");
        } else if (gpus == 0) {
            boolean present = nvidiaGpuPresent();
            System.out.println("PyTorch sees no CUDA GPU here (libtorch " + Engines.pytorch().getVersion() + ", "
                    + (present ? "an NVIDIA GPU is present: the libtorch loaded is a CPU build" : "no NVIDIA GPU found on this machine") + ").");
            System.out.println("This check needs: Java 17+, an NVIDIA driver for CUDA 12.8, and libtorch 2.7.1 for CUDA 12.8: either");
            System.out.println("  export PYTORCH_LIBRARY_PATH=/path/to/libtorch/lib PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128");
            System.out.println("  (libtorch from pytorch.org, or the lib/ folder of a pip install of torch==2.7.1+cu128), or");
            System.out.println("  replace lib/pytorch-native-cpu-2.7.1-linux-x86_64.jar by ai.djl.pytorch:pytorch-native-cu128:2.7.1:linux-x86_64.");
            System.out.println(present ? "Not checked: set up CUDA libtorch as above and run again." : "Nothing to check on this machine.");
            System.exit(present ? 2 : 0);
        }
        String network = o.get("network", "preresnet8");
        int epochs = o.getInt("epochs", 6);
        int threads = o.getInt("threads", 2);
        MutableDataset<Label> train = FashionMnist.load(FashionMnist.resolve(o.get("train", FashionMnist.EMBEDDED)), FashionMnist.Split.TRAIN);
        if (o.get("child", null) != null) {   // the run the parent kills
            Recipes<Label> recipes = Recipes.images(TrainNetwork.network(network), 0.05, 0.01, 0.1, 128, 1L, threads, device);
            NetworkTrainer<Label, ?> t = trainer(o.get("child", "swa"), recipes, epochs, recipes.stepsPerEpoch(train.size()));
            t.setCheckpointDirectory(o.get("checkpoints", null));
            t.train(train);
            return;
        }
        String testData = o.get("test", FashionMnist.systemDataAvailable() ? FashionMnist.FULL : FashionMnist.EMBEDDED);
        MutableDataset<Label> test = FashionMnist.load(FashionMnist.resolve(testData), FashionMnist.Split.TEST);
        System.out.printf(Locale.ROOT, "GPU check: %s, %d epochs on %d training images, tested on %d images; %d GPU(s), device %s%n",
                network, epochs, train.size(), test.size(), gpus, device);
        List<String> failures = new ArrayList<>();
        List<Run> runs = new ArrayList<>();
        Run gpuSwa = null;
        List<String> methods = List.of(o.get("methods", String.join(",", METHODS)).split(","));
        for (String method : methods) {
            if (!METHODS.contains(method)) {
                throw new IllegalArgumentException("--methods = " + String.join(",", methods) + " is out of range; allowed: a list of "
                        + String.join(", ", METHODS));
            }
        }
        if (!methods.contains("swa")) {
            throw new IllegalArgumentException("--methods = " + String.join(",", methods) + " is out of range; allowed: a list that includes "
                    + "swa (the kill-and-resume check resumes an SWA run)");
        }
        for (String method : methods) {
            Run cpu = run(method, Recipes.images(TrainNetwork.network(network), 0.05, 0.01, 0.1, 128, 1L, threads, "cpu"), epochs, train, test);
            Run gpu = run(method, Recipes.images(TrainNetwork.network(network), 0.05, 0.01, 0.1, 128, 1L, threads, device), epochs, train, test);
            runs.add(cpu);
            runs.add(gpu);
            if (Math.abs(cpu.accuracy() - gpu.accuracy()) > TOLERANCE) {
                failures.add(method + ": test accuracy " + cpu.accuracy() + " on the CPU, " + gpu.accuracy() + " on the GPU (allowed: within 0.005)");
            }
            if (cpu.collections() != gpu.collections() || cpu.networks() != gpu.networks()) {
                failures.add(method + ": " + cpu.collections() + " collections on the CPU, " + gpu.collections() + " on the GPU");
            }
            if (method.equals("swa")) {
                gpuSwa = gpu;
            }
        }
        System.out.println("| method | device | test accuracy | averages/snapshots | networks | seconds |");
        System.out.println("|---|---|---|---|---|---|");
        for (Run r : runs) {
            System.out.printf(Locale.ROOT, "| %s | %s | %.4f | %d | %d | %.1f |%n", r.method(), r.device(), r.accuracy(), r.collections(),
                    r.networks(), r.seconds());
        }
        failures.addAll(killAndResume(network, epochs, threads, device, train, test, gpuSwa));
        int throughputRuns = o.getInt("throughput-runs", 3);
        if (throughputRuns > 0) {
            TrainingThroughput.main(new String[]{"--data", FashionMnist.systemDataAvailable() ? FashionMnist.FULL : FashionMnist.EMBEDDED,
                "--networks", "mlp,cnn,preresnet8", "--runs", Integer.toString(throughputRuns), "--threads", Integer.toString(threads),
                "--device", device});
        }
        if (failures.isEmpty()) {
            System.out.println("GPU check passed.");
        } else {
            failures.forEach(f -> System.out.println("FAILED: " + f));
            System.exit(1);
        }
    }

    private static List<String> killAndResume(String network, int epochs, int threads, String device, MutableDataset<Label> train,
                                              MutableDataset<Label> test, Run undisturbed) throws Exception {
        List<String> failures = new ArrayList<>();
        Path dir = Files.createTempDirectory("gpu-check-checkpoints");
        Recipes<Label> recipes = Recipes.images(TrainNetwork.network(network), 0.05, 0.01, 0.1, 128, 1L, threads, device);
        int spe = recipes.stepsPerEpoch(train.size());
        long killAfter = (long) spe * Math.max(1, (int) Math.round(0.75 * epochs)) + 1;   // a checkpoint in the SWA phase
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GpuCheck.class.getName(), "--child", "swa", "--checkpoints", dir.toString(),
                "--network", network, "--epochs", Integer.toString(epochs), "--threads", Integer.toString(threads), "--device", device));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        Path checkpoint = dir.resolve("run-0.checkpoint");
        long steps = 0;
        while (child.isAlive()) {
            if (Files.exists(checkpoint)) {
                try {
                    steps = CheckpointProto.parseFrom(Files.readAllBytes(checkpoint)).getStepsDone();
                } catch (java.io.IOException e) {
                    steps = 0; // being replaced: read it again
                }
                if (steps >= killAfter) {
                    child.destroyForcibly();   // SIGKILL
                    break;
                }
            }
            Thread.sleep(50);
        }
        child.waitFor(60, TimeUnit.SECONDS);
        if (steps < killAfter) {
            failures.add("kill and resume: the child run ended before a checkpoint in the SWA phase (see " + dir.resolve("child.log") + ")");
            return failures;
        }
        NetworkTrainer<Label, ?> resumed = trainer("swa", recipes, epochs, spe);
        resumed.setCheckpointDirectory(dir.toString());
        Model<Label> model = resumed.train(train);
        double accuracy = Metrics.accuracy(model.predict(test));
        close(model);
        System.out.printf(Locale.ROOT, "kill and resume on %s: killed after a checkpoint of %d steps, resumed: test accuracy %.4f "
                + "(undisturbed %.4f)%n", device, steps, accuracy, undisturbed.accuracy());
        if (Math.abs(accuracy - undisturbed.accuracy()) > TOLERANCE) {
            failures.add("kill and resume: test accuracy " + accuracy + " after resuming, " + undisturbed.accuracy() + " undisturbed");
        }
        return failures;
    }
}
