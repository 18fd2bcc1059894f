package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.sentinelpager.app.Services;
import io.sentinelpager.platform.config.ConfigKey;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every key a module declares is among the settings the pager command knows: a key left out of its config class's
 * KEYS list would be refused at start-up as a typo although a service reads it.
 */
class KnownSettingsTest {

    @Test
    void everyDeclaredConfigKeyIsKnown() throws Exception {
        List<String> unknown = new ArrayList<>();
        for (JavaClass type : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.sentinelpager")) {
            for (JavaField field : type.getFields()) {
                if (field.getRawType().isEquivalentTo(ConfigKey.class)
                        && field.getModifiers().contains(JavaModifier.STATIC)) {
                    Field constant = field.reflect();
                    constant.setAccessible(true);
                    String name = ((ConfigKey) constant.get(null)).name();
                    if (!Services.SETTINGS.contains(name)) {
                        unknown.add(type.getName() + "." + field.getName() + " (" + name + ")");
                    }
                }
            }
        }
        assertThat(unknown).as("keys missing from the KEYS list of their config class, which Services collects")
                .isEmpty();
    }
}
