package dev.neghash.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.springframework.web.bind.annotation.RestController;

/** The service's layering: the engine knows nothing of the service or Spring; controllers stay package-private. */
@AnalyzeClasses(packages = "dev.neghash", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule engineIsFreeOfSpringAndTheService = noClasses().that().resideInAPackage("dev.neghash.engine..")
      .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "dev.neghash.api..", "dev.neghash.cli..");

  /**
   * The service and the command line use the engine through its front door ({@code NegHash},
   * options and result types, I/O); kernels, their tasks, thread helpers and the kernel-level
   * search and mining classes are the engine's own business (only the provider's name is read, for
   * logs and summaries).
   */
  @ArchTest
  static final ArchRule serviceAndCliUseTheEngineFacade = noClasses()
      .that().resideInAnyPackage("dev.neghash.api..", "dev.neghash.cli..")
      .should().dependOnClassesThat(DescribedPredicate.describe("engine internals",
          (JavaClass c) -> c.getPackageName().startsWith("dev.neghash.engine.util")
              || (c.getPackageName().startsWith("dev.neghash.engine.kernel")
                  && !c.getSimpleName().equals("KernelProviders") && !c.getSimpleName().equals("KernelProvider")
                  && !c.getName().startsWith("dev.neghash.engine.kernel.KernelProviders$"))
              || List.of("HammingSearch", "ExactCosineSearch", "Subsets", "NegativeMiner", "BatchBuilder",
                  "QualityEvaluator").contains(c.getSimpleName())));

  /**
   * Features speak the domain: only controllers, the web layer and the event-stream publisher
   * (which writes Server-Sent Events) know HTTP.
   */
  @ArchTest
  static final ArchRule servicesThrowDomainExceptionsNotHttp = noClasses()
      .that().resideInAnyPackage("dev.neghash.api.job..", "dev.neghash.api.dataset..", "dev.neghash.api.dashboard..",
          "dev.neghash.api.storage..", "dev.neghash.api.problem..")
      .and().areNotAnnotatedWith(RestController.class).and().doNotHaveSimpleName("JobEvents")
      .should().dependOnClassesThat().resideInAnyPackage("org.springframework.http..");

  @ArchTest
  static final ArchRule controllersArePackagePrivate = classes().that().areAnnotatedWith(RestController.class)
      .and().resideInAPackage("dev.neghash.api..").should().notBePublic();

  @ArchTest
  static final ArchRule storageDoesNotKnowTheFeatures = noClasses().that().resideInAPackage("dev.neghash.api.storage..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.neghash.api.dataset..", "dev.neghash.api.job..");
}
