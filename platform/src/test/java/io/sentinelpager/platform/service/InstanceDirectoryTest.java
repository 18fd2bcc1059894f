package io.sentinelpager.platform.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes on one host with the same state.dir: each gets a directory of its own, the first free one. */
class InstanceDirectoryTest {

    @TempDir
    Path base;

    @Test
    void eachHolderGetsItsOwnDirectoryAndAFreedOneIsTakenAgain() throws Exception {
        try (InstanceDirectory first = InstanceDirectory.take(base)) {
            Files.writeString(first.path().resolve("kept"), "state");
            try (InstanceDirectory second = InstanceDirectory.take(base)) {
                assertThat(first.path()).isEqualTo(base.resolve("instance-1"));
                assertThat(second.path()).isEqualTo(base.resolve("instance-2"));
                assertThat(second.memberId()).isNotEqualTo(first.memberId());
            }
        }
        String member;
        try (InstanceDirectory first = InstanceDirectory.take(base)) {
            member = first.memberId();
        }
        // A restarted process alone on its host finds its state where it left it, and is the same group member.
        try (InstanceDirectory again = InstanceDirectory.take(base)) {
            assertThat(again.memberId()).isEqualTo(member);
            assertThat(again.path()).isEqualTo(base.resolve("instance-1"));
            assertThat(again.path().resolve("kept")).hasContent("state");
        }
    }
}
