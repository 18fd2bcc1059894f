package io.sentinelpager.app;

import io.sentinelpager.oncall.config.ConfigLoader;
import io.sentinelpager.oncall.config.ConfigSet;
import io.sentinelpager.oncall.config.Problem;
import io.sentinelpager.platform.config.PagerConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pager validate -f DIR}: check a configuration directory without publishing anything. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check users, teams, schedules, escalations and policies in a directory of YAML files.")
final class ValidateCommand implements Callable<Integer> {

    @Option(names = {"-f", "--file"}, required = true, description = "directory of YAML files")
    Path directory;

    @Option(names = {"-c", "--config"}, description = "the services' settings (repeatable, a later file winning):"
            + " warn about contact methods notify cannot send to with them")
    List<Path> settings = new ArrayList<>();

    @Override
    public Integer call() {
        ConfigLoader.Result result = ConfigLoader.load(directory);
        if (!report(result, System.out, System.err)) {
            return 1;
        }
        if (!settings.isEmpty()) {
            warnAboutChannels(result.config(), Services.settings(settings), System.err);
        }
        return 0;
    }

    /** Contact methods notify cannot send to with these settings, as warnings: publishing them is not wrong. */
    static void warnAboutChannels(ConfigSet config, PagerConfig settings, PrintStream err) {
        ChannelCheck.warnings(config, settings).forEach(warning -> err.println("warning: " + warning));
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
