package io.raidvm.cli.support;

import io.raidvm.common.error.Messages;
import io.raidvm.common.grpc.TlsChannels;
import io.raidvm.common.grpc.UnixSocketChannels;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A leaf command that calls the controller and prints through its own writers: the remote one
 * that --address names, else the one on the local socket, else one it runs itself meanwhile.
 */
public abstract class ClientCommand implements Callable<Integer> {

  @Mixin
  protected ConnectionOptions connection;

  @Mixin
  protected OutputOptions output;

  @Spec
  protected CommandSpec spec;

  /** How long this command's calls may take unless --timeout says otherwise. */
  protected Duration defaultTimeout() {
    return Duration.ofSeconds(60);
  }

  protected abstract void run(ControllerClient client, Printer printer);

  /** Says on stderr what the controller warned of (cleaned like its errors). */
  protected void warn(String warning) {
    spec.commandLine().getErr().println("raidctl: warning: " + Messages.readable(warning));
    spec.commandLine().getErr().flush();
  }

  @Override
  public final Integer call() {
    Duration timeout = connection.timeout(defaultTimeout());
    Optional<ConnectionOptions.Remote> remote = connection.remote();
    if (remote.isPresent()) {
      return call(new ControllerClient(
          TlsChannels.open(remote.get().address(), remote.get().tls()), timeout));
    }
    Optional<EmbeddedController> embedded =
        EmbeddedController.startUnlessAnswering(connection, spec.commandLine().getErr());
    try {
      return call(new ControllerClient(
          UnixSocketChannels.open(connection.socket(), Duration.ZERO), timeout));
    } finally {
      embedded.ifPresent(EmbeddedController::stop);
    }
  }

  private int call(ControllerClient client) {
    try (client) {
      run(client, new Printer(spec.commandLine().getOut()));
    }
    return 0;
  }
}
