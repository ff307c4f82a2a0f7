package io.github.tribuoswa.sgd;

import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.tribuo.math.Parameters;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.la.Tensor;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongPredicate;

/**
 * A test optimiser that passes everything to an inner optimiser and, independently of the
 * code under test, copies the weights after k steps for every k a predicate names. Copies made
 * by Tribuo's trainers report to the same recorder.
 */
final class SnapshotProbe implements StochasticGradientOptimiser {

    /**
     * The snapshots of each run: run index → (steps done → flat weights).
     */
    static final class Recorder {
        final List<Map<Long, double[]>> runs = new CopyOnWriteArrayList<>();
        final List<Long> steps = new CopyOnWriteArrayList<>();
        final LongPredicate wanted;

        Recorder(LongPredicate wanted) {
            this.wanted = wanted;
        }

        Map<Long, double[]> last() {
            return runs.get(runs.size() - 1);
        }
    }

    private final StochasticGradientOptimiser inner;
    private final Recorder recorder;
    private Parameters parameters;
    private Map<Long, double[]> run;
    private long steps;

    SnapshotProbe(StochasticGradientOptimiser inner, Recorder recorder) {
        this.inner = inner;
        this.recorder = recorder;
    }

    private void snapshot() {
        if (recorder.wanted.test(steps)) {
            run.put(steps, TensorWeights.flatten(parameters.get()));
        }
    }

    @Override
    public void initialise(Parameters parameters) {
        inner.initialise(parameters);
        this.parameters = parameters;
        this.run = new TreeMap<>();
        this.steps = 0;
        recorder.runs.add(run);
    }

    @Override
    public Tensor[] step(Tensor[] updates, double weight) {
        snapshot();
        steps++;
        return inner.step(updates, weight);
    }

    @Override
    public void finalise() {
        inner.finalise();
        snapshot();
        recorder.steps.add(steps);
    }

    @Override
    public void reset() {
        inner.reset();
    }

    @Override
    public SnapshotProbe copy() {
        return new SnapshotProbe(inner.copy(), recorder);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "StochasticGradientOptimiser");
    }
}
