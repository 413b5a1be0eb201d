// Opens N idle sessions through a connector and holds them, to measure the connector's memory per
// idle session (see benchmarks/README.md):
//   java -cp benchmarks/target/benchmarks.jar benchmarks/IdleSessions.java PORT N HOLD_MILLIS
import java.sql.*;
import java.util.*;
public class IdleSessions {
    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]); int n = Integer.parseInt(a[1]); long holdMs = Long.parseLong(a[2]);
        List<Connection> open = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            open.add(DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/test?sslMode=DISABLED&allowPublicKeyRetrieval=true", "app", "secret"));
        }
        System.out.println("open " + open.size());
        System.out.flush();
        Thread.sleep(holdMs);
        for (Connection c : open) c.close();
    }
}
