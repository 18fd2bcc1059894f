package io.sentinelpager.azure;

import com.microsoft.graph.models.security.AlertClassification;
import com.microsoft.graph.models.security.AlertDetermination;
import com.microsoft.graph.models.security.AlertStatus;

/**
 * What a Graph alert PATCH changes: the four properties Graph lets a client write. A null
 * component is left unchanged (it is not sent), so this cannot clear assignedTo.
 */
public record AlertUpdate(AlertStatus status, String assignedTo, AlertClassification classification,
                          AlertDetermination determination) {

    public AlertUpdate {
        if (status == null && assignedTo == null && classification == null && determination == null) {
            throw new IllegalArgumentException("an alert update must change at least one of status, assignedTo,"
                    + " classification and determination");
        }
        if (status == AlertStatus.UnknownFutureValue || classification == AlertClassification.UnknownFutureValue
                || determination == AlertDetermination.UnknownFutureValue) {
            throw new IllegalArgumentException("unknownFutureValue is a placeholder Graph sends, not a value to set");
        }
    }

    public static AlertUpdate status(AlertStatus status) {
        return new AlertUpdate(status, null, null, null);
    }
}
