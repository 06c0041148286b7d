package io.raidvm.cli.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A leaf command that calls the controller and prints through its own writers. */
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

  @Override
  public final Integer call() {
    Path socket = connection.socket();
    if (!Files.exists(socket)) {
      throw new NoControllerException(socket);
    }
    try (ControllerClient client = new ControllerClient(connection, defaultTimeout())) {
      run(client, new Printer(spec.commandLine().getOut()));
    }
    return 0;
  }
}
