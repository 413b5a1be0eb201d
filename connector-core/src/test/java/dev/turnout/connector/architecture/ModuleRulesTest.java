package dev.turnout.connector.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of ARCHITECTURE.md, checked on the compiled classes (the enforcer plugin
 * checks the same at the level of Maven artifacts): protocol knows no routing and no connector,
 * routing imports no Netty, and the parts of a session never reach up into its Netty handler.
 */
class ModuleRulesTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.turnout");
    }

    @Test
    void protocolKnowsNoRoutingAndNoConnector() {
        noClasses()
                .that()
                .resideInAPackage("dev.turnout.protocol..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.turnout.routing..", "dev.turnout.connector..", "dev.turnout.sandbox..")
                .check(classes);
    }

    @Test
    void protocolUsesNoSocketsOfItsOwn() {
        noClasses()
                .that()
                .resideInAPackage("dev.turnout.protocol..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.netty.channel.socket..", "io.netty.bootstrap..", "java.net..")
                .check(classes);
    }

    @Test
    void sessionPartsAndBackendsDoNotKnowTheFrontend() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.turnout.connector.session..", "dev.turnout.connector.backend..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.turnout.connector.frontend..")
                .check(classes);
    }

    @Test
    void theLoginDoesNotKnowTheNettyHandler() {
        noClasses()
                .that()
                .resideInAPackage("dev.turnout.connector.frontend..")
                .and()
                .doNotHaveFullyQualifiedName("dev.turnout.connector.frontend.FrontendHandler")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("dev.turnout.connector.frontend.FrontendHandler")
                .check(classes);
    }

    @Test
    void routingImportsNoNettyAndNoOtherModule() {
        noClasses()
                .that()
                .resideInAPackage("dev.turnout.routing..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.netty..", "dev.turnout.protocol..", "dev.turnout.connector..")
                .allowEmptyShould(true)
                .check(classes);
    }
}
