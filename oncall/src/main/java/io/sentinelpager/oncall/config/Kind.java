package io.sentinelpager.oncall.config;

/**
 * What an object of the configuration is, as its problems name it: "a user must be a mapping". An object with an id of
 * its own (a user, a team, a schedule, an escalation chain, a policy) is named by that id in every problem, even in
 * those found before its id is checked, so that a reader finds it by its name in the file rather than its position.
 */
record Kind(String article, String noun, boolean namedById) {

    static final Kind USER = new Kind("a", "user", true);
    static final Kind TEAM = new Kind("a", "team", true);
    static final Kind SCHEDULE = new Kind("a", "schedule", true);
    static final Kind ESCALATION_CHAIN = new Kind("an", "escalation chain", true);
    static final Kind POLICY = new Kind("a", "policy", true);

    /** A part of an object (a contact method, a step, a route): problems name it after the object it belongs to. */
    static Kind part(String article, String noun) {
        return new Kind(article, noun, false);
    }

    /** The kind as a sentence names it: "a user", "an override", or "notification rules" for a part without article. */
    String described() {
        return article.isEmpty() ? noun : article + " " + noun;
    }
}
