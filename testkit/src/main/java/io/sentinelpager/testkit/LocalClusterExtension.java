package io.sentinelpager.testkit;

import io.sentinelpager.platform.local.LocalCluster;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives an integration test the JVM's one {@link LocalCluster} (a real broker and a real registry), started on first
 * use and stopped when the JVM exits. Declare a {@code LocalCluster} parameter in a test, constructor or
 * {@code @BeforeAll} method of a class annotated {@code @ExtendWith(LocalClusterExtension.class)}.
 */
public final class LocalClusterExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return LocalCluster.shared();
    }
}
