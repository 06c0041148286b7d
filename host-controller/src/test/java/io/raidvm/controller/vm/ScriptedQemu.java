package io.raidvm.controller.vm;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for a VM's QEMU: a real process whose argv names the VM's folder (so
 * {@link QemuProcess} takes it for the VM's QEMU), and a QMP monitor on a socket that answers
 * every command and ends the process on the commands this QEMU obeys.
 */
final class ScriptedQemu implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path vmDir;
  private final List<String> received = new CopyOnWriteArrayList<>();
  private ServerSocketChannel monitor;

  private ScriptedQemu(Process process, Path vmDir) {
    this.process = process;
    this.vmDir = vmDir;
  }

  /** Starts one; {@code ignoresSigterm} as a QEMU stuck in the kernel may. */
  static ScriptedQemu start(Path vmDir, boolean ignoresSigterm) throws IOException {
    String loop = (ignoresSigterm ? "trap '' TERM; " : "") + "while :; do sleep 0.2; done";
    return new ScriptedQemu(new ProcessBuilder("sh", "-c", loop, "fake-qemu", vmDir.toString())
        .start(), vmDir);
  }

  QemuProcess process() {
    return new QemuProcess(process.pid(), vmDir);
  }

  /** Ends it as a guest power-off or QEMU's own exit would. */
  void end() {
    process.destroyForcibly();
  }

  /** Serves QMP on {@code socket} to one client; the commands in {@code endsOn} end QEMU. */
  ScriptedQemu monitor(Path socket, Set<String> endsOn) throws IOException {
    monitor = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    monitor.bind(UnixDomainSocketAddress.of(socket));
    Thread t = new Thread(() -> {
      try (SocketChannel ch = monitor.accept()) {
        OutputStream out = Channels.newOutputStream(ch);
        BufferedReader in = new BufferedReader(new InputStreamReader(
            Channels.newInputStream(ch), StandardCharsets.UTF_8));
        out.write("{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n"
            .getBytes(StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
          var cmd = JSON.readTree(line);
          String execute = cmd.path("execute").asText();
          received.add(execute);
          out.write(("{\"return\": {}, \"id\": \"" + cmd.path("id").asText() + "\"}\r\n")
              .getBytes(StandardCharsets.UTF_8));
          if (endsOn.contains(execute)) {
            end();
          }
        }
      } catch (Exception e) {
        // The test ended.
      }
    }, "fake-qmp");
    t.setDaemon(true);
    t.start();
    return this;
  }

  /** The QMP commands received, in order. */
  List<String> received() {
    return List.copyOf(received);
  }

  @Override
  public void close() throws Exception {
    if (monitor != null) {
      monitor.close();
    }
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }
}
