package io.sentinelpager.oncall;

import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.TeamConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who is on call for a team at an instant. A team with schedules pages whoever each schedule's rotation has on duty;
 * a team without schedules pages its first member. Pure: no Kafka, no clock of its own (the instant is passed in).
 */
public final class OnCall {

    private OnCall() {
    }

    /** The users to page for {@code team} at {@code at}, without duplicates, in schedule order. */
    public static List<String> recipients(TeamConfig team, Map<String, ScheduleConfig> schedules, Instant at) {
        Set<String> users = new LinkedHashSet<>();
        for (String scheduleId : team.getScheduleIds()) {
            ScheduleConfig schedule = schedules.get(scheduleId);
            if (schedule != null) {
                onDuty(schedule, at).ifPresent(users::add);
            }
        }
        if (users.isEmpty() && !team.getMembers().isEmpty()) {
            users.add(team.getMembers().get(0));
        }
        return new ArrayList<>(users);
    }

    /**
     * The participant on duty in a rotation. Shifts are counted in the rotation's time zone, so a daily handoff at
     * 09:00 stays at 09:00 local time across daylight-saving changes.
     */
    public static java.util.Optional<String> onDuty(ScheduleConfig schedule, Instant at) {
        List<String> participants = schedule.getParticipants();
        if (participants.isEmpty()) {
            return java.util.Optional.empty();
        }
        ZoneId zone = ZoneId.of(schedule.getTimeZone());
        Duration shift = shiftLength(schedule);
        ZonedDateTime start = LocalDateTime.parse(schedule.getHandoffStart()).atZone(zone);
        ZonedDateTime now = at.atZone(zone);
        if (now.isBefore(start)) {
            return java.util.Optional.of(participants.get(0));
        }
        long shifts = shiftsBetween(start, now, shift);
        return java.util.Optional.of(participants.get((int) Math.floorMod(shifts, (long) participants.size())));
    }

    private static long shiftsBetween(ZonedDateTime start, ZonedDateTime now, Duration shift) {
        if (shift.toHours() % 24 == 0 && shift.toHours() > 0) {
            // Whole days: count local calendar days, so DST does not move the handoff hour.
            long days = java.time.temporal.ChronoUnit.DAYS.between(start.toLocalDate(), now.toLocalDate());
            if (now.toLocalTime().isBefore(start.toLocalTime())) {
                days--;
            }
            return Math.floorDiv(days, shift.toDays());
        }
        return Math.floorDiv(Duration.between(start, now).toMillis(), shift.toMillis());
    }

    private static Duration shiftLength(ScheduleConfig schedule) {
        try {
            Duration shift = Duration.parse(Objects.requireNonNull(schedule.getShiftLength()));
            if (shift.isZero() || shift.isNegative()) {
                throw new IllegalArgumentException("schedule " + schedule.getId() + ": shiftLength must be positive, was "
                        + schedule.getShiftLength());
            }
            return shift;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("schedule " + schedule.getId() + ": shiftLength '"
                    + schedule.getShiftLength() + "' is not an ISO-8601 duration such as P7D or PT12H", e);
        }
    }
}
