package io.sentinelpager.oncall.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentinelpager.schemas.ContactMethod;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.EntraIdentity;
import io.sentinelpager.schemas.EntraIds;
import io.sentinelpager.schemas.NotificationRule;
import io.sentinelpager.schemas.Urgency;
import io.sentinelpager.schemas.UserConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The {@code users} section: each user with the contact methods and notification rules that say how to reach them. */
final class UsersReader {

    /**
     * What a Teams, ntfy or webhook URL holds: the contact method's address is only a name, and notify's secret
     * setting {@code notify.<type>.secret.url.<name>} holds the URL, a credential that must stay out of the
     * configuration files and the config.users topic. Case does not matter to notify.
     */
    private static final Map<ContactMethodType, String> NAMED_URLS = Map.of(
            ContactMethodType.TEAMS, "Workflows URL",
            ContactMethodType.NTFY, "topic URL (https://ntfy.sh/<topic>)",
            ContactMethodType.WEBHOOK, "URL");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private UsersReader() {
    }

    static void read(Item item, Definitions defined) {
        if (!item.fields(Kind.USER, "id", "name", "email", "entra", "phone", "timeZone", "contactMethods",
                "notificationRules")) {
            return;
        }
        String id = item.id(Kind.USER);
        String name = item.text("name", true);
        String zone = item.zone("timeZone", "UTC");
        List<ContactMethod> methods = contactMethods(item);
        List<NotificationRule> rules = rules(item, methods);
        EntraIdentity entra = entra(item);
        if (id != null && name != null) {
            Definitions.put(defined.users, Kind.USER, id, item, UserConfig.newBuilder().setId(id).setName(name)
                    .setEmail(item.text("email", false)).setEntra(entra).setTimeZone(zone).setContactMethods(methods)
                    .setNotificationRules(rules).build());
        }
    }

    /**
     * {@code entra: {tenant: <tid>, object: <oid>}}: who the person is in Entra ID, from the ID token the responder
     * logged when they first signed in. The admin's adding it is what links the person to this user.
     */
    private static EntraIdentity entra(Item user) {
        if (!user.node.has("entra")) {
            return null;
        }
        Item entra = user.child("entra");
        if (!entra.fields(Kind.part("", "entra"), "tenant", "object")) {
            return null;
        }
        String tenant = guid(entra, "tenant", "directory (tenant) id, the ID token's tid");
        String object = guid(entra, "object", "person's object id, the ID token's oid");
        return tenant == null || object == null ? null
                : EntraIdentity.newBuilder().setTenantId(tenant).setObjectId(object).build();
    }

    private static String guid(Item entra, String field, String what) {
        String value = entra.text(field, true);
        if (value != null && !EntraIds.isGuid(value)) {
            entra.report(field, "entra " + field + " '" + value + "' must be the " + what + ", a GUID such as"
                    + " 3f2504e0-4f89-41d3-9a0c-0305e82c3301");
            return null;
        }
        return value == null ? null : EntraIds.normalized(value);
    }

    /** {@code contactMethods: [{type: sms, address: "+4915..."}, {type: teams, address: soc-channel}]} */
    private static List<ContactMethod> contactMethods(Item user) {
        List<ContactMethod> methods = new ArrayList<>();
        JsonNode list = user.node.get("contactMethods");
        if (list != null && list.isArray()) {
            for (int i = 0; i < list.size(); i++) {
                Item method = user.element("contactMethods", i, user.label() + " contact method " + (i + 1));
                if (!method.fields(Kind.part("a", "contact method"), "type", "address")) {
                    continue;
                }
                String type = method.text("type", true);
                String address = method.text("address", true);
                ContactMethodType parsed = Item.enumValue(ContactMethodType.class, type);
                if (type != null && (parsed == null || parsed == ContactMethodType.UNKNOWN)) {
                    method.report("type", "contact method type '" + type + "' is not one of inbox, push, sms,"
                            + " voice, email, teams, ntfy, webhook");
                } else if (parsed != null && address != null) {
                    namedUrl(method, parsed, address);
                    methods.add(ContactMethod.newBuilder().setType(parsed).setAddress(address).build());
                }
            }
        } else if (list != null) {
            user.report("contactMethods", "'contactMethods' must be a list");
        }
        return methods;
    }

    /** The address of a contact method whose URL is a secret must be a name; the problem never repeats the address. */
    private static void namedUrl(Item method, ContactMethodType type, String address) {
        String what = NAMED_URLS.get(type);
        if (what == null || NAME.matcher(address).matches()) {
            return;
        }
        String setting = "notify." + type.name().toLowerCase(Locale.ROOT) + ".secret.url.<name>";
        boolean url = address.contains("://") || address.contains("/") || address.contains(":");
        method.report("address", url
                ? "address must be a name, not a URL (the URL is a secret); put the " + what + " in " + setting
                        + " and the name here"
                : "address must be a name (letters, digits, '.', '_' or '-', at most 64) for the " + what + " in "
                        + setting);
    }

    /** {@code notificationRules: {high: [{method: push, afterMinutes: 0}, {method: sms, afterMinutes: 2}], low: [...]}} */
    private static List<NotificationRule> rules(Item user, List<ContactMethod> methods) {
        List<NotificationRule> rules = new ArrayList<>();
        if (!user.node.has("notificationRules")) {
            return rules;
        }
        Item byUrgency = user.child("notificationRules");
        if (!byUrgency.fields(Kind.part("", "notification rules"), "high", "low")) {
            return rules;
        }
        for (String urgency : List.of("high", "low")) {
            JsonNode list = byUrgency.node.get(urgency);
            if (list == null) {
                continue;
            }
            if (!list.isArray()) {
                byUrgency.report(urgency, "'" + urgency + "' must be a list of {method, afterMinutes}");
                continue;
            }
            for (int i = 0; i < list.size(); i++) {
                Item rule = byUrgency.element(urgency, i, user.label() + " " + urgency + "-urgency rule " + (i + 1));
                if (!rule.fields(Kind.part("a", "rule"), "method", "afterMinutes")) {
                    continue;
                }
                String method = rule.text("method", true);
                int after = rule.integer("afterMinutes", 0, 0, 120);
                ContactMethodType type = Item.enumValue(ContactMethodType.class, method);
                if (method != null && methods.stream().noneMatch(m -> m.getType() == type)) {
                    rule.report("method", "method '" + method + "' is not one of this user's contact methods "
                            + methods.stream().map(m -> m.getType().name().toLowerCase(Locale.ROOT)).toList());
                } else if (type != null) {
                    rules.add(NotificationRule.newBuilder().setUrgency(Urgency.valueOf(urgency.toUpperCase(Locale.ROOT)))
                            .setContactMethod(type).setDelayMinutes(after).build());
                }
            }
        }
        return rules;
    }
}
