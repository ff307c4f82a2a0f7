package io.github.tribuoswa.landscape;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The landscape module's direction: the command line builds on the geometry, the geometry never
 * on the command line, and neither reaches into the library's run assembly (the base trainer,
 * the SWA and FGE trainers, the run's listeners): it works on trained models and networks.
 */
public class LandscapeArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.github.tribuoswa.landscape");

    @Test
    public void theGeometryDoesNotKnowItsCommandLine() {
        noClasses().that().resideInAPackage("io.github.tribuoswa.landscape")
                .should().dependOnClassesThat().resideInAPackage("io.github.tribuoswa.landscape.cli..")
                .check(CLASSES);
    }

    @Test
    public void theModuleUsesModelsAndNetworksNotTheRunAssembly() {
        noClasses().that().resideInAPackage("io.github.tribuoswa.landscape..")
                .should().dependOnClassesThat().resideInAnyPackage("io.github.tribuoswa.nn.swa..", "io.github.tribuoswa.nn.optim..")
                .orShould().dependOnClassesThat().haveSimpleName("NetworkTrainer")
                .check(CLASSES);
    }
}
