package io.raidvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The class-data training runs its read commands to the end, each answered by its stand-in. */
class ClassDataTrainingTest {

  @Test
  void eachCommand_printsWhatItsStandInAnswered() throws Exception {
    List<String> answers = ClassDataTraining.train();
    assertEquals(4, answers.size(), answers.toString());
    assertTrue(answers.get(0).contains("vm1") && answers.get(0).startsWith("NAME"),
        answers.get(0));
    assertTrue(answers.get(1).contains("version: training"), answers.get(1));
    assertTrue(answers.get(2).contains("d1"), answers.get(2));
    assertTrue(answers.get(3).contains("\"name\": \"vm1\""), answers.get(3));
  }
}
