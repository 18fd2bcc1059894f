package io.sentinelpager.oncall.config;

import java.nio.file.Path;

/** One thing wrong in the configuration, where it is: {@code teams.yaml:12: team soc: member 'bob' is not a user}. */
public record Problem(Path file, int line, String message) {

    @Override
    public String toString() {
        return (file == null ? "" : file.getFileName() + (line > 0 ? ":" + line : "") + ": ") + message;
    }
}
