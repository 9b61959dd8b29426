package dev.claudebridge.daemon.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.daemon.exec.TreeIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunningLedgerTest {
    @Test
    void aTreeIsNotedEvenAfterTheLedgersDirectoryWasRemoved(@TempDir Path dir) throws Exception {
        Path audit = dir.resolve("audit.log");
        TreeIdentity self = TreeIdentity.of(ProcessHandle.current().pid()).orElseThrow();
        RunningLedger ledger = RunningLedger.of(audit, self);
        assertThat(ledger.add("r1", self)).isEmpty();
        Path daemonDir = RunningLedger.root(audit).resolve(self.line().replace(' ', '_'));
        assertThat(Files.readString(daemonDir.resolve("r1"))).isEqualTo(self.line() + "\n");
        ledger.remove("r1");
        Files.delete(daemonDir); // removed behind the daemon's back (by hand)

        assertThat(ledger.add("r2", self)).isEmpty();
        assertThat(TreeIdentity.parse(Files.readString(daemonDir.resolve("r2"))))
                .contains(self);
        assertThat(RunningLedger.recover(audit).requestIds())
                .as("this daemon is alive: its trees are not another's to end")
                .isEmpty();
    }
}
