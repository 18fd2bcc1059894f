package io.sentinelpager.testkit.process;

import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.ServiceFactory;
import io.sentinelpager.platform.service.ServiceRunner;
import io.sentinelpager.testkit.FileClock;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pager <service> --config SETTINGS} in a child JVM, for a service module's test that cannot reach the app's
 * command: {@code ServiceMain APP_CLASS SETTINGS [CLOCK_FILE]}. The service is found by name, through the
 * {@code NAME} and {@code create(ServiceContext)} that every {@code <Svc>App} has, because the kit sits below the
 * services and cannot name them.
 */
public final class ServiceMain {

    private ServiceMain() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> app = Class.forName(args[0]);
        String name = (String) app.getField("NAME").get(null);
        MethodHandle create = MethodHandles.publicLookup().findStatic(app, "create",
                MethodType.methodType(Service.class, ServiceContext.class));
        ServiceFactory factory = context -> {
            try {
                return (Service) create.invoke(context);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        };
        PagerConfig settings = PagerConfig.load(Optional.of(Path.of(args[1])));
        Clock clock = args.length > 2 ? new FileClock(Path.of(args[2])) : Clock.systemUTC();
        try (ServiceRunner runner = ServiceRunner.start(settings, Map.of(name, factory), clock)) {
            runner.awaitShutdown();
        }
    }
}
