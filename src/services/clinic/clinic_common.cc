// The clinic's vocabulary (names of needs, outcomes, risk factors, observation fields) and the
// rules that need no store: validation, phone pseudonyms, tier routing and exposure levels.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/crypto.h"
#include "services/clinic/clinic_internal.h"
#include "services/clinic/clinic_service.h"
#include "services/clinic/clinic_types.h"

namespace lifeline {
namespace {

// The names triage::ParseRiskFactor accepts first, in bit order; age 65 is derived, not given.
struct RiskFactorEntry {
  triage::RiskFactor factor;
  std::string_view name;
};
constexpr std::array<RiskFactorEntry, 9> kRiskFactors = {{
    {triage::kRiskHeartDisease, "heart_disease"},
    {triage::kRiskLungDisease, "lung_disease"},
    {triage::kRiskKidneyDisease, "kidney_disease"},
    {triage::kRiskDiabetes, "diabetes"},
    {triage::kRiskHypertension, "hypertension"},
    {triage::kRiskCancer, "cancer"},
    {triage::kRiskImmunosuppression, "immunosuppression"},
    {triage::kRiskPregnancy, "pregnancy"},
    {triage::kRiskUnvaccinated, "unvaccinated"},
}};

constexpr std::array<std::pair<CaseOutcome, std::string_view>, 4> kOutcomes = {{
    {CaseOutcome::kRecovered, "recovered"},
    {CaseOutcome::kAdmitted, "admitted"},
    {CaseOutcome::kDied, "died"},
    {CaseOutcome::kLost, "lost"},
}};

// Plausible ranges: a value outside is a typing mistake, not a patient. Both lists name the
// columns of clinic_observations (migration 0005).
constexpr std::array<ObservationNumberField, 8> kNumberFields = {{
    {"spo2", &ObservationInput::spo2, 0, 100},
    {"resp_rate", &ObservationInput::resp_rate, 0, 100},
    {"heart_rate", &ObservationInput::heart_rate, 0, 300},
    {"temperature_c", &ObservationInput::temperature_c, 25, 45},
    {"systolic_bp", &ObservationInput::systolic_bp, 0, 300},
    {"pao2_fio2", &ObservationInput::pao2_fio2, 0, 800},
    {"lesion_progression_48h_pct", &ObservationInput::lesion_progression_48h_pct, 0, 1000},
    {"fever_days", &ObservationInput::fever_days, 0, 60},
}};

constexpr std::array<ObservationFlagField, 11> kFlagFields = {{
    {"on_oxygen", &ObservationInput::on_oxygen},
    {"pneumonia_on_imaging", &ObservationInput::pneumonia_on_imaging},
    {"mechanical_ventilation", &ObservationInput::mechanical_ventilation},
    {"shock", &ObservationInput::shock},
    {"organ_failure_icu", &ObservationInput::organ_failure_icu},
    {"ards", &ObservationInput::ards},
    {"sepsis", &ObservationInput::sepsis},
    {"laboured_breathing", &ObservationInput::laboured_breathing},
    {"drowsiness_or_convulsions", &ObservationInput::drowsiness_or_convulsions},
    {"feeding_difficulty_dehydration", &ObservationInput::feeding_difficulty_dehydration},
    {"hypercapnic_target", &ObservationInput::hypercapnic_target},
}};

// A Chinese mobile number is 11 digits; with the country code 86 in front it is 13.
constexpr std::size_t kChineseMobileDigits = 11;
constexpr std::string_view kChinaCountryCode = "86";
constexpr std::size_t kMinPhoneDigits = 7;
constexpr std::size_t kMaxPhoneDigits = 15;  // ITU-T E.164
constexpr std::size_t kPhoneDisplayDigits = 4;

}  // namespace

std::vector<std::string> NeedNames(std::uint32_t needs) {
  std::vector<std::string> names;
  for (int bit = 0; bit < triage::kNeedCount; ++bit) {
    if ((needs >> bit & 1u) != 0) names.emplace_back(triage::NeedName(bit));
  }
  return names;
}

std::vector<std::string> RiskFactorNames(std::uint32_t risk_factors) {
  std::vector<std::string> names;
  for (const RiskFactorEntry& entry : kRiskFactors) {
    if ((risk_factors & entry.factor) != 0) names.emplace_back(entry.name);
  }
  return names;
}

std::string_view CaseOutcomeName(CaseOutcome outcome) {
  for (const auto& [value, name] : kOutcomes) {
    if (value == outcome) return name;
  }
  return "unknown";
}

std::optional<CaseOutcome> ParseCaseOutcome(std::string_view name) {
  for (const auto& [value, entry_name] : kOutcomes) {
    if (entry_name == name) return value;
  }
  return std::nullopt;
}

UnixMillis ClinicOptions::LimitFor(Tier tier) const {
  switch (tier) {
    case Tier::kTriageDesk:
      return triage_desk_limit;
    case Tier::kOutpatient:
      return outpatient_limit;
    case Tier::kWard:
      return ward_limit;
    case Tier::kIcu:
      return icu_limit;
    case Tier::kLifeCare:
      return life_care_limit;
  }
  return triage_desk_limit;
}

std::span<const ObservationNumberField> ObservationNumberFields() { return kNumberFields; }

std::span<const ObservationFlagField> ObservationFlagFields() { return kFlagFields; }

namespace clinic {

std::string JoinCodes(const std::vector<std::string>& codes) {
  std::string joined;
  for (const std::string& code : codes) {
    if (!joined.empty()) joined += ' ';
    joined += code;
  }
  return joined;
}

std::vector<std::string> SplitCodes(const std::string& text) {
  std::vector<std::string> codes;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) codes.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return codes;
}

std::string JsonArrayText(const std::vector<std::string>& items) {
  return nlohmann::json(items).dump();
}

std::vector<std::string> ParseJsonArrayText(const std::string& text) {
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> items;
  if (!parsed.is_array()) return items;
  for (const nlohmann::json& item : parsed) {
    if (item.is_string()) items.push_back(item.get<std::string>());
  }
  return items;
}

std::int64_t Flag(bool value) { return value ? 1 : 0; }

Status CaseClosed(std::int64_t case_id) {
  return Status(ErrorCode::kFailedPrecondition, "error.clinic.case_closed",
                {{"id", std::to_string(case_id)}});
}

Result<PhonePseudonym> PseudonymisePhone(std::string_view key, const std::string& phone,
                                         std::string_view field) {
  const std::string trimmed = Trimmed(phone);
  if (trimmed.empty()) return FieldRequired(field);
  std::string digits;
  for (const char c : trimmed) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '+' && c != '.') {
      return Status::InvalidArgument("error.clinic.phone_format", {}, std::string(field));
    }
  }
  if (digits.starts_with("00")) digits.erase(0, 2);  // international prefix
  if (digits.size() == kChineseMobileDigits + kChinaCountryCode.size() &&
      digits.starts_with(kChinaCountryCode)) {
    digits.erase(0, kChinaCountryCode.size());
  }
  if (digits.size() < kMinPhoneDigits || digits.size() > kMaxPhoneDigits) {
    return Status::InvalidArgument("error.clinic.phone_format", {}, std::string(field));
  }
  return PhonePseudonym{KeyedHashHex(key, digits),
                        digits.substr(digits.size() - kPhoneDisplayDigits), SealText(key, digits)};
}

Status ValidateObservation(const ObservationInput& observation) {
  for (const ObservationNumberField& field : ObservationNumberFields()) {
    const std::optional<double>& value = observation.*field.member;
    if (value && (!std::isfinite(*value) || *value < field.min || *value > field.max)) {
      char range[64];
      std::snprintf(range, sizeof range, "%g..%g", field.min, field.max);
      return FieldInvalid(field.name, range);
    }
  }
  if (observation.consciousness && !triage::ParseConsciousness(*observation.consciousness)) {
    return FieldInvalid("consciousness", "A, C, V, P, U");
  }
  if (observation.symptoms.size() > kMaxSymptoms) {
    return FieldInvalid("symptoms", "at most " + std::to_string(kMaxSymptoms));
  }
  for (const std::string& symptom : observation.symptoms) {
    RETURN_IF_ERROR(CheckText(symptom, "symptoms", kMaxShortText, /*required=*/true));
  }
  return Status::Ok();
}

std::uint32_t RedFlagsOf(const std::vector<std::string>& symptoms) {
  std::uint32_t flags = 0;
  for (const std::string& symptom : symptoms) flags |= triage::MatchRedFlags(symptom);
  return flags;
}

std::string TierText(Tier tier) { return std::string(triage::TierName(tier)); }

UnixMillis TierLimit(const ClinicOptions& options, Tier tier) { return options.LimitFor(tier); }

int TierUrgency(Tier tier) {
  switch (tier) {
    case Tier::kTriageDesk:
      return 0;
    case Tier::kOutpatient:
      return 1;
    case Tier::kWard:
      return 2;
    case Tier::kIcu:
      return 3;
    case Tier::kLifeCare:
      return -1;
  }
  return 0;
}

int DeriveExposure(Severity nhc, Severity who, Tier tier, std::uint32_t needs,
                   const std::string& outcome, int floor) {
  const Severity worst = std::max(nhc, who);
  int level = kExposureRoutine;
  if (worst >= Severity::kSevere || tier == Tier::kWard || tier == Tier::kIcu ||
      (needs & triage::kNeedPsychologicalSupport) != 0) {
    level = kExposureDistress;
  }
  const std::uint32_t grave_needs = triage::kNeedEndOfLifeCare | triage::kNeedBereavementSupport;
  if (worst == Severity::kCritical || tier == Tier::kLifeCare || (needs & grave_needs) != 0 ||
      outcome == CaseOutcomeName(CaseOutcome::kDied)) {
    level = kExposureGrave;
  }
  return std::max(level, floor);
}

// A volunteer's own record, or anyone's for coordinators and admins.
Status RequireSelfOrReviewer(const Actor& actor, std::int64_t user_id) {
  if (actor.role == Role::kCoordinator || actor.role == Role::kAdmin || actor.user_id == user_id) {
    return Status::Ok();
  }
  return Status(ErrorCode::kPermissionDenied, "error.clinic.not_your_record");
}

}  // namespace clinic
}  // namespace lifeline
