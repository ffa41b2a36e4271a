package dev.neghash.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.springframework.web.bind.annotation.RestController;

/** The service's layering: the engine knows nothing of the service or Spring; controllers stay package-private. */
@AnalyzeClasses(packages = "dev.neghash", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule engineIsFreeOfSpringAndTheService = noClasses().that().resideInAPackage("dev.neghash.engine..")
      .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "dev.neghash.api..", "dev.neghash.cli..");

  @ArchTest
  static final ArchRule controllersArePackagePrivate = classes().that().areAnnotatedWith(RestController.class)
      .and().resideInAPackage("dev.neghash.api..").should().notBePublic();

  @ArchTest
  static final ArchRule storageDoesNotKnowTheFeatures = noClasses().that().resideInAPackage("dev.neghash.api.storage..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.neghash.api.dataset..", "dev.neghash.api.job..");
}
