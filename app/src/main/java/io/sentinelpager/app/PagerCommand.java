package io.sentinelpager.app;

import io.sentinelpager.app.bench.BenchCommand;
import io.sentinelpager.platform.config.ConfigException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The pager command: run the demo, run services against a cluster, and look at topics. */
@Command(name = "pager", mixinStandardHelpOptions = true, version = "Sentinel Pager 0.1.0",
        description = "Pages the on-call responder for Microsoft Sentinel and Defender alerts.%n"
                + "Services: pager ingest|enrich|policy|escalate|notify|responder|syncback|reports|all --config FILE",
        subcommands = {DemoCommand.class, BenchCommand.class, ValidateCommand.class, ApplyCommand.class, GetCommand.class,
                TailCommand.class, TopicsCommand.class, EmulatorCommand.class, BrokerCommand.class, RegistryCommand.class,
                PasswdCommand.class, VapidCommand.class,
                CommandLine.HelpCommand.class})
public final class PagerCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * Set by the ./pager script to the directory it was run from, before it changes into the checkout: paths given
     * on the command line are the caller's, relative to where they stand.
     */
    static final String CALLER_DIR = "PAGER_CALLER_DIR";

    /** Every subcommand; a configuration error is printed as its message alone, which says what and where. */
    static CommandLine commandLine() {
        return commandLine(System.getenv(CALLER_DIR));
    }

    static CommandLine commandLine(String callerDir) {
        CommandLine pager = new CommandLine(new PagerCommand());
        ServiceCommand.register(pager);
        // After every subcommand is added: picocli gives a converter to the subcommands present when it is registered.
        Path base = callerDir == null || callerDir.isBlank() ? null : Path.of(callerDir);
        pager.registerConverter(Path.class, text -> base == null ? Path.of(text) : base.resolve(text));
        pager.setExecutionExceptionHandler((e, command, parsed) -> {
            if (!(e instanceof ConfigException)) {
                throw e;
            }
            command.getErr().println(command.getColorScheme().errorText(e.getMessage()));
            return command.getCommandSpec().exitCodeOnExecutionException();
        });
        return pager;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
