// The triage vocabulary: stable codes, a catalogue text in both languages for each, and the
// parsing of names and free text.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/i18n.h"
#include "engines/triage/triage.h"

namespace lifeline::triage {
namespace {

TEST(TriageNamesTest, CodesAreUniqueAndEveryOneHasBothLanguages) {
  const Catalogue& catalogue = Catalogue::Builtin();
  std::set<std::string> ids;
  auto check = [&](const std::string& id) {
    EXPECT_TRUE(ids.insert(id).second) << "duplicate " << id;
    EXPECT_TRUE(catalogue.Has(id)) << id;
    EXPECT_NE(catalogue.Render("zh-CN", id), catalogue.Render("en", id)) << id;
  };
  for (int bit = 0; bit < kReasonCount; ++bit) {
    ASSERT_FALSE(ReasonCode(bit).empty()) << bit;
    check("triage.reason." + std::string(ReasonCode(bit)));
  }
  for (int bit = 0; bit < kFieldCount; ++bit)
    check("triage.missing." + std::string(MissingField(bit)));
  for (int bit = 0; bit < kActionCount; ++bit)
    check("triage.action." + std::string(ActionCode(bit)));
  for (int level = 0; level < 4; ++level) {
    check("triage.severity." + std::string(SeverityName(static_cast<Severity>(level))));
    check("triage.news2_band." + std::string(News2BandName(static_cast<News2Band>(level))));
  }
  for (int tier = 0; tier < 5; ++tier) {
    check("triage.tier." + std::string(TierName(static_cast<Tier>(tier))));
  }
  EXPECT_EQ(ReasonCode(kReasonCount), "");
  EXPECT_EQ(ReasonCode(-1), "");
}

TEST(TriageNamesTest, ParsersRoundTripAndMatchFreeText) {
  for (int level = 0; level < 4; ++level) {
    const auto severity = static_cast<Severity>(level);
    EXPECT_EQ(ParseSeverity(SeverityName(severity)), severity);
  }
  for (int tier = 0; tier < 5; ++tier) {
    EXPECT_EQ(ParseTier(TierName(static_cast<Tier>(tier))), static_cast<Tier>(tier));
  }
  EXPECT_EQ(ParseConsciousness("V"), Consciousness::kVoice);
  EXPECT_EQ(ParseConsciousness("c"), Consciousness::kNewConfusion);
  EXPECT_EQ(ParseConsciousness("X"), std::nullopt);
  EXPECT_EQ(ParseConsciousness("AV"), std::nullopt);
  EXPECT_EQ(ParseRiskFactor("diabetes"), kRiskDiabetes);
  EXPECT_EQ(ParseRiskFactor("COPD"), kRiskLungDisease);
  EXPECT_EQ(ParseRiskFactor("chronic kidney disease"), kRiskKidneyDisease);
  EXPECT_EQ(ParseRiskFactor("高血压"), kRiskHypertension);
  EXPECT_EQ(ParseRiskFactor("diabetic"), std::nullopt);
  EXPECT_EQ(MatchRedFlag("I cannot breathe at night"), kRedFlagCannotBreathe);
  EXPECT_EQ(MatchRedFlag("呼吸困难"), kRedFlagCannotBreathe);
  EXPECT_EQ(MatchRedFlag("嘴唇发紫"), kRedFlagBlueLips);
  EXPECT_EQ(MatchRedFlag("Blue Lips"), kRedFlagBlueLips);
  EXPECT_EQ(MatchRedFlag("cough"), std::nullopt);
  EXPECT_EQ(MatchRedFlags("confused, blue lips"), kRedFlagConfused | kRedFlagBlueLips);
  EXPECT_EQ(ParseNeed("end_of_life_care"), kNeedEndOfLifeCare);
  EXPECT_EQ(ParseNeed("hugs"), std::nullopt);
}

}  // namespace
}  // namespace lifeline::triage
