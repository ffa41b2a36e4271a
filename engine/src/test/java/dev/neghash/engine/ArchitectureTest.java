package dev.neghash.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The engine stays a plain library: no Spring, no TornadoVM. */
class ArchitectureTest {

  @Test
  void engineDependsOnNoFrameworkOrBackend() {
    var classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.neghash.engine");
    noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("org.springframework..", "uk.ac.manchester.tornado..")
        .check(classes);
  }
}
