package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.sentinelpager.schemas.TopicSpec;
import io.sentinelpager.schemas.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ARCHITECTURE.md's tables are the newcomer's map: they must name every topic of the catalog, no topic that is not in
 * it, and for each service exactly the topics its code uses.
 */
class ArchitectureDocTest {

    static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");
    static String doc;
    static JavaClasses classes;

    @BeforeAll
    static void read() throws IOException {
        Path here = Path.of("").toAbsolutePath();
        Path file = Files.exists(here.resolve("ARCHITECTURE.md")) ? here.resolve("ARCHITECTURE.md")
                : here.getParent().resolve("ARCHITECTURE.md");
        doc = Files.readString(file);
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.sentinelpager");
    }

    @Test
    void theServicesTableNamesEveryTopicOfTheCatalogAndNoOther() {
        Set<String> named = new TreeSet<>();
        servicesTable().values().forEach(named::addAll);

        assertThat(named).as("topics in the services table").containsExactlyInAnyOrderElementsOf(catalog());
    }

    @Test
    void eachServiceIsListedWithTheTopicsItsCodeUses() {
        Map<String, Set<String>> table = servicesTable();
        assertThat(table.keySet()).containsExactlyInAnyOrderElementsOf(ArchitectureTest.SERVICES);
        for (String service : ArchitectureTest.SERVICES) {
            assertThat(table.get(service)).as("topics of %s in ARCHITECTURE.md", service)
                    .containsExactlyInAnyOrderElementsOf(usedBy(service));
        }
    }

    @Test
    void theKeysTableGivesEveryTopicItsKey() {
        String keys = section("## Keys");
        Set<String> named = new TreeSet<>();
        for (String row : rows(keys)) {
            named.addAll(backticked(row.split("\\|")[1]));
        }
        Set<String> covered = catalog().stream().filter(topic -> named.contains(topic)
                || named.stream().anyMatch(n -> n.endsWith(".*") && topic.startsWith(n.substring(0, n.length() - 1))))
                .collect(Collectors.toSet());
        assertThat(covered).as("topics with a key in ARCHITECTURE.md").containsExactlyInAnyOrderElementsOf(catalog());
    }

    /** Service → the topics its row names, read or written. */
    private static Map<String, Set<String>> servicesTable() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String row : rows(section("## Services and topics"))) {
            String[] cells = row.split("\\|");
            Set<String> topics = new TreeSet<>(backticked(cells[2]));
            topics.addAll(backticked(cells[3]));
            out.put(cells[1].trim(), topics);
        }
        return out;
    }

    /** The topics a service's main code refers to through the catalog's constants. */
    private static Set<String> usedBy(String service) {
        Set<String> used = new TreeSet<>();
        for (JavaClass c : classes) {
            if (!c.getPackageName().startsWith("io.sentinelpager." + service)) {
                continue;
            }
            for (JavaFieldAccess access : c.getFieldAccessesFromSelf()) {
                if (access.getTarget().getOwner().isEquivalentTo(Topics.class)) {
                    try {
                        if (Topics.class.getField(access.getTarget().getName()).get(null) instanceof TopicSpec<?, ?> t) {
                            used.add(t.name());
                        }
                    } catch (ReflectiveOperationException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        }
        return used;
    }

    private static Set<String> catalog() {
        return Topics.ALL.stream().map(TopicSpec::name).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String section(String heading) {
        int start = doc.indexOf(heading + "\n");
        assertThat(start).as("ARCHITECTURE.md has a section '%s'", heading).isNotNegative();
        int end = doc.indexOf("\n## ", start + heading.length());
        return end < 0 ? doc.substring(start) : doc.substring(start, end);
    }

    /** The body rows of the first table in the text. */
    private static List<String> rows(String text) {
        return text.lines().filter(l -> l.startsWith("|")).skip(2).toList();
    }

    private static List<String> backticked(String cell) {
        Matcher m = BACKTICKED.matcher(cell);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
