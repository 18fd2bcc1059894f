package io.sentinelpager.platform.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code pager broker --node-id --voters --cluster-id} says about values it cannot use, before it starts. */
class EmbeddedKafkaTest {

    private static final String VOTERS = "1@127.0.0.1:9093, 2@127.0.0.1:9095,3@localhost:9097";
    private static final String CLUSTER_ID = "MkU3OEVBNTcwNTJENDM2Qg";

    @TempDir
    Path dir;

    @Test
    void aNodesControllerListensOnThePortTheVotersGiveItsId() {
        assertThat(EmbeddedKafka.controllerPort(1, VOTERS)).isEqualTo(9093);
        assertThat(EmbeddedKafka.controllerPort(2, VOTERS)).isEqualTo(9095);
        assertThat(EmbeddedKafka.controllerPort(3, VOTERS)).isEqualTo(9097);
    }

    @Test
    void aVoterThatIsNotIdAtHostColonPortIsNamedWhereverItStands() {
        // Node 1's own entry is fine: the one after it is still checked.
        assertThatThrownBy(() -> EmbeddedKafka.startNode(1, "1@127.0.0.1:9093,2:127.0.0.1:9095", CLUSTER_ID, 9092, dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("voter '2:127.0.0.1:9095' in '1@127.0.0.1:9093,2:127.0.0.1:9095' is not ID@HOST:PORT,"
                        + " e.g. 1@127.0.0.1:9093");
    }

    @Test
    void aNodeIdNotAmongTheVotersIsRefused() {
        assertThatThrownBy(() -> EmbeddedKafka.startNode(4, VOTERS, CLUSTER_ID, 9092, dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("node id 4 is not among the voters '" + VOTERS + "'");
    }

    @Test
    void aClusterIdKafkaCannotReadIsRefusedWithAnExample() {
        assertThatThrownBy(() -> EmbeddedKafka.startNode(1, VOTERS, "my-cluster", 9092, dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cluster id 'my-cluster' is not a Kafka cluster id: 22 characters of"
                        + " URL-safe base64, as 'kafka-storage random-uuid' prints, e.g. ");
    }
}
