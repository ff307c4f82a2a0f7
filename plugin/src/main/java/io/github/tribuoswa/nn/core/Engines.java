package io.github.tribuoswa.nn.core;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.cuda.CudaUtils;
import io.github.tribuoswa.util.Checks;

import java.lang.reflect.Field;
import java.util.Locale;

/**
 * The one place where the plugin starts DJL's PyTorch engine: offline, with a chosen number of
 * intra-op threads, on a chosen device.
 * <p>
 * DJL contacts the internet at engine start unless offline mode is on, so
 * {@link #pytorch()} sets the system property {@code ai.djl.offline=true} before the engine is
 * first touched (unless the user set it, or the environment variable {@code DJL_OFFLINE},
 * already). The natives come from the {@code pytorch-native-cpu} and {@code pytorch-jni} jars
 * on the class path; nothing is downloaded.
 */
public final class Engines {

    /**
     * The DJL engine name of PyTorch.
     */
    public static final String ENGINE = "PyTorch";

    private Engines() {}

    /**
     * Turns DJL's offline mode on unless the user chose otherwise. Call before any DJL class
     * that may start an engine.
     */
    public static void offline() {
        if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    /**
     * The PyTorch engine, started offline.
     * @return The engine.
     */
    public static Engine pytorch() {
        offline();
        probeCudaOnce();
        return Engine.getEngine(ENGINE);
    }

    private static volatile boolean cudaProbed;

    /**
     * Asks DJL for the GPU count once, before the engine starts, and then turns off the log of
     * DJL's later probes: on a machine with the CUDA runtime but no driver (a CPU-only machine
     * with CUDA libraries installed) each probe logs "Failed to detect GPU count", and DJL
     * probes several times at engine start; the user sees it once. With a later DJL whose
     * probe has no such switch, its messages stay as they are.
     */
    private static void probeCudaOnce() {
        if (cudaProbed) {
            return;
        }
        synchronized (Engines.class) {
            if (!cudaProbed) {
                CudaUtils.getGpuCount();
                try {
                    Field logging = CudaUtils.class.getDeclaredField("logging");
                    logging.setAccessible(true);
                    logging.setBoolean(null, false);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // not this DJL: leave its probe's messages alone
                }
                cudaProbed = true;
            }
        }
    }

    /**
     * Sets PyTorch's intra-op thread count (process-wide). On a small machine, oversubscribed
     * OpenMP threads make steps many times slower, so trainers set it deliberately.
     * @param threads The number of threads, &ge; 1; 0 leaves PyTorch's default.
     */
    public static void setIntraOpThreads(int threads) {
        pytorch();
        if (threads > 0 && JniUtils.getNumThreads() != threads) {
            JniUtils.setNumThreads(threads);
        }
    }

    /**
     * Resolves a device option.
     * @param owner The component whose parameter it is (for the error message).
     * @param spec {@code auto} (a GPU if PyTorch sees one, else the CPU), {@code cpu},
     *             {@code gpu} (the first GPU) or {@code gpu:N}.
     * @return The device.
     * @throws com.oracle.labs.mlrg.olcut.config.PropertyException if the option is unknown or
     *         names a GPU that is not there.
     */
    public static Device device(Object owner, String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        Engine engine = pytorch();
        if (s.equals("auto")) {
            return engine.defaultDevice();
        } else if (s.equals("cpu")) {
            return Device.cpu();
        } else if (s.equals("gpu") || s.startsWith("gpu:")) {
            int id = 0;
            if (s.startsWith("gpu:")) {
                try {
                    id = Integer.parseInt(s.substring(4));
                } catch (NumberFormatException e) {
                    throw Checks.outOfRange(owner, "device", spec, "auto, cpu, gpu or gpu:N");
                }
            }
            int count = engine.getGpuCount();
            if (id < 0 || id >= count) {
                throw Checks.outOfRange(owner, "device", spec, "auto, cpu, gpu or gpu:N with N < the "
                        + count + " GPU(s) PyTorch sees here (a CUDA build of pytorch-native is needed for GPUs)");
            }
            return Device.gpu(id);
        }
        throw Checks.outOfRange(owner, "device", spec, "auto, cpu, gpu or gpu:N");
    }

    /**
     * Checks a device option without starting the engine (for {@code postConfig}).
     * @param owner The component.
     * @param spec The option.
     */
    public static void checkDeviceSpec(Object owner, String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        if (!(s.equals("auto") || s.equals("cpu") || s.equals("gpu") || s.matches("gpu:\\d+"))) {
            throw Checks.outOfRange(owner, "device", spec, "auto, cpu, gpu or gpu:N");
        }
    }
}
