package io.sentinelpager.e2e;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module rules of ARCHITECTURE.md, checked on the compiled classes of every module. */
class ArchitectureTest {

    static final List<String> SERVICES = List.of("ingest", "enrich", "policy", "escalate", "notify", "responder",
            "syncback", "reports");
    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.sentinelpager");
    }

    @Test
    void noServiceDependsOnAnotherService() {
        for (String service : SERVICES) {
            String[] others = SERVICES.stream().filter(s -> !s.equals(service))
                    .map(s -> "io.sentinelpager." + s + "..").toArray(String[]::new);
            noClasses().that().resideInAPackage("io.sentinelpager." + service + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .because("services talk only through the topics of the schemas catalog; move shared code to"
                            + " platform, azure or oncall instead")
                    .check(classes);
        }
    }

    @Test
    void sharedModulesDoNotDependOnServicesOrTheApp() {
        String[] servicesAndApp = java.util.stream.Stream.concat(SERVICES.stream(), java.util.stream.Stream.of("app", "e2e"))
                .map(s -> "io.sentinelpager." + s + "..").toArray(String[]::new);
        noClasses().that().resideInAnyPackage("io.sentinelpager.schemas..", "io.sentinelpager.platform..",
                        "io.sentinelpager.azure..", "io.sentinelpager.oncall..", "io.sentinelpager.emulator..",
                        "io.sentinelpager.testkit..")
                .should().dependOnClassesThat().resideInAnyPackage(servicesAndApp)
                .because("shared modules sit below the services; a dependency upwards would make every service"
                        + " depend on the others")
                .check(classes);
    }

    @Test
    void noProductionCodeDependsOnTheTestkit() {
        noClasses().that().resideOutsideOfPackage("io.sentinelpager.testkit..")
                .should().dependOnClassesThat().resideInAPackage("io.sentinelpager.testkit..")
                .because("the testkit is test scope only: take it as a <scope>test</scope> dependency and use it"
                        + " from src/test; what production code needs belongs in platform")
                .check(classes);
    }

    @Test
    void oncallIsPureDomainWithoutKafka() {
        noClasses().that().resideInAPackage("io.sentinelpager.oncall..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.sentinelpager.platform..")
                .because("schedules and escalation rules must be testable with a clock and plain values; keep Kafka"
                        + " in the escalate service")
                .check(classes);
    }
}
