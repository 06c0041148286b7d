package io.raidvm.cli.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.raidvm.api.controller.v1.ProvisionSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A provision spec file: YAML or JSON (JSON is YAML too), with the fields of
 * raidvm.controller.v1.ProvisionSpec by their proto names ({@code disk_size}) or JSON names
 * ({@code diskSize}). Unknown fields are errors, so a typo is not silently ignored.
 */
final class SpecFile {

  private SpecFile() {}

  static ProvisionSpec read(CommandSpec command, Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ParameterException(command.commandLine(), "spec file " + file + " does not exist");
    } catch (IOException e) {
      throw new ParameterException(command.commandLine(), "cannot read spec file " + file + ": "
          + e.getMessage());
    }
    return parse(command, file.toString(), text);
  }

  static ProvisionSpec parse(CommandSpec command, String name, String text) {
    try {
      JsonNode tree = new YAMLMapper().readTree(text);
      if (tree == null || tree.isMissingNode() || tree.isNull()) {
        return ProvisionSpec.getDefaultInstance();
      }
      if (!tree.isObject()) {
        throw new ParameterException(command.commandLine(), "spec file " + name + " must hold"
            + " a mapping of spec fields, e.g. 'vm: demo'");
      }
      ProvisionSpec.Builder spec = ProvisionSpec.newBuilder();
      JsonFormat.parser().merge(new ObjectMapper().writeValueAsString(tree), spec);
      return spec.build();
    } catch (InvalidProtocolBufferException e) {
      throw new ParameterException(command.commandLine(), "spec file " + name + ": "
          + e.getMessage());
    } catch (IOException e) {
      throw new ParameterException(command.commandLine(), "spec file " + name + " is neither"
          + " YAML nor JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }
}
