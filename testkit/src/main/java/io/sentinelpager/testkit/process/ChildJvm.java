package io.sentinelpager.testkit.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Starts services in child JVMs on the test's own class path, for tests that kill them with kill -9 and start them
 * again. A child's settings are NAME.properties and its output NAME.log, in the test's directory, where a failed run
 * leaves both to read.
 */
public final class ChildJvm {

    /** Enough for one service; two crash tests' children and the test JVM share a small machine. */
    public static final String HEAP = "-Xmx384m";

    private final Path dir;

    public ChildJvm(Path dir) {
        this.dir = dir;
    }

    /** Writes NAME.properties, readable by its owner only since settings may hold secrets, and returns its path. */
    public Path settings(String name, Map<String, String> settings) throws IOException {
        Path file = dir.resolve(name + ".properties");
        Files.writeString(file, settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n")));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /**
     * The one service that {@code app} wires, under the runner that {@code pager <service> --config} uses, on the
     * system clock: for the service modules, which cannot depend on the app's command. {@code app} is a service's
     * {@code <Svc>App}, with its {@code NAME} and {@code create(ServiceContext)}.
     */
    public Process service(String name, Class<?> app, Path settings) throws IOException {
        return main(name, HEAP, ServiceMain.class.getName(), app.getName(), settings.toString());
    }

    /** The same, on the time written in {@code clockFile}, which the test moves with {@code FileClock.set}. */
    public Process service(String name, Class<?> app, Path settings, Path clockFile) throws IOException {
        return main(name, HEAP, ServiceMain.class.getName(), app.getName(), settings.toString(), clockFile.toString());
    }

    /** Any main class on the test's class path, e.g. the app's own {@code PagerCommand}. */
    public Process main(String name, String maxHeap, String mainClass, String... args) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, maxHeap, "-cp", classpath, mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    /** SIGKILL: no shutdown hook, no commit, no close. Returns once the process is gone. */
    public static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed process %d is gone", process.pid()).isTrue();
    }
}
