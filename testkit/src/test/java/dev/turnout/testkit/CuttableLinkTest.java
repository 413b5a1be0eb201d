package dev.turnout.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class CuttableLinkTest {

    @Test
    void relaysEndsConnectionsWhenCutAndRelaysAgainWhenHealed() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                CuttableLink link = CuttableLink.to("127.0.0.1", echo.getLocalPort())) {
            Thread server = new Thread(() -> {
                while (!echo.isClosed()) {
                    try {
                        Socket s = echo.accept();
                        Thread t = new Thread(() -> {
                            try (s;
                                    InputStream in = s.getInputStream();
                                    OutputStream out = s.getOutputStream()) {
                                int b;
                                while ((b = in.read()) >= 0) {
                                    out.write(b);
                                }
                            } catch (IOException e) {
                                // ended
                            }
                        });
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            server.setDaemon(true);
            server.start();

            try (Socket s = new Socket("127.0.0.1", link.port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write('a');
                assertThat(s.getInputStream().read()).isEqualTo('a');
                link.cut();
                assertThat(readAfterWrite(s))
                        .as("a cut link ends the connection")
                        .isEqualTo(-1);
            }
            try (Socket s = new Socket("127.0.0.1", link.port())) {
                s.setSoTimeout(5000);
                assertThat(readAfterWrite(s)).as("and closes new ones").isEqualTo(-1);
            }
            link.heal();
            try (Socket s = new Socket("127.0.0.1", link.port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write('b');
                assertThat(s.getInputStream().read()).isEqualTo('b');
            }
        }
    }

    private static int readAfterWrite(Socket s) {
        try {
            s.getOutputStream().write('x');
            return s.getInputStream().read();
        } catch (IOException e) {
            return -1;
        }
    }
}
