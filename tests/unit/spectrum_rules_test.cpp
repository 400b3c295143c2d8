#include "core/spectrum_rules.h"

#include <gtest/gtest.h>

namespace s2j {
namespace {

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

TEST(BackendConfigStore, SaysWhatAConfigWithoutRegistrationDoesToLogins) {
  BackendConfigStore store;
  const std::vector<std::string> findings = store.on_backend_config("[features]\nmuc=1\n");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_NE(findings[0].find("server mode it then refuses every user who is not registered"), std::string::npos);
  EXPECT_NE(findings[0].find("gateway mode users must register"), std::string::npos);
  EXPECT_TRUE(store.on_backend_config("[features]\nreceipts=1\n").empty()) << "said once";
}

TEST(BackendConfigStore, AnEarlierExplicitRegistrationMakesLaterConfigsHarmless) {
  BackendConfigStore store;
  EXPECT_TRUE(store.on_backend_config("[registration]\nneedPassword=1\nneedRegistration=0\n").empty());
  EXPECT_TRUE(store.on_backend_config("[features]\nmuc=1\n").empty());
}

TEST(BackendConfigStore, TheFirstExplicitValueStays) {
  BackendConfigStore store;
  store.on_backend_config("[registration]\nneedRegistration=0\n[features]\nmuc=1\n");
  EXPECT_TRUE(store.on_backend_config("[features]\nmuc=true\nrawxml=1\n").empty()) << "same value, new key";
  const std::vector<std::string> findings = store.on_backend_config("[features]\nmuc=0\n");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_NE(findings[0].find("features.muc=0"), std::string::npos);
  EXPECT_NE(findings[0].find("keeps the first explicit value"), std::string::npos);
}

}  // namespace
}  // namespace s2j
