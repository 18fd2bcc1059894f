package io.sentinelpager.app;

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
        CommandLine pager = new CommandLine(new PagerCommand());
        ServiceCommand.register(pager);
        System.exit(pager.execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
