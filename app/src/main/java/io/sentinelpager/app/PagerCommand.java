package io.sentinelpager.app;

import io.sentinelpager.platform.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The pager command: run the demo, run services against a cluster, and look at topics. */
@Command(name = "pager", mixinStandardHelpOptions = true, version = "Sentinel Pager 0.1.0",
        description = "Pages the on-call responder for Microsoft Sentinel and Defender alerts.%n"
                + "Services: pager ingest|enrich|policy|escalate|notify|responder|syncback|all --config FILE",
        subcommands = {DemoCommand.class, ValidateCommand.class, ApplyCommand.class, GetCommand.class,
                TailCommand.class, TopicsCommand.class, EmulatorCommand.class, PasswdCommand.class, VapidCommand.class,
                CommandLine.HelpCommand.class})
public final class PagerCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Every subcommand; a configuration error is printed as its message alone, which says what and where. */
    static CommandLine commandLine() {
        CommandLine pager = new CommandLine(new PagerCommand());
        ServiceCommand.register(pager);
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
