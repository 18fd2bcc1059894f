package io.sentinelpager.syncback;

import io.sentinelpager.platform.kafka.CompletedIds;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.SyncOutcome;
import io.sentinelpager.schemas.SyncResult;
import java.time.Clock;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a sync command unless its id was already applied, and records what Azure answered. A PATCH is idempotent
 * anyway; the applied ids keep comments, which are not, from being posted twice.
 */
final class SyncProcessor implements Processor<String, SyncCommand, String, SyncResult> {

    private static final Logger log = LoggerFactory.getLogger(SyncProcessor.class);

    private final SyncWriter writer;
    private final Clock clock;
    private ProcessorContext<String, SyncResult> context;
    private CompletedIds applied;

    SyncProcessor(SyncWriter writer, Clock clock) {
        this.writer = writer;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, SyncResult> context) {
        this.context = context;
        this.applied = CompletedIds.open(context, SyncbackTopology.APPLIED_STORE);
    }

    @Override
    public void process(Record<String, SyncCommand> record) {
        SyncCommand command = record.value();
        if (applied.contains(command.getCommandId())) {
            return;
        }
        SyncWriter.Result result = writer.apply(command);
        SyncResult out = SyncResult.newBuilder().setCommandId(command.getCommandId()).setAlertKey(command.getAlertKey())
                .setOutcome(result.outcome()).setHttpStatus(result.httpStatus()).setDetail(RecordLimits.cut(result.detail(), RecordLimits.DETAIL_BYTES))
                .setAt(clock.instant()).build();
        if (result.outcome() == SyncOutcome.APPLIED) {
            applied.add(command.getCommandId(), clock.instant());
        } else {
            log.warn("sync of {} to {} not applied: {}", command.getCommandId(), command.getAlertKey(), result.detail());
        }
        context.forward(record.withValue(out));
    }
}
