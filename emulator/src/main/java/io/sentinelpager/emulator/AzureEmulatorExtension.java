package io.sentinelpager.emulator;

import java.util.Objects;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link AzureEmulator} per test class, started before its first test and closed after its
 * last (JUnit closes it with the class's extension store), injected into any test, lifecycle method
 * or constructor that asks for an {@code AzureEmulator} parameter.
 *
 * <pre>
 *   &#64;ExtendWith(AzureEmulatorExtension.class)
 *   class SomeIT {
 *       &#64;Test void test(AzureEmulator emulator) { … }
 *   }
 *
 *   // or, with options (a clock, a token lifetime):
 *   &#64;RegisterExtension
 *   static final AzureEmulatorExtension AZURE = new AzureEmulatorExtension(EmulatorOptions.defaults().withClock(clock));
 * </pre>
 *
 * <p>State (alerts, faults, the request log) is shared by the class's tests; a test that needs a
 * clean log clears it ({@code emulator.requests().clear()}).
 */
public final class AzureEmulatorExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(AzureEmulatorExtension.class);

    private final EmulatorOptions options;

    /** With {@link EmulatorOptions#defaults()}. */
    public AzureEmulatorExtension() {
        this(EmulatorOptions.defaults());
    }

    public AzureEmulatorExtension(EmulatorOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        emulator(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == AzureEmulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return emulator(context);
    }

    /** The class's emulator, started on first use. */
    public AzureEmulator emulator(ExtensionContext context) {
        ExtensionContext classContext = classContext(context);
        // JUnit closes AutoCloseable values when their store is closed: after the class's last test.
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(classContext.getRequiredTestClass(),
                key -> AzureEmulator.start(options), AzureEmulator.class);
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }
}
