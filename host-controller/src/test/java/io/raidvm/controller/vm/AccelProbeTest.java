package io.raidvm.controller.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.api.controller.v1.Accel;
import io.raidvm.controller.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** nested-no-vmx.txt is this host's cpuinfo; with-vmx.edited.txt is it with vmx added by hand. */
class AccelProbeTest {

  private final String nested = Fixtures.read("cpuinfo/nested-no-vmx.txt");
  private final String withVmx = Fixtures.read("cpuinfo/with-vmx.edited.txt");

  @Test
  void auto_withKvmAndVmx_triesHostThenHostWithoutArchCapabilities() {
    assertEquals(new AccelChoice("kvm", List.of("host", "host,-arch-capabilities"), List.of()),
        AccelProbe.decide(Accel.ACCEL_AUTO, true, withVmx));
  }

  @Test
  void auto_onNestedHostWithoutVmx_fallsBackToTcgMaxWithWarning() {
    assertEquals(new AccelChoice("tcg", List.of("max"), List.of("KVM unusable here (the CPU"
        + " flags show no vmx/svm): running under TCG, software emulation, which is much"
        + " slower")), AccelProbe.decide(Accel.ACCEL_AUTO, true, nested));
  }

  @Test
  void auto_withoutReadWritableDevKvm_fallsBackToTcgSayingWhy() {
    AccelChoice choice = AccelProbe.decide(Accel.ACCEL_AUTO, false, withVmx);
    assertEquals("tcg", choice.accel());
    assertEquals(List.of("KVM unusable here (/dev/kvm is missing or not read-writable): running"
        + " under TCG, software emulation, which is much slower"), choice.warnings());
  }

  @Test
  void tcg_requested_usesTcgWithoutWarningEvenWhenKvmWorks() {
    assertEquals(new AccelChoice("tcg", List.of("max"), List.of()),
        AccelProbe.decide(Accel.ACCEL_TCG, true, withVmx));
  }

  @Test
  void kvm_requestedOnNestedHost_usesKvmButWarns() {
    AccelChoice choice = AccelProbe.decide(Accel.ACCEL_KVM, true, nested);
    assertEquals("kvm", choice.accel());
    assertEquals(List.of("KVM was asked for although the CPU flags show no vmx/svm: QEMU may"
        + " fail or hang"), choice.warnings());
  }

  @Test
  void auto_withSvmFlag_usesKvm() {
    String amd = "processor\t: 0\nflags\t\t: fpu svm lm\n";
    assertEquals("kvm", AccelProbe.decide(Accel.ACCEL_AUTO, true, amd).accel());
  }

  @Test
  void auto_vmxOnlyInsideAnotherWord_doesNotCount() {
    String tricky = "flags\t\t: fpu vmx_ept\nbugs\t\t: vmx\n";
    assertEquals("tcg", AccelProbe.decide(Accel.ACCEL_AUTO, true, tricky).accel());
  }
}
