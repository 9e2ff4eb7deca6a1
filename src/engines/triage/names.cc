// The wire names of the triage vocabulary and the matching of free text (symptoms,
// comorbidities) to it. Tables are constant; nothing here allocates.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "engines/triage/triage.h"

namespace lifeline::triage {
namespace {

constexpr std::array<std::string_view, 4> kSeverityNames = {"mild", "moderate", "severe",
                                                            "critical"};
constexpr std::array<std::string_view, 4> kNews2BandNames = {"none", "low", "medium", "high"};
constexpr std::array<std::string_view, 5> kTierNames = {"triage_desk", "outpatient", "ward", "icu",
                                                        "life_care"};

constexpr std::array<std::string_view, kReasonCount> kReasonCodes = {
    "nhc_adult_rr_ge_30",
    "nhc_adult_spo2_le_93",
    "nhc_adult_pao2_fio2_le_300",
    "nhc_adult_lesion_progression_gt_50",
    "nhc_child_fever_gt_3_days",
    "nhc_child_rr_ge_60_under_2_months",
    "nhc_child_rr_ge_50_2_to_12_months",
    "nhc_child_rr_ge_40_1_to_5_years",
    "nhc_child_rr_ge_30_over_5_years",
    "nhc_child_spo2_le_93",
    "nhc_child_laboured_breathing",
    "nhc_child_drowsiness_or_convulsions",
    "nhc_child_feeding_difficulty_dehydration",
    "nhc_critical_mechanical_ventilation",
    "nhc_critical_shock",
    "nhc_critical_organ_failure",
    "nhc_moderate_pneumonia",
    "who_severe_rr_gt_30",
    "who_severe_spo2_lt_90",
    "who_severe_respiratory_distress",
    "who_child_danger_drowsiness_or_convulsions",
    "who_child_danger_feeding_difficulty",
    "who_child_fast_breathing",
    "who_moderate_pneumonia",
    "who_critical_ards",
    "who_critical_sepsis",
    "who_critical_septic_shock",
    "who_critical_mechanical_ventilation",
    "news2_single_parameter_3",
    "news2_medium",
    "news2_high",
    "news2_not_validated_under_16",
    "news2_not_validated_pregnancy",
    "spo2_missing_cannot_exclude_severe",
    "spo2_not_on_air_cannot_exclude_severe",
    "red_flag_cannot_breathe",
    "red_flag_confused",
    "red_flag_blue_lips",
    "red_flag_chest_pain",
    "red_flag_unconscious",
    "risk_age_65",
    "risk_heart_disease",
    "risk_lung_disease",
    "risk_kidney_disease",
    "risk_diabetes",
    "risk_hypertension",
    "risk_cancer",
    "risk_immunosuppression",
    "risk_pregnancy",
    "risk_unvaccinated",
    "age_unknown_adult_rules",
    "no_clinical_data",
    "severe_awaiting_bed",
    "psychological_support_requested",
    "end_of_life_care_requested",
    "bereavement_support_requested",
};

constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "age_years",
    "resp_rate",
    "spo2",
    "on_oxygen",
    "pao2_fio2",
    "systolic_bp",
    "heart_rate",
    "temperature_c",
    "consciousness",
    "pneumonia_on_imaging",
    "lesion_progression_48h_pct",
    "mechanical_ventilation",
    "shock",
    "organ_failure_icu",
    "ards",
    "sepsis",
    "fever_days",
    "laboured_breathing",
    "drowsiness_or_convulsions",
    "feeding_difficulty_dehydration",
};

constexpr std::array<std::string_view, kActionCount> kActionCodes = {
    "advice",   "home_isolation_guide",  "daily_follow_up", "oxygen_match", "bed_search",
    "call_120", "psychological_support", "measure_spo2",
};

constexpr std::array<std::string_view, kNeedCount> kNeedNames = {
    "advice",
    "oxygen",
    "bed",
    "medicine",
    "psychological_support",
    "end_of_life_care",
    "bereavement_support",
};

struct Synonym {
  std::string_view name;  // lower case, words joined by '_'
  RiskFactor risk;
};

// Checkbox codes first, then what people and other systems commonly write.
constexpr Synonym kRiskSynonyms[] = {
    {"heart_disease", kRiskHeartDisease},
    {"lung_disease", kRiskLungDisease},
    {"kidney_disease", kRiskKidneyDisease},
    {"diabetes", kRiskDiabetes},
    {"hypertension", kRiskHypertension},
    {"cancer", kRiskCancer},
    {"immunosuppression", kRiskImmunosuppression},
    {"pregnancy", kRiskPregnancy},
    {"unvaccinated", kRiskUnvaccinated},
    {"chronic_heart_disease", kRiskHeartDisease},
    {"cardiovascular_disease", kRiskHeartDisease},
    {"coronary_heart_disease", kRiskHeartDisease},
    {"heart_failure", kRiskHeartDisease},
    {"心脏病", kRiskHeartDisease},
    {"冠心病", kRiskHeartDisease},
    {"chronic_lung_disease", kRiskLungDisease},
    {"copd", kRiskLungDisease},
    {"asthma", kRiskLungDisease},
    {"慢性肺病", kRiskLungDisease},
    {"慢阻肺", kRiskLungDisease},
    {"哮喘", kRiskLungDisease},
    {"chronic_kidney_disease", kRiskKidneyDisease},
    {"ckd", kRiskKidneyDisease},
    {"慢性肾病", kRiskKidneyDisease},
    {"肾病", kRiskKidneyDisease},
    {"糖尿病", kRiskDiabetes},
    {"high_blood_pressure", kRiskHypertension},
    {"高血压", kRiskHypertension},
    {"malignancy", kRiskCancer},
    {"tumour", kRiskCancer},
    {"tumor", kRiskCancer},
    {"癌症", kRiskCancer},
    {"肿瘤", kRiskCancer},
    {"immunocompromised", kRiskImmunosuppression},
    {"immunosuppressed", kRiskImmunosuppression},
    {"hiv", kRiskImmunosuppression},
    {"organ_transplant", kRiskImmunosuppression},
    {"免疫抑制", kRiskImmunosuppression},
    {"免疫缺陷", kRiskImmunosuppression},
    {"pregnant", kRiskPregnancy},
    {"怀孕", kRiskPregnancy},
    {"妊娠", kRiskPregnancy},
    {"not_vaccinated", kRiskUnvaccinated},
    {"未接种疫苗", kRiskUnvaccinated},
};

struct RedFlagPhrase {
  std::string_view phrase;  // lower case
  RedFlag flag;
};

constexpr RedFlagPhrase kRedFlagPhrases[] = {
    {"cannot breathe", kRedFlagCannotBreathe},
    {"can't breathe", kRedFlagCannotBreathe},
    {"cant breathe", kRedFlagCannotBreathe},
    {"can not breathe", kRedFlagCannotBreathe},
    {"unable to breathe", kRedFlagCannotBreathe},
    {"struggling to breathe", kRedFlagCannotBreathe},
    {"difficulty breathing", kRedFlagCannotBreathe},
    {"呼吸困难", kRedFlagCannotBreathe},
    {"喘不上气", kRedFlagCannotBreathe},
    {"喘不过气", kRedFlagCannotBreathe},
    {"上不来气", kRedFlagCannotBreathe},
    {"confused", kRedFlagConfused},
    {"confusion", kRedFlagConfused},
    {"disoriented", kRedFlagConfused},
    {"意识模糊", kRedFlagConfused},
    {"神志不清", kRedFlagConfused},
    {"糊涂", kRedFlagConfused},
    {"说胡话", kRedFlagConfused},
    {"blue lips", kRedFlagBlueLips},
    {"bluish lips", kRedFlagBlueLips},
    {"lips turning blue", kRedFlagBlueLips},
    {"blue face", kRedFlagBlueLips},
    {"cyanosis", kRedFlagBlueLips},
    {"cyanotic", kRedFlagBlueLips},
    {"嘴唇发紫", kRedFlagBlueLips},
    {"口唇发紫", kRedFlagBlueLips},
    {"嘴唇发青", kRedFlagBlueLips},
    {"发绀", kRedFlagBlueLips},
    {"紫绀", kRedFlagBlueLips},
    {"chest pain", kRedFlagChestPain},
    {"chest pressure", kRedFlagChestPain},
    {"胸痛", kRedFlagChestPain},
    {"胸口痛", kRedFlagChestPain},
    {"胸部压迫", kRedFlagChestPain},
    {"unconscious", kRedFlagUnconscious},
    {"unresponsive", kRedFlagUnconscious},
    {"cannot be woken", kRedFlagUnconscious},
    {"can't be woken", kRedFlagUnconscious},
    {"昏迷", kRedFlagUnconscious},
    {"叫不醒", kRedFlagUnconscious},
    {"不省人事", kRedFlagUnconscious},
    {"意识丧失", kRedFlagUnconscious},
};

constexpr char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// ASCII letters compare case-insensitively; ' ' and '-' in `text` count as '_'.
bool EqualsCode(std::string_view text, std::string_view code) {
  if (text.size() != code.size()) return false;
  for (std::size_t char_idx = 0; char_idx < text.size(); ++char_idx) {
    char c = AsciiLower(text[char_idx]);
    if (c == ' ' || c == '-') c = '_';
    if (c != code[char_idx]) return false;
  }
  return true;
}

// Bytes of UTF-8 multi-byte sequences are never ASCII letters, so lowering bytes is safe.
bool ContainsLowered(std::string_view text, std::string_view lower_phrase) {
  if (lower_phrase.size() > text.size()) return false;
  const std::size_t last_start = text.size() - lower_phrase.size();
  for (std::size_t start = 0; start <= last_start; ++start) {
    std::size_t matched = 0;
    while (matched < lower_phrase.size() &&
           AsciiLower(text[start + matched]) == lower_phrase[matched]) {
      ++matched;
    }
    if (matched == lower_phrase.size()) return true;
  }
  return false;
}

template <typename Enum, std::size_t N>
std::optional<Enum> FindName(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t index = 0; index < N; ++index) {
    if (names[index] == name) return static_cast<Enum>(index);
  }
  return std::nullopt;
}

template <std::size_t N>
std::string_view NameAt(const std::array<std::string_view, N>& names, int bit) {
  return bit >= 0 && static_cast<std::size_t>(bit) < N ? names[bit] : std::string_view();
}

}  // namespace

std::string_view SeverityName(Severity severity) {
  return kSeverityNames[static_cast<int>(severity)];
}
std::string_view News2BandName(News2Band band) { return kNews2BandNames[static_cast<int>(band)]; }
std::string_view TierName(Tier tier) { return kTierNames[static_cast<int>(tier)]; }

std::optional<Severity> ParseSeverity(std::string_view name) {
  return FindName<Severity>(kSeverityNames, name);
}
std::optional<News2Band> ParseNews2Band(std::string_view name) {
  return FindName<News2Band>(kNews2BandNames, name);
}
std::optional<Tier> ParseTier(std::string_view name) { return FindName<Tier>(kTierNames, name); }

std::optional<Consciousness> ParseConsciousness(std::string_view letter) {
  if (letter.size() != 1) return std::nullopt;
  switch (AsciiLower(letter[0])) {
    case 'a':
      return Consciousness::kAlert;
    case 'c':
      return Consciousness::kNewConfusion;
    case 'v':
      return Consciousness::kVoice;
    case 'p':
      return Consciousness::kPain;
    case 'u':
      return Consciousness::kUnresponsive;
    default:
      return std::nullopt;
  }
}

std::optional<RiskFactor> ParseRiskFactor(std::string_view name) {
  for (const Synonym& synonym : kRiskSynonyms) {
    if (EqualsCode(name, synonym.name)) return synonym.risk;
  }
  return std::nullopt;
}

std::uint32_t MatchRedFlags(std::string_view symptom) {
  std::uint32_t flags = 0;
  for (const RedFlagPhrase& phrase : kRedFlagPhrases) {
    if ((flags & phrase.flag) == 0 && ContainsLowered(symptom, phrase.phrase)) {
      flags |= phrase.flag;
    }
  }
  return flags;
}

std::optional<RedFlag> MatchRedFlag(std::string_view symptom) {
  const std::uint32_t flags = MatchRedFlags(symptom);
  if (flags == 0) return std::nullopt;
  return static_cast<RedFlag>(flags & (~flags + 1));  // the lowest bit set
}

std::optional<Need> ParseNeed(std::string_view name) {
  for (std::size_t index = 0; index < kNeedNames.size(); ++index) {
    if (kNeedNames[index] == name) return static_cast<Need>(1u << index);
  }
  return std::nullopt;
}

std::string_view ReasonCode(int bit) { return NameAt(kReasonCodes, bit); }
std::string_view MissingField(int bit) { return NameAt(kFieldNames, bit); }
std::string_view ActionCode(int bit) { return NameAt(kActionCodes, bit); }
std::string_view NeedName(int bit) { return NameAt(kNeedNames, bit); }

}  // namespace lifeline::triage
