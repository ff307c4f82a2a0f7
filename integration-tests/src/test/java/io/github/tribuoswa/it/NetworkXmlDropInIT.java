package io.github.tribuoswa.it;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.DJLTrainer;
import io.github.tribuoswa.nn.swa.FGETrainer;
import io.github.tribuoswa.nn.swa.SWAGTrainer;
import io.github.tribuoswa.nn.swa.SWATrainer;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.ensemble.EnsembleModel;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The XML drop-in: configs/djl-swa.xml, djl-fge.xml, djl-swag.xml, djl-ema.xml, djl-lawa.xml and
 * djl-schedulefree.xml are configs/djl-sgd.xml with the trainer component replaced and what it
 * names added; djl-soup.xml puts a soup in front of djl-fge.xml's trainer; each loads through
 * OLCUT's ConfigurationManager and trains.
 */
public class NetworkXmlDropInIT {

    private static Map<String, Map<String, String>> components(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setIgnoringComments(true);
        Document doc = f.newDocumentBuilder().parse(file.toFile());
        NodeList list = doc.getElementsByTagName("component");
        Map<String, Map<String, String>> out = new HashMap<>();
        for (int i = 0; i < list.getLength(); i++) {
            Element e = (Element) list.item(i);
            Map<String, String> props = new LinkedHashMap<>();
            props.put("@type", e.getAttribute("type"));
            for (String tag : new String[]{"property", "propertylist"}) {
                NodeList ps = e.getElementsByTagName(tag);
                for (int j = 0; j < ps.getLength(); j++) {
                    Element p = (Element) ps.item(j);
                    props.put(p.getAttribute("name"), p.getAttribute("value") + p.getTextContent().trim());
                }
            }
            out.put(e.getAttribute("name"), props);
        }
        return out;
    }

    @Test
    public void swaAndFgeReplaceOnlyTheTrainerComponentAndTrain() throws Exception {
        Map<String, Map<String, String>> sgd = components(Path.of("configs", "djl-sgd.xml"));
        for (String variant : new String[]{"djl-swa.xml", "djl-fge.xml", "djl-swag.xml", "djl-ema.xml", "djl-lawa.xml", "djl-schedulefree.xml"}) {
            Map<String, Map<String, String>> other = components(Path.of("configs", variant));
            // every component of djl-sgd.xml is there; the only ones added are what the new trainer names (a phase schedule;
            // schedule-free SGD's optimiser and warm-up schedule; nothing for EMA and LAWA)
            java.util.Set<String> added = new java.util.TreeSet<>(other.keySet());
            added.removeAll(sgd.keySet());
            assertTrue(other.keySet().containsAll(sgd.keySet()), variant);
            java.util.Set<String> changedProperties = java.util.Set.of();
            if (variant.equals("djl-ema.xml") || variant.equals("djl-lawa.xml")) {
                assertEquals(java.util.Set.of(), added, variant);
            } else if (variant.equals("djl-schedulefree.xml")) {
                assertEquals(java.util.Set.of(other.get("trainer").get("optimiser"), other.get("trainer").get("schedule")), added, variant);
                changedProperties = java.util.Set.of("optimiser", "schedule");
            } else {
                assertEquals(java.util.Set.of(other.get("trainer").get("phaseSchedule")), added, variant);
            }
            for (String name : sgd.keySet()) {
                if (name.equals("trainer")) {
                    // every property of the SGD trainer is kept unchanged (but those the method replaces); the method adds its own
                    for (Map.Entry<String, String> p : sgd.get(name).entrySet()) {
                        if (!p.getKey().equals("@type") && !changedProperties.contains(p.getKey())) {
                            assertEquals(p.getValue(), other.get(name).get(p.getKey()), variant + " trainer." + p.getKey());
                        }
                    }
                } else {
                    assertEquals(sgd.get(name), other.get(name), variant + " " + name);
                }
            }
        }

        Path dir = FashionMnist.resolve(FashionMnist.EMBEDDED);
        MutableDataset<Label> train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        MutableDataset<Label> test = FashionMnist.load(dir, FashionMnist.Split.TEST);
        Map<String, Class<?>> expected = Map.of("djl-sgd.xml", DJLTrainer.class, "djl-swa.xml", SWATrainer.class, "djl-fge.xml", FGETrainer.class,
                "djl-swag.xml", SWAGTrainer.class, "djl-ema.xml", io.github.tribuoswa.nn.swa.EMATrainer.class, "djl-lawa.xml",
                io.github.tribuoswa.nn.swa.LAWATrainer.class, "djl-schedulefree.xml", io.github.tribuoswa.nn.swa.ScheduleFreeTrainer.class,
                "djl-soup.xml", io.github.tribuoswa.nn.swa.SoupTrainer.class);
        Map<String, com.google.protobuf.ByteString> weights = new java.util.TreeMap<>();
        for (Map.Entry<String, Class<?>> e : expected.entrySet()) {
            ConfigurationManager cm = new ConfigurationManager(Path.of("configs", e.getKey()).toString());
            @SuppressWarnings("unchecked")
            Trainer<Label> trainer = (Trainer<Label>) cm.lookup("trainer");
            assertInstanceOf(e.getValue(), trainer);
            Model<Label> model = trainer.train(train);
            double accuracy = new LabelEvaluator().evaluate(model, test).accuracy();
            System.out.printf("%s: test accuracy %.4f%n", e.getKey(), accuracy);
            assertTrue(accuracy > 0.75, e.getKey() + " accuracy " + accuracy);
            if (e.getKey().equals("djl-fge.xml")) {
                assertEquals(4, ((EnsembleModel<Label>) model).getNumModels());
            } else if (e.getKey().equals("djl-swag.xml")) {
                assertEquals(10, ((EnsembleModel<Label>) model).getNumModels());
            } else {
                assertInstanceOf(DJLModel.class, model);
                weights.put(e.getKey(), ((DJLModel<Label>) model).weights().getValues());
            }
        }
        // the averages are their own models, not the SGD run's last weights (the runs share the SGD trajectory)
        for (String averaged : new String[]{"djl-swa.xml", "djl-ema.xml", "djl-lawa.xml"}) {
            assertTrue(!weights.get(averaged).equals(weights.get("djl-sgd.xml")), averaged + " returned SGD's weights");
        }
    }
}
