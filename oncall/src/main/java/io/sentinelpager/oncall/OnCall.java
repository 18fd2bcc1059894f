package io.sentinelpager.oncall;

import io.sentinelpager.schemas.AppOverride;
import io.sentinelpager.schemas.LayerRestriction;
import io.sentinelpager.schemas.RotationLayer;
import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.ScheduleOverride;
import io.sentinelpager.schemas.TeamConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who is on call at an instant. A schedule's overrides win over its layers; among layers, the last one that is active
 * and has someone on duty wins (a weekend layer listed after the weekly rotation covers the weekend). Shift arithmetic
 * is done in the schedule's time zone, so a daily 09:00 hand-off stays at 09:00 local time across daylight-saving
 * changes. Pure: no Kafka, no clock of its own (the instant is passed in).
 */
public final class OnCall {

    /** One person's time on duty. */
    public record Shift(String user, Instant start, Instant end) {
    }

    private OnCall() {
    }

    /**
     * The schedules with the app's overrides (config.overrides) on top of each schedule's own: listed after the YAML
     * overrides, so they win where both cover an instant, and in start order among themselves. Every reader of
     * "who is on call" (escalate, the responder) passes its schedules through here, so both see the same people. An
     * override of a schedule that is not configured changes nothing.
     */
    public static Map<String, ScheduleConfig> withAppOverrides(Map<String, ScheduleConfig> schedules,
                                                               Collection<AppOverride> overrides) {
        if (overrides.isEmpty()) {
            return schedules;
        }
        Map<String, ScheduleConfig> out = new LinkedHashMap<>(schedules);
        overrides.stream().sorted(Comparator.comparing(AppOverride::getStart)).forEach(o -> {
            ScheduleConfig schedule = out.get(o.getScheduleId());
            if (schedule != null) {
                List<ScheduleOverride> all = new ArrayList<>(schedule.getOverrides());
                all.add(ScheduleOverride.newBuilder().setUser(o.getUser()).setStart(o.getStart()).setEnd(o.getEnd())
                        .build());
                out.put(schedule.getId(), ScheduleConfig.newBuilder(schedule).setOverrides(all).build());
            }
        });
        return out;
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

    /** The person a schedule has on duty at {@code at}, if anyone. */
    public static Optional<String> onDuty(ScheduleConfig schedule, Instant at) {
        for (int i = schedule.getOverrides().size() - 1; i >= 0; i--) {
            ScheduleOverride o = schedule.getOverrides().get(i);
            if (!at.isBefore(o.getStart()) && at.isBefore(o.getEnd())) {
                return Optional.of(o.getUser());
            }
        }
        ZoneId zone = ZoneId.of(schedule.getTimeZone());
        for (int i = schedule.getLayers().size() - 1; i >= 0; i--) {
            RotationLayer layer = schedule.getLayers().get(i);
            if (active(layer.getRestriction(), at.atZone(zone))) {
                Optional<String> user = rotation(schedule, layer, zone, at);
                if (user.isPresent()) {
                    return user;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Who is on duty from {@code from} to {@code to}: consecutive shifts, merged where the same person continues.
     * Found by stepping through the boundaries where anything can change (hand-offs, restriction windows,
     * overrides), so it agrees with {@link #onDuty} at every instant.
     */
    public static List<Shift> shifts(ScheduleConfig schedule, Instant from, Instant to) {
        List<Shift> out = new ArrayList<>();
        Instant start = from;
        Optional<String> current = onDuty(schedule, from);
        for (Instant t : boundaries(schedule, from, to)) {
            Optional<String> next = onDuty(schedule, t);
            if (!next.equals(current)) {
                if (current.isPresent()) {
                    out.add(new Shift(current.get(), start, t));
                }
                current = next;
                start = t;
            }
        }
        if (current.isPresent()) {
            out.add(new Shift(current.get(), start, to));
        }
        return out;
    }

    private static Optional<String> rotation(ScheduleConfig schedule, RotationLayer layer, ZoneId zone, Instant at) {
        List<String> participants = layer.getParticipants();
        if (participants.isEmpty()) {
            return Optional.empty();
        }
        Duration shift = shiftLength(schedule, layer);
        ZonedDateTime start = handoff(schedule, layer).atZone(zone);
        ZonedDateTime now = at.atZone(zone);
        if (now.isBefore(start)) {
            return Optional.of(participants.get(0));
        }
        long shifts = shiftsBetween(start, now, shift);
        return Optional.of(participants.get((int) Math.floorMod(shifts, (long) participants.size())));
    }

    private static long shiftsBetween(ZonedDateTime start, ZonedDateTime now, Duration shift) {
        if (shift.toHours() % 24 == 0 && shift.toHours() > 0) {
            // Whole days: count local calendar days, so DST does not move the hand-off hour. A hand-off time that
            // does not exist on a spring-forward day happens at the first valid instant after it (ZonedDateTime's
            // rule), and the repeated hour of a fall-back day hands off at its first occurrence.
            long days = ChronoUnit.DAYS.between(start.toLocalDate(), now.toLocalDate());
            ZonedDateTime todaysHandoff = start.toLocalTime().atDate(now.toLocalDate()).atZone(now.getZone());
            if (now.isBefore(todaysHandoff)) {
                days--;
            }
            return Math.floorDiv(days, shift.toDays());
        }
        // Hourly and custom lengths are elapsed time: a 12-hour shift is 12 real hours, even across a DST change.
        return Math.floorDiv(Duration.between(start, now).toMillis(), shift.toMillis());
    }

    /** Whether a restricted layer is in its window at this local time; an unrestricted layer always is. */
    private static boolean active(LayerRestriction restriction, ZonedDateTime local) {
        return restriction == null
                || TimeWindow.of(restriction.getFrom(), restriction.getTo(), restriction.getDays()).contains(local);
    }

    private static List<Instant> boundaries(ScheduleConfig schedule, Instant from, Instant to) {
        java.util.TreeSet<Instant> out = new java.util.TreeSet<>();
        ZoneId zone = ZoneId.of(schedule.getTimeZone());
        for (ScheduleOverride o : schedule.getOverrides()) {
            out.add(o.getStart());
            out.add(o.getEnd());
        }
        for (RotationLayer layer : schedule.getLayers()) {
            Duration shift = shiftLength(schedule, layer);
            ZonedDateTime start = handoff(schedule, layer).atZone(zone);
            boolean days = shift.toHours() % 24 == 0;
            ZonedDateTime t = start;
            // Walk hand-offs from the layer start; a year of hourly shifts is under 9,000 steps.
            for (int i = 0; t.toInstant().isBefore(to) && i < 100_000; i++) {
                out.add(t.toInstant());
                t = days ? start.plusDays(shift.toDays() * (i + 1)) : start.plus(shift.multipliedBy(i + 1));
            }
            LayerRestriction r = layer.getRestriction();
            if (r != null) {
                for (LocalDate d = from.atZone(zone).toLocalDate().minusDays(1);
                     !d.isAfter(to.atZone(zone).toLocalDate()); d = d.plusDays(1)) {
                    out.add(LocalTime.parse(r.getFrom()).atDate(d).atZone(zone).toInstant());
                    out.add(LocalTime.parse(r.getTo()).atDate(d).atZone(zone).toInstant());
                }
            }
        }
        return out.stream().filter(i -> i.isAfter(from) && i.isBefore(to)).toList();
    }

    private static LocalDateTime handoff(ScheduleConfig schedule, RotationLayer layer) {
        try {
            return LocalDateTime.parse(layer.getHandoffStart());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("schedule " + schedule.getId() + " layer " + layer.getName()
                    + ": handoffStart '" + layer.getHandoffStart() + "' is not a local date-time such as 2026-01-05T09:00", e);
        }
    }

    private static Duration shiftLength(ScheduleConfig schedule, RotationLayer layer) {
        try {
            Duration shift = Duration.parse(layer.getShiftLength());
            if (shift.isZero() || shift.isNegative()) {
                throw new IllegalArgumentException("schedule " + schedule.getId() + " layer " + layer.getName()
                        + ": shiftLength must be positive, was " + layer.getShiftLength());
            }
            return shift;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("schedule " + schedule.getId() + " layer " + layer.getName()
                    + ": shiftLength '" + layer.getShiftLength() + "' is not an ISO-8601 duration such as P7D or PT12H", e);
        }
    }
}
