package io.github.tribuoswa.ensemble;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Trainer;
import org.tribuo.ensemble.EnsembleCombiner;
import org.tribuo.ensemble.EnsembleModel;
import org.tribuo.provenance.EnsembleModelProvenance;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * M independent runs of one trainer on the same data (each run is one more invocation of the
 * trainer, so each has its own seed), as one {@link BatchedEnsembleModel}: a deep ensemble of
 * networks, an ensemble of independent SWA runs, or MultiSWAG (Wilson &amp; Izmailov 2020) when
 * the trainer is a SWAG trainer drawing S/M samples per run. A run that returns an ensemble
 * contributes its members, each with its weight within the run divided by M; a run that returns
 * one model contributes it with weight 1/M. Unlike Tribuo's {@code BaggingTrainer} every run sees
 * all the data. Plain Tribuo: works with any trainer.
 * @param <T> The output type.
 */
public final class IndependentRunsTrainer<T extends Output<T>> implements Trainer<T> {

    @Config(mandatory = true, description = "The trainer of each run.")
    private Trainer<T> trainer;

    @Config(mandatory = true, description = "M, the number of independent runs (>= 1).")
    private int runs;

    @Config(mandatory = true, description = "How the members' predictions are combined.")
    private EnsembleCombiner<T> combiner;

    private int invocations;

    /**
     * For OLCUT.
     */
    private IndependentRunsTrainer() {}

    /**
     * A trainer of M independent runs.
     * @param trainer The trainer of each run.
     * @param runs M &ge; 1.
     * @param combiner How the members' predictions are combined.
     */
    public IndependentRunsTrainer(Trainer<T> trainer, int runs, EnsembleCombiner<T> combiner) {
        this.trainer = trainer;
        this.runs = runs;
        this.combiner = combiner;
        postConfig();
    }

    @Override
    public synchronized void postConfig() {
        if (runs < 1) {
            throw new PropertyException("", "runs", "runs = " + runs + " is out of range; allowed: integer >= 1");
        }
        if (trainer == null || combiner == null) {
            throw new PropertyException("", trainer == null ? "trainer" : "combiner", "is missing");
        }
    }

    @Override
    public BatchedEnsembleModel<T> train(Dataset<T> examples) {
        return train(examples, Collections.emptyMap());
    }

    @Override
    public BatchedEnsembleModel<T> train(Dataset<T> examples, Map<String, Provenance> runProvenance) {
        return train(examples, runProvenance, INCREMENT_INVOCATION_COUNT);
    }

    @Override
    public BatchedEnsembleModel<T> train(Dataset<T> examples, Map<String, Provenance> runProvenance, int invocationCount) {
        TrainerProvenance provenance;
        int first;
        synchronized (this) {
            if (invocationCount != INCREMENT_INVOCATION_COUNT) {
                setInvocationCount(invocationCount);
            }
            provenance = getProvenance();
            invocations++;
            first = trainer.getInvocationCount();
        }
        List<Model<T>> members = new ArrayList<>();
        List<Float> weights = new ArrayList<>();
        List<ModelProvenance> runModels = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            Model<T> model = trainer.train(examples, runProvenance, first + r);
            runModels.add(model.getProvenance());
            if (model instanceof EnsembleModel) {
                List<Model<T>> inner = ((EnsembleModel<T>) model).getModels();
                float[] w = model instanceof BatchedEnsembleModel ? ((BatchedEnsembleModel<T>) model).weights() : uniform(inner.size());
                double total = 0;
                for (float v : w) {
                    total += v;
                }
                for (int i = 0; i < inner.size(); i++) {
                    members.add(inner.get(i));
                    weights.add((float) (w[i] / total / runs));
                }
            } else {
                members.add(model);
                weights.add(1.0f / runs);
            }
        }
        float[] w = new float[weights.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = weights.get(i);
        }
        EnsembleModelProvenance ensembleProvenance = new EnsembleModelProvenance(BatchedEnsembleModel.class.getName(), OffsetDateTime.now(),
                examples.getProvenance(), provenance, runProvenance, new ListProvenance<>(runModels));
        return new BatchedEnsembleModel<>("independent-runs", ensembleProvenance, examples.getFeatureIDMap(), examples.getOutputIDInfo(),
                members, combiner, w);
    }

    private static float[] uniform(int k) {
        float[] w = new float[k];
        java.util.Arrays.fill(w, 1.0f / k);
        return w;
    }

    @Override
    public synchronized int getInvocationCount() {
        return invocations;
    }

    @Override
    public synchronized void setInvocationCount(int invocationCount) {
        if (invocationCount < 0) {
            throw new IllegalArgumentException("invocationCount = " + invocationCount + " is out of range; allowed: integer >= 0");
        }
        invocations = invocationCount;
        trainer.setInvocationCount(invocationCount * runs);
    }

    @Override
    public TrainerProvenance getProvenance() {
        return new TrainerProvenanceImpl(this);
    }

    @Override
    public String toString() {
        return "IndependentRunsTrainer(trainer=" + trainer + ",runs=" + runs + ",combiner=" + combiner + ")";
    }

    /**
     * The runs' trainer.
     * @return The trainer.
     */
    public Trainer<T> trainer() {
        return trainer;
    }
}
