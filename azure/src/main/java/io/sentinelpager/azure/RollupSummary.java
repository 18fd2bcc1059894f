package io.sentinelpager.azure;

/**
 * The comment syncback adds to an incident it rolls up (in progress or resolved because all its alerts are). Ingest
 * reads incident comments back as analysts' comments, and must know this one for ours: it has no sync command of its
 * own to match, so it is known by its opening words.
 */
public final class RollupSummary {

    /** How every roll-up comment starts; nobody types it by hand. */
    public static final String PREFIX = "Sentinel Pager roll-up: ";

    private RollupSummary() {
    }

    public static boolean isRollupSummary(String comment) {
        return comment != null && comment.startsWith(PREFIX);
    }
}
