package io.sentinelpager.syncback;

import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.SyncOutcome;
import io.sentinelpager.schemas.SyncResult;
import java.time.Clock;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a sync command unless its id is in the applied store (changelogged, so a replay after a restart is
 * skipped). A PATCH is idempotent anyway; the store keeps comments, which are not, from being posted twice.
 */
final class SyncProcessor implements Processor<String, SyncCommand, String, SyncResult> {

    private static final Logger log = LoggerFactory.getLogger(SyncProcessor.class);

    private final GraphWriter writer;
    private final Clock clock;
    private ProcessorContext<String, SyncResult> context;
    private KeyValueStore<String, Long> applied;

    SyncProcessor(GraphWriter writer, Clock clock) {
        this.writer = writer;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, SyncResult> context) {
        this.context = context;
        this.applied = context.getStateStore(SyncbackTopology.APPLIED_STORE);
    }

    @Override
    public void process(Record<String, SyncCommand> record) {
        SyncCommand command = record.value();
        if (applied.get(command.getCommandId()) != null) {
            return;
        }
        GraphWriter.Result result = writer.apply(command);
        SyncResult out = SyncResult.newBuilder().setCommandId(command.getCommandId()).setAlertKey(command.getAlertKey())
                .setOutcome(result.outcome()).setHttpStatus(result.httpStatus()).setDetail(result.detail())
                .setAt(clock.instant()).build();
        if (result.outcome() == SyncOutcome.APPLIED) {
            applied.put(command.getCommandId(), clock.millis());
        } else {
            log.warn("sync of {} to {} not applied: {}", command.getCommandId(), command.getAlertKey(), result.detail());
        }
        context.forward(record.withValue(out));
    }
}
