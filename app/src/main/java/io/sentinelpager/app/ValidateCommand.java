package io.sentinelpager.app;

import io.sentinelpager.oncall.config.ConfigLoader;
import io.sentinelpager.oncall.config.Problem;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pager validate -f DIR}: check a configuration directory without publishing anything. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check users, teams, schedules, escalations and policies in a directory of YAML files.")
final class ValidateCommand implements Callable<Integer> {

    @Option(names = {"-f", "--file"}, required = true, description = "directory of YAML files")
    Path directory;

    @Override
    public Integer call() {
        return report(ConfigLoader.load(directory), System.out, System.err) ? 0 : 1;
    }

    /** Prints the problems (or a summary when there are none); true when the configuration is valid. */
    static boolean report(ConfigLoader.Result result, PrintStream out, PrintStream err) {
        for (Problem problem : result.problems()) {
            err.println(problem);
        }
        if (!result.valid()) {
            err.println(result.problems().size() + " problem(s); nothing was published");
            return false;
        }
        var c = result.config();
        out.printf("valid: %d users, %d teams, %d schedules, %d escalation chains, %d policies%n", c.users().size(),
                c.teams().size(), c.schedules().size(), c.escalations().size(), c.policies().size());
        return true;
    }
}
