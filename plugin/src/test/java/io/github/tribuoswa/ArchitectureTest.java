package io.github.tribuoswa;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layers of the library and the one direction their dependencies take (DESIGN.md §2):
 * <pre>
 * util ← schedule ← averaging ← sgd            (pure Java; Tribuo's own SGD models, no DJL)
 * telemetry, ensemble                         (leaves)
 * protos ← calibration; util, protos ← storage (model files; no DJL)
 * nn.convert, nn.network ← nn.core ← nn.optim, nn.listen ← nn ← nn.swa
 * </pre>
 * Each rule fails the build when a class reaches against the arrows. The modules built on the
 * library (data, landscape, examples, reproduction) depend on it and never the other way, which
 * Maven's module graph enforces.
 */
public class ArchitectureTest {

    private static final String ROOT = "io.github.tribuoswa";
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    @Test
    public void layersPointOneWay() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("util").definedBy(ROOT + ".util..")
                .layer("schedule").definedBy(ROOT + ".schedule..")
                .layer("averaging").definedBy(ROOT + ".averaging..")
                .layer("ensemble").definedBy(ROOT + ".ensemble..")
                .layer("calibration").definedBy(ROOT + ".calibration..")
                .layer("telemetry").definedBy(ROOT + ".telemetry..")
                .layer("sgd").definedBy(ROOT + ".sgd..")
                .layer("protos").definedBy(ROOT + ".protos..")
                .layer("storage").definedBy(ROOT + ".storage..")
                .layer("nn.convert").definedBy(ROOT + ".nn.convert..")
                .layer("nn.network").definedBy(ROOT + ".nn.network..")
                .layer("nn.core").definedBy(ROOT + ".nn.core..")
                .layer("nn.optim").definedBy(ROOT + ".nn.optim..")
                .layer("nn.listen").definedBy(ROOT + ".nn.listen..")
                .layer("nn").definedBy(ROOT + ".nn")
                .layer("nn.swa").definedBy(ROOT + ".nn.swa..")
                .whereLayer("util").mayNotAccessAnyLayer()
                .whereLayer("protos").mayNotAccessAnyLayer()
                .whereLayer("telemetry").mayNotAccessAnyLayer()
                .whereLayer("ensemble").mayOnlyAccessLayers("util")
                .whereLayer("calibration").mayOnlyAccessLayers("protos")
                .whereLayer("storage").mayOnlyAccessLayers("util", "protos")
                .whereLayer("schedule").mayOnlyAccessLayers("util")
                .whereLayer("averaging").mayOnlyAccessLayers("util", "schedule")
                .whereLayer("sgd").mayOnlyAccessLayers("util", "schedule", "averaging", "telemetry")
                .whereLayer("nn.convert").mayOnlyAccessLayers("util")
                .whereLayer("nn.network").mayOnlyAccessLayers("util")
                .whereLayer("nn.core").mayOnlyAccessLayers("util", "schedule", "averaging", "protos", "nn.convert", "nn.network")
                .whereLayer("nn.optim").mayOnlyAccessLayers("util", "schedule", "nn.core")
                .whereLayer("nn.listen").mayOnlyAccessLayers("util", "schedule", "telemetry", "protos", "nn.core")
                .whereLayer("nn").mayOnlyAccessLayers("util", "schedule", "telemetry", "protos", "storage", "nn.convert", "nn.network", "nn.core",
                        "nn.optim", "nn.listen")
                .whereLayer("nn.swa").mayOnlyAccessLayers("util", "schedule", "averaging", "ensemble", "telemetry", "protos", "nn.convert",
                        "nn.network", "nn.core", "nn.optim", "nn.listen", "nn")
                .check(classes);
    }

    @Test
    public void theTribuoSgdPathAndThePureLayersNeedNoDjl() {
        noClasses().that().resideInAnyPackage(ROOT + ".util..", ROOT + ".schedule..", ROOT + ".averaging..", ROOT + ".ensemble..",
                        ROOT + ".calibration..", ROOT + ".sgd..", ROOT + ".telemetry..", ROOT + ".storage..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.djl..")
                .check(classes);
    }

    @Test
    public void noPackageCycles() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(classes);
    }
}
