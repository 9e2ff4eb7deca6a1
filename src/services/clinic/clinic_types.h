#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/role.h"
#include "core/time.h"
#include "engines/triage/triage.h"

namespace lifeline {

// The vocabulary of the online clinic: what callers submit and what the service returns.
// Enumerations travel as their wire names ("icu", "oxygen", ...); ClinicService checks every
// submitted name and reports a bad one with the field it came in.

using triage::Severity;
using triage::Tier;

// What a family asks for is the engine's triage::Need bit set (it routes the life-care needs).
// The wire names of the bits set in `needs`: "advice", "oxygen", ... (triage::NeedName).
std::vector<std::string> NeedNames(std::uint32_t needs);

// Canonical names of the comorbidity bits, as stored and shown ("heart_disease", ...).
std::vector<std::string> RiskFactorNames(std::uint32_t risk_factors);

enum class CaseOutcome { kRecovered, kAdmitted, kDied, kLost };
std::string_view CaseOutcomeName(CaseOutcome outcome);
std::optional<CaseOutcome> ParseCaseOutcome(std::string_view name);

// Emotional exposure of a case, and the readiness a volunteer needs to take it.
constexpr int kExposureRoutine = 1;   // routine
constexpr int kExposureDistress = 2;  // severe patient or distressed family
constexpr int kExposureGrave = 3;     // critical, dying or bereaved
constexpr int kMinReadiness = 1;
constexpr int kMaxReadiness = 3;

// One set of observations: vital signs and clinical findings. Missing is std::nullopt. Field
// names are the wire names of the triage command-line contract (docs/triage.md).
struct ObservationInput {
  std::optional<double> spo2 = std::nullopt;
  std::optional<bool> on_oxygen = std::nullopt;
  std::optional<double> resp_rate = std::nullopt;
  std::optional<double> heart_rate = std::nullopt;
  std::optional<double> temperature_c = std::nullopt;
  std::optional<double> systolic_bp = std::nullopt;
  std::optional<std::string> consciousness = std::nullopt;  // "A", "C", "V", "P", "U"
  std::optional<double> pao2_fio2 = std::nullopt;
  std::optional<bool> pneumonia_on_imaging = std::nullopt;
  std::optional<double> lesion_progression_48h_pct = std::nullopt;
  std::optional<double> fever_days = std::nullopt;
  std::optional<bool> mechanical_ventilation = std::nullopt;
  std::optional<bool> shock = std::nullopt;
  std::optional<bool> organ_failure_icu = std::nullopt;
  std::optional<bool> ards = std::nullopt;
  std::optional<bool> sepsis = std::nullopt;
  std::optional<bool> laboured_breathing = std::nullopt;
  std::optional<bool> drowsiness_or_convulsions = std::nullopt;
  std::optional<bool> feeding_difficulty_dehydration = std::nullopt;
  std::optional<bool> hypercapnic_target = std::nullopt;
  std::vector<std::string> symptoms = {};  // free words; red flags are recognised in them
};

// The numeric and yes/no fields of ObservationInput by wire name, so faces parse and the
// store writes them from one list. Each number has its plausible range.
struct ObservationNumberField {
  std::string_view name;
  std::optional<double> ObservationInput::*member;
  double min;
  double max;
};
struct ObservationFlagField {
  std::string_view name;
  std::optional<bool> ObservationInput::*member;
};
std::span<const ObservationNumberField> ObservationNumberFields();
std::span<const ObservationFlagField> ObservationFlagFields();

// A help request from the public form or typed in by a hotline volunteer.
struct NewHelpRequest {
  std::optional<double> age_years = std::nullopt;
  // Required instead of years for children under 2.
  std::optional<std::int64_t> age_months = std::nullopt;
  std::string sex = {};  // "female", "male", "other"
  std::optional<std::int64_t> pregnancy_weeks = std::nullopt;
  std::string district_code = {};
  std::string street = {};
  std::string phone = {};
  std::string onset_date = {};  // optional, YYYY-MM-DD
  std::vector<std::string> comorbidities = {};
  std::string antigen = {};           // optional: "positive", "negative", "pending"
  std::string pcr = {};               // same
  std::string imaging_findings = {};  // optional: the imaging report's words, as given
  std::vector<std::string> needs = {};
  bool consent = false;
  ObservationInput observation = {};
};

struct TriageRecord {
  std::int64_t id = 0;
  std::int64_t observation_id = 0;
  UnixMillis at = 0;
  Severity nhc_severity = Severity::kMild;
  Severity who_severity = Severity::kMild;
  std::optional<int> news2 = std::nullopt;
  std::string news2_band = {};  // "" when NEWS2 could not be computed
  int priority = 0;
  Tier tier = Tier::kTriageDesk;  // the engine's recommendation
  std::vector<std::string> reasons = {};
  std::vector<std::string> missing = {};
  std::vector<std::string> actions = {};
};

// A triage of an existing case and where it left the case.
struct RetriageResult {
  TriageRecord triage = {};
  Tier tier = Tier::kTriageDesk;  // the case's tier now
  bool moved = false;             // this triage moved the case
};

// What the private status link shows: nothing that identifies anyone.
struct CaseStatusView {
  bool open = true;
  Tier tier = Tier::kTriageDesk;
  std::vector<std::string> actions = {};
  UnixMillis updated_at = 0;
};

struct IntakeResult {
  std::int64_t case_id = 0;
  bool duplicate = false;         // linked to this open case instead of creating one
  std::string status_token = {};  // the private link's token, shown once; empty for a duplicate
  TriageRecord triage = {};
  CaseStatusView status = {};
};

struct CaseSummary {
  std::int64_t id = 0;
  bool open = true;
  Tier tier = Tier::kTriageDesk;
  int priority = 0;
  Severity nhc_severity = Severity::kMild;
  Severity who_severity = Severity::kMild;
  int exposure = kExposureRoutine;
  double age_years = 0;
  std::optional<std::int64_t> age_months = std::nullopt;
  std::string sex = {};
  std::string district_code = {};
  std::uint32_t needs = 0;
  UnixMillis created_at = 0;
  UnixMillis waiting_since = 0;
  UnixMillis due_at = 0;
  bool overdue = false;
  std::int64_t assigned = 0;  // volunteers offered or active
};

struct ObservationRecord {
  std::int64_t id = 0;
  UnixMillis at = 0;
  std::int64_t recorded_by = 0;
  std::string source = {};  // "public", "hotline", "update"
  ObservationInput values = {};
};

struct TierMove {
  UnixMillis at = 0;
  std::int64_t by_user = 0;
  std::string by_username = {};
  std::string from_tier = {};  // "" for the first placement
  std::string to_tier = {};
  std::string cause = {};  // "intake", "triage", "clinician"
  std::string reason = {};
};

struct CaseNote {
  std::int64_t id = 0;
  UnixMillis at = 0;
  std::int64_t author_id = 0;
  std::string author_username = {};
  std::string author_role = {};
  std::string text = {};
};

struct ClinicTask {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::string kind = {};  // "follow_up", "debrief"
  std::string text = {};
  UnixMillis due_at = 0;
  std::int64_t assignee_id = 0;
  std::int64_t created_by = 0;
  UnixMillis created_at = 0;
  std::optional<UnixMillis> done_at = std::nullopt;
  bool overdue = false;
};

struct NewTask {
  std::string text = {};
  UnixMillis due_at = 0;
  std::int64_t assignee_id = 0;  // 0: whoever is on the case
};

struct Assignment {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::int64_t volunteer_id = 0;
  std::string volunteer_name = {};
  std::string volunteer_role = {};
  int readiness = kMinReadiness;
  std::string status = {};  // "offered", "active", "declined", "stepped_back", "ended"
  UnixMillis offered_at = 0;
  std::optional<UnixMillis> accepted_at = std::nullopt;
  std::optional<UnixMillis> ended_at = std::nullopt;
  std::string note = {};
};

struct CaseDetail {
  CaseSummary summary = {};
  std::string intake_channel = {};  // "public", "hotline"
  std::int64_t entered_by = 0;
  std::optional<std::int64_t> pregnancy_weeks = std::nullopt;
  std::string street = {};
  std::string phone_last4 = {};
  std::string onset_date = {};
  std::uint32_t risk_factors = 0;
  std::string antigen = {};
  std::string pcr = {};
  std::string imaging_findings = {};
  std::string tier_set_by = {};  // "triage", "clinician"
  UnixMillis tier_entered_at = 0;
  int exposure_floor = 0;                 // raised by a coordinator; 0 when never raised
  std::vector<std::string> actions = {};  // of the latest triage
  UnixMillis updated_at = 0;
  std::optional<UnixMillis> last_seen_at = std::nullopt;
  std::string outcome = {};  // "" while open
  std::optional<UnixMillis> closed_at = std::nullopt;
  std::vector<ObservationRecord> observations = {};
  std::vector<TriageRecord> triages = {};
  std::vector<TierMove> tier_moves = {};
  std::vector<CaseNote> notes = {};
  std::vector<ClinicTask> tasks = {};
  std::vector<Assignment> assignments = {};
};

struct TierQueue {
  Tier tier = Tier::kTriageDesk;
  std::int64_t overdue = 0;
  std::vector<CaseSummary> cases = {};
};

// A volunteer's application from the public form.
struct VolunteerApplication {
  std::string display_name = {};
  std::string role = {};  // "doctor", "nurse", "angel", "counsellor"
  std::string phone = {};
  std::string licence_number = {};  // required for doctors and nurses
  std::string hospital = {};        // required for doctors and nurses
  std::string department = {};      // required for doctors and nurses, e.g. "respiratory"
  std::int64_t years_practice = 0;
  std::string username = {};
  std::string password = {};
  std::string locale = {};  // optional
};

struct ApplicationRecord {
  std::int64_t id = 0;
  std::string status = {};  // "pending", "approved", "rejected"
  std::string display_name = {};
  Role role = Role::kAngel;
  std::string phone_last4 = {};
  std::string licence_number = {};
  std::string hospital = {};
  std::string department = {};
  std::int64_t years_practice = 0;
  std::string username = {};
  UnixMillis submitted_at = 0;
  bool meets_clinical_requirement = true;
  std::optional<UnixMillis> decided_at = std::nullopt;
  std::int64_t decided_by = 0;
  std::string decision_reason = {};
  bool overridden = false;
  std::int64_t user_id = 0;
};

struct ApprovalDecision {
  int readiness = kMinReadiness;
  std::optional<std::int64_t> capacity = std::nullopt;  // default ClinicOptions::default_capacity
  std::string override_reason = {};  // required when the clinical requirement is not met
};

struct Shift {
  std::int64_t id = 0;
  std::string kind = {};  // "weekly", "once"
  int weekday = 0;        // weekly: 1 Monday .. 7 Sunday
  int start_minute = 0;
  int end_minute = 0;
  UnixMillis starts_at = 0;  // once
  UnixMillis ends_at = 0;
};

struct NewShift {
  std::string kind = {};  // "weekly" or "once"
  std::int64_t weekday = 0;
  std::string start = {};  // weekly: "HH:MM" local clinic time
  std::string end = {};
  UnixMillis starts_at = 0;  // once
  UnixMillis ends_at = 0;
};

struct VolunteerRecord {
  std::int64_t user_id = 0;
  std::string username = {};
  std::string display_name = {};
  Role role = Role::kAngel;
  bool disabled = false;
  int readiness = kMinReadiness;
  std::int64_t capacity = 0;
  std::int64_t active_cases = 0;  // offered or active
  std::string licence_number = {};
  std::string hospital = {};
  std::string department = {};
  std::int64_t years_practice = 0;
  UnixMillis approved_at = 0;
  bool on_shift = false;
  std::vector<Shift> shifts = {};
};

struct AssigneeSuggestion {
  VolunteerRecord volunteer = {};
  std::int64_t spare_capacity = 0;
};

}  // namespace lifeline
