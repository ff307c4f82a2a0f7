package io.github.tribuoswa.it;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.schedule.SWASchedule;
import io.github.tribuoswa.schedule.WSDSchedule;
import io.github.tribuoswa.sgd.SWAOptimiser;
import io.github.tribuoswa.sgd.ScheduleFreeOptimiser;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.test.Helpers;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example XML configurations in {@code configs/}: SWA is a drop-in replacement of the
 * {@code optimiser} component.
 */
public class XmlConfigIT {

    private static final Path CONFIGS = Path.of("configs");

    private static Map<String, Element> components(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setIgnoringComments(true);
        Document doc = f.newDocumentBuilder().parse(file.toFile());
        doc.normalizeDocument();
        NodeList list = doc.getElementsByTagName("component");
        Map<String, Element> out = new HashMap<>();
        for (int i = 0; i < list.getLength(); i++) {
            Element e = (Element) list.item(i);
            out.put(e.getAttribute("name"), e);
        }
        return out;
    }

    private static String canonical(Element e) {
        StringBuilder sb = new StringBuilder(e.getAttribute("type"));
        NodeList props = e.getElementsByTagName("property");
        for (int i = 0; i < props.getLength(); i++) {
            Element p = (Element) props.item(i);
            sb.append('|').append(p.getAttribute("name")).append('=').append(p.getAttribute("value"));
        }
        return sb.toString();
    }

    @Test
    public void swaLawaAndScheduleFreeConfigsDifferOnlyInTheOptimiser() throws Exception {
        Map<String, Element> sgd = components(CONFIGS.resolve("logistic-sgd.xml"));
        Map<String, Class<?>> variants = Map.of("logistic-swa.xml", SWAOptimiser.class, "logistic-lawa.xml", SWAOptimiser.class,
                "logistic-schedulefree.xml", ScheduleFreeOptimiser.class);
        for (Map.Entry<String, Class<?>> v : variants.entrySet()) {
            Map<String, Element> other = components(CONFIGS.resolve(v.getKey()));
            for (String name : sgd.keySet()) {
                if (name.equals("optimiser")) {
                    assertNotEquals(canonical(sgd.get(name)), canonical(other.get(name)));
                    assertEquals(v.getValue().getName(), other.get(name).getAttribute("type"), v.getKey());
                } else {
                    assertEquals(canonical(sgd.get(name)), canonical(other.get(name)), v.getKey() + ": " + name);
                }
            }
        }
    }

    @Test
    public void lawaAndScheduleFreeConfigsAreTheirJavaApiAndLearn() throws Exception {
        Path dir = FashionMnist.resolve(FashionMnist.EMBEDDED);
        MutableDataset<Label> train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        MutableDataset<Label> test = FashionMnist.load(dir, FashionMnist.Split.TEST);
        Map<String, Trainer<Label>> java = Map.of(
                "logistic-lawa.xml", new LinearSGDTrainer(new LogMulticlass(), SWAOptimiser.lawa(new AdaGrad(0.1, 0.1), new ConstantSchedule(1.0),
                        5, 6000), 10, -1, 1, 1L),
                "logistic-schedulefree.xml", new LinearSGDTrainer(new LogMulticlass(), new ScheduleFreeOptimiser(
                        new WSDSchedule(0.01, 60000, 6000, 0, WSDSchedule.Shape.SQRT), 0.9, 0), 10, -1, 1, 1L));
        for (Map.Entry<String, Trainer<Label>> e : java.entrySet()) {
            @SuppressWarnings("unchecked")
            Trainer<Label> fromXml = (Trainer<Label>) new ConfigurationManager(CONFIGS.resolve(e.getKey()).toString()).lookup("trainer");
            assertEquals(e.getValue().toString(), fromXml.toString(), e.getKey() + ": the same trainer as the Java API's");
            Model<Label> a = fromXml.train(train);
            double accuracy = new LabelEvaluator().evaluate(a, test).accuracy();
            assertTrue(accuracy > 0.8, e.getKey() + " accuracy " + accuracy);
        }
    }

    @Test
    public void swaConfigLoadsTrainsAndMatchesTheJavaApi() throws Exception {
        ConfigurationManager cm = new ConfigurationManager(CONFIGS.resolve("logistic-swa.xml").toString());
        @SuppressWarnings("unchecked")
        Trainer<Label> fromXml = (Trainer<Label>) cm.lookup("trainer");
        Trainer<Label> fromJava = new LinearSGDTrainer(new LogMulticlass(),
                new SWAOptimiser(new AdaGrad(0.1, 0.1), new SWASchedule(1.0, 45000, new ConstantSchedule(0.5, 600))),
                10, -1, 1, 1L);
        Path dir = FashionMnist.resolve(FashionMnist.EMBEDDED);
        MutableDataset<Label> train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        MutableDataset<Label> test = FashionMnist.load(dir, FashionMnist.Split.TEST);
        Model<Label> a = fromXml.train(train);
        Model<Label> b = fromJava.train(train);
        assertTrue(Helpers.predictionListDistributionEquals(a.predict(test), b.predict(test), 0.0));
        // the phase given as the network trainers take it is the same run as the paper's whole-run schedule
        Trainer<Label> phased = new LinearSGDTrainer(new LogMulticlass(), new SWAOptimiser(new AdaGrad(0.1, 0.1),
                new io.github.tribuoswa.schedule.BaselineSchedule(1.0, 45000, 0.5), 45000, new ConstantSchedule(0.5, 600)), 10, -1, 1, 1L);
        assertTrue(Helpers.predictionListDistributionEquals(phased.train(train).predict(test), b.predict(test), 0.0));
        double accuracy = new LabelEvaluator().evaluate(a, test).accuracy();
        assertTrue(accuracy > 0.78, "accuracy " + accuracy);

        ConfigurationManager plain = new ConfigurationManager(CONFIGS.resolve("logistic-sgd.xml").toString());
        @SuppressWarnings("unchecked")
        Trainer<Label> sgd = (Trainer<Label>) plain.lookup("trainer");
        assertTrue(new LabelEvaluator().evaluate(sgd.train(train), test).accuracy() > 0.78);
    }
}
