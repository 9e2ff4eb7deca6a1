#pragma once

// Helpers shared by the clinic's source files; not part of the service's interface.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/actor.h"
#include "core/status.h"
#include "core/time.h"
#include "core/validation.h"
#include "engines/triage/triage.h"
#include "services/clinic/clinic_service.h"
#include "services/clinic/clinic_types.h"
#include "store/database.h"

namespace lifeline::clinic {

constexpr std::string_view kCaseOpen = "open";
constexpr std::string_view kCaseClosed = "closed";
constexpr std::string_view kAssignmentOffered = "offered";
constexpr std::string_view kAssignmentActive = "active";
constexpr std::string_view kTierSetByTriage = "triage";
constexpr std::string_view kTierSetByClinician = "clinician";

// Limits on free text, in bytes (a Chinese character takes three).
constexpr std::size_t kMaxShortText = 200;
constexpr std::size_t kMaxReasonText = 1000;
constexpr std::size_t kMaxNoteText = 4000;
constexpr std::size_t kMaxSymptoms = 30;

// --- Text and errors (the field checks are in core/validation.h) ---
std::string JoinCodes(const std::vector<std::string>& codes);  // space-separated
std::vector<std::string> SplitCodes(const std::string& text);
std::string JsonArrayText(const std::vector<std::string>& items);
std::vector<std::string> ParseJsonArrayText(const std::string& text);
std::int64_t Flag(bool value);
Status CaseClosed(std::int64_t case_id);

// "13812345678", "+86 138-1234-5678" and "(0)138 1234 5678" are one number: the digits, without
// the country code 86 of an 11-digit Chinese mobile. InvalidArgument naming `field` otherwise.
struct PhonePseudonym {
  std::string key;     // KeyedHashHex(deployment key, normalised number)
  std::string last4;   // for display
  std::string sealed;  // SealText(deployment key, number): read back only to call the family
};
Result<PhonePseudonym> PseudonymisePhone(std::string_view key, const std::string& phone,
                                         std::string_view field);

// Ranges, the consciousness letter and the symptom list, each error naming its field.
Status ValidateObservation(const ObservationInput& observation);
std::uint32_t RedFlagsOf(const std::vector<std::string>& symptoms);

// --- Tiers and exposure ---
std::string TierText(Tier tier);
UnixMillis TierLimit(const ClinicOptions& options, Tier tier);
// How urgent a clinical tier is (triage desk 0 .. ICU 3); life care stands apart (-1).
int TierUrgency(Tier tier);
int DeriveExposure(Severity nhc, Severity who, Tier tier, std::uint32_t needs,
                   const std::string& outcome, int floor);

// --- Cases in the store ---
// A case without its lists, with due time, overdue flag and assignment count as of `now`.
Result<CaseDetail> LoadCase(Connection& connection, const ClinicOptions& options,
                            std::int64_t case_id, UnixMillis now);
// Open cases matching `where` (SQL after "WHERE c.status = 'open'", may be empty) in queue order.
Result<std::vector<CaseSummary>> LoadOpenCases(Connection& connection, const ClinicOptions& options,
                                               std::string where, const std::vector<Value>& params,
                                               UnixMillis now);
// Angels reach only cases offered to or taken by them; PermissionDenied otherwise.
Status RequireCaseAccess(Connection& connection, const Actor& actor, std::int64_t case_id);
// A volunteer's own record (shifts, capacity, the record itself), or anyone's for reviewers.
Status RequireSelfOrReviewer(const Actor& actor, std::int64_t user_id);
// After a record-level refusal (PermissionDenied), writes its own audit row, since the refused
// transaction rolled back; other failures are not audited.
void AuditRefusal(Database& database, const Actor& actor, std::string_view entity, std::int64_t id,
                  const Status& status);
Status AuditCase(Connection& connection, const Actor& actor, std::string action,
                 std::int64_t case_id, std::string reason);
Status UpdateExposure(Connection& connection, const CaseDetail& stored, UnixMillis now);

// --- Observations and triage ---
Result<std::int64_t> InsertObservation(Connection& connection, std::int64_t case_id, UnixMillis at,
                                       std::int64_t recorded_by, std::string_view source,
                                       const ObservationInput& observation);
Result<std::vector<ObservationRecord>> LoadObservations(Connection& connection,
                                                        std::int64_t case_id);
// Each field's latest recorded value: an update that leaves a field out keeps the last one.
ObservationInput MergeObservations(const std::vector<ObservationRecord>& observations);
// The engine's input: the patient's age, risk factors and needs with the merged observations.
triage::Observation TriageInput(double age_years, std::optional<std::int64_t> age_months,
                                std::uint32_t risk_factors,
                                std::optional<std::int64_t> pregnancy_weeks, std::uint32_t needs,
                                const ObservationInput& merged);
TriageRecord TriageRecordFrom(const triage::TriageResult& result);
Result<TriageRecord> InsertTriage(Connection& connection, std::int64_t case_id,
                                  std::int64_t observation_id, UnixMillis at,
                                  const TriageRecord& triage);
Result<std::vector<TriageRecord>> LoadTriages(Connection& connection, std::int64_t case_id);
Status InsertTierMove(Connection& connection, std::int64_t case_id, UnixMillis at,
                      const Actor& actor, const std::string& from_tier, Tier to_tier,
                      std::string_view cause, const std::string& reason);
// Triages an existing case from all its observations, records the result and moves the case
// when the rules of ClinicService allow it.
Result<RetriageResult> Retriage(Connection& connection, const Actor& actor,
                                const ClinicOptions& options, std::int64_t case_id,
                                std::int64_t observation_id, UnixMillis now);

// --- Volunteers ---
constexpr std::int64_t kMaxCapacity = 50;
// Doctors and nurses need the practice ClinicOptions asks for; other roles need none.
bool MeetsClinicalRequirement(const ClinicOptions& options, Role role,
                              const std::string& department, std::int64_t years_practice);
// Volunteers (joined with their accounts) matching `where` over aliases v and u, by user id,
// with their shifts, active case counts and whether they are on shift at `now`.
Result<std::vector<VolunteerRecord>> LoadVolunteers(Connection& connection,
                                                    const ClinicOptions& options,
                                                    const std::string& where,
                                                    const std::vector<Value>& params,
                                                    UnixMillis now);
bool IsOnShift(const std::vector<Shift>& shifts, UnixMillis now, int local_utc_offset_minutes);

// --- Assignments ---
Result<std::vector<Assignment>> LoadAssignments(Connection& connection, std::string where,
                                                const std::vector<Value>& params);
Result<std::vector<ClinicTask>> LoadTasks(Connection& connection, std::string where,
                                          const std::vector<Value>& params, UnixMillis now);

}  // namespace lifeline::clinic
