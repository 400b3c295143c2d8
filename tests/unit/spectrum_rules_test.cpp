#include "core/spectrum_rules.h"

#include <gtest/gtest.h>

namespace s2j {
namespace {

TEST(Timestamp, AcceptsBasicIsoFormAndFractions) {
  for (const char* t : {"", "20240131T235959", "20240229T000000", "20240131T120000,5", "20240131T120000.123456"})
    EXPECT_EQ(check_timestamp(t), "") << t;
}

TEST(Timestamp, RejectsOtherForms) {
  for (const char* t :
       {"2024-01-31T12:00:00", "20240131 120000", "20240131T1200", "20240131T120000Z", "20240131T120000,",
        "20230229T000000", "20241301T000000", "20240131T246000", "20240131T120060", "20240100T000000", "x"})
    EXPECT_NE(check_timestamp(t), "") << t;
}

TEST(BackendConfig, AcceptsWhatSpectrumParses) {
  for (const char* c : {"", "[features]\nmuc=1\nrawxml=0\n", "[features]\nreceipts=\n",
                        "[registration]\nextraField=a\nextraField=b\nneedPassword=TRUE\n",
                        "[features]\nmuc = on # comment\n[other]\nanything=goes\n"})
    EXPECT_EQ(check_backend_config(c), "") << c;
}

TEST(BackendConfig, RejectsWhatMakesSpectrumThrow) {
  EXPECT_NE(check_backend_config("[features]\nmuc=maybe\n"), "");
  EXPECT_NE(check_backend_config("[features]\nmuc=1\nmuc=1\n"), "");
  EXPECT_NE(check_backend_config("[features]\njust words\n"), "");
  EXPECT_NE(check_backend_config("[registration]\nneedPassword=2\n"), "");
}

TEST(Features, KnowsTheFiveFeatureNames) {
  for (const char* f : {"receipts", "muc", "rawxml", "disable_jid_escaping", "send_buddies_on_login"})
    EXPECT_TRUE(is_known_feature(f)) << f;
  EXPECT_FALSE(is_known_feature("needPassword"));
  EXPECT_FALSE(is_known_feature("typing"));
}

}  // namespace
}  // namespace s2j
