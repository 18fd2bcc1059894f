package io.sentinelpager.escalate;

import static io.sentinelpager.escalate.LifecycleTest.T0;
import static io.sentinelpager.escalate.LifecycleTest.ana;
import static io.sentinelpager.escalate.LifecycleTest.directory;
import static io.sentinelpager.escalate.LifecycleTest.grouped;
import static io.sentinelpager.escalate.LifecycleTest.lifecycle;
import static io.sentinelpager.escalate.LifecycleTest.routed;
import static io.sentinelpager.escalate.LifecycleTest.soc;
import static io.sentinelpager.escalate.LifecycleTest.sourceChanged;
import static io.sentinelpager.escalate.LifecycleTest.step;
import static io.sentinelpager.escalate.LifecycleTest.target;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.SourceStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a page says and under which key it is sent. */
class NotificationsTest {

    @Test
    void aGroupedPageIsPagedUnderItsGroupKeySoThatItsLinkAndReceiptsFindIt() {
        List<NotificationRequest> pages = lifecycle.routed(Optional.empty(), grouped("c1:a1"), directory, T0).emitted()
                .stream().filter(NotificationRequest.class::isInstance).map(NotificationRequest.class::cast).toList();
        assertThat(pages).extracting(NotificationRequest::getNotificationId)
                .containsExactly("c1:incident:33/round-0/step-0/ana/inbox", "c1:incident:33/round-0/step-0/ana/email");
        assertThat(pages).allSatisfy(p -> {
            assertThat(p.getAlertKey()).isEqualTo("c1:incident:33");
            assertThat(p.getBody()).contains("https://pager.example/api/alerts/c1:incident:33/ack");
        });
    }

    @Test
    void eachPageCarriesTheEnrichmentSummaryAndNamesTheOthersPagedInTheStep() {
        io.sentinelpager.schemas.EscalationChainConfig chain = io.sentinelpager.schemas.EscalationChainConfig.newBuilder()
                .setId("default").setName("d").setSteps(List.of(step(10,
                        target(io.sentinelpager.schemas.TargetKind.USER, "ana"),
                        target(io.sentinelpager.schemas.TargetKind.USER, "ben"))))
                .build();
        Lifecycle.Directory withChain = new Lifecycle.Directory(Map.of("soc", soc)::get, Map.of("ana", ana)::get,
                Map.of(), Map.of("default", chain)::get);

        List<NotificationRequest> pages = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), withChain, T0)
                .emitted().stream().filter(NotificationRequest.class::isInstance).map(NotificationRequest.class::cast)
                .toList();

        assertThat(pages).extracting(NotificationRequest::getUserId).containsExactly("ana", "ana", "ben");
        assertThat(pages).allSatisfy(p -> assertThat(p.getSummary()).isEqualTo("host pc-17"));
        assertThat(pages).filteredOn(p -> p.getUserId().equals("ana"))
                .allSatisfy(p -> assertThat(p.getAlsoPaged()).containsExactly("ben"));
        assertThat(pages).filteredOn(p -> p.getUserId().equals("ben"))
                .allSatisfy(p -> assertThat(p.getAlsoPaged()).containsExactly("ana"));
    }

    /** notify's time to page starts at the alert's creation in Azure, and only a page starts one. */
    @Test
    void aPageCarriesItsConnectorAndWhenTheAlertWasCreatedAndTheNewsAboutItOnlyTheConnector() {
        Lifecycle.Outcome opened = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), directory,
                T0.plusSeconds(5));
        AlertLifecycle paged = opened.state().orElseThrow();
        List<NotificationRequest> pages = opened.emitted().stream().filter(NotificationRequest.class::isInstance)
                .map(NotificationRequest.class::cast).toList();
        List<NotificationRequest> news = lifecycle.action(Optional.of(paged),
                sourceChanged("c1:a1", SourceStatus.RESOLVED), directory, T0.plusSeconds(60))
                .emitted().stream().filter(NotificationRequest.class::isInstance).map(NotificationRequest.class::cast)
                .toList();

        assertThat(pages).isNotEmpty().allSatisfy(p -> {
            assertThat(p.getConnectorId()).isEqualTo("c1");
            assertThat(p.getAlertCreatedAt()).isEqualTo(T0);
        });
        assertThat(news).isNotEmpty().allSatisfy(n -> {
            assertThat(n.getConnectorId()).isEqualTo("c1");
            assertThat(n.getAlertCreatedAt()).isNull();
        });
    }
}
