// The integration tests' runner: removes each passing test's temporary directories, keeps a failing
// test's for a look.
#include <gtest/gtest.h>

#include "fake_spectrum.h"

namespace {

class TempDirCleaner : public ::testing::EmptyTestEventListener {
  void OnTestEnd(const ::testing::TestInfo& info) override { s2j::testing::clean_temp_dirs(info.result()->Failed()); }
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::UnitTest::GetInstance()->listeners().Append(new TempDirCleaner);
  return RUN_ALL_TESTS();
}
