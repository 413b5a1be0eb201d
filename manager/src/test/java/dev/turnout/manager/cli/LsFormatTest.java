package dev.turnout.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.push.PushCodec;
import org.junit.jupiter.api.Test;

class LsFormatTest {

    @Test
    void printsCoordinatorRoutersAndDatasourcesInTheSeedsLayout() throws Exception {
        String json = """
                {"coordinator":{"name":"host1","policy":"AUTOMATIC","state":"ONLINE"},"dataservice":"alpha",
                 "routers":[{"display":"connector@host1[8616](ONLINE, created=0, active=0)"}],
                 "topology":{"version":3,"policy":"AUTOMATIC","composites":[],"dataservices":[{"name":"alpha","datasources":[
                  {"name":"db1","host":"h1","port":3306,"role":"MASTER","state":"ONLINE","reachable":true,
                   "replication":"NONE","latencyMillis":0,"position":"0-1-42"},
                  {"name":"db2","host":"h2","port":3306,"role":"SLAVE","state":"FAILED","reachable":false,
                   "replication":"NONE","latencyMillis":-1,"position":""},
                  {"name":"db3","host":"h3","port":3306,"role":"SLAVE","state":"ONLINE","reachable":true,
                   "replication":"RUNNING","latencyMillis":1234,"position":"0-1-41"}]}]}}
                """;

        String ls = LsFormat.render(PushCodec.mapper().readTree(json));

        String rule = "+" + "-".repeat(76) + "+";
        assertThat(ls)
                .isEqualTo("COORDINATOR[host1:AUTOMATIC:ONLINE]\n\n"
                        + "ROUTERS:\n" + rule + "\n"
                        + "|connector@host1[8616](ONLINE, created=0, active=0)                          |\n"
                        + rule + "\n\n"
                        + "DATASOURCES:\n" + rule + "\n"
                        + "|db1(master:ONLINE, latency=0.000, position=0-1-42)                          |\n"
                        + "|db2(slave:FAILED, latency=-1, position=unknown, replication=NONE, UNREACHABLE)|\n"
                        + "|db3(slave:ONLINE, latency=1.234, position=0-1-41, replication=RUNNING)      |\n"
                        + rule + "\n");
    }

    @Test
    void printsTheManagersOfAGroupAndNoQuorum() throws Exception {
        String json = """
                {"coordinator":{"name":"db1","policy":"AUTOMATIC","state":"NO QUORUM"},"dataservice":"alpha",
                 "group":{"self":"db3","quorum":false,"managers":[
                   {"name":"db1","kind":"MANAGER","state":"ONLINE"},{"name":"db2","kind":"MANAGER","state":"OFFLINE"},
                   {"name":"db3","kind":"MANAGER","state":"ONLINE"}],"witnesses":["w1"]},
                 "routers":[],
                 "topology":{"version":3,"policy":"AUTOMATIC","composites":[],"dataservices":[]}}
                """;

        String ls = LsFormat.render(PushCodec.mapper().readTree(json));

        assertThat(ls)
                .startsWith("COORDINATOR[db1:AUTOMATIC:NO QUORUM]\n\nMANAGERS:\n")
                .contains("|db1(coordinator, manager:ONLINE)")
                .contains("|db2(manager:OFFLINE)")
                .contains("|db3(manager:ONLINE, this manager, NO QUORUM)")
                .contains("|w1(passive witness)");
    }
}
