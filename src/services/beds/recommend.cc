// Recommendations for a patient: which hospitals have a free bed of the kind the patient's
// severity needs, best first, each with the reasons.

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <map>
#include <tuple>

#include "core/validation.h"
#include "services/beds/beds_internal.h"
#include "services/beds/beds_service.h"

namespace lifeline {
namespace {

using scenario::HospitalKind;
using triage::Severity;

// The order of recommendations: fresh before stale, then clinical fit, then the freshness band,
// then distance; the hospital id makes ties deterministic.
auto SortKey(const BedRecommendation& recommendation) {
  return std::make_tuple(recommendation.state.freshness == Freshness::kStale,
                         recommendation.class_rank, recommendation.kind_rank,
                         recommendation.state.freshness, recommendation.distance_meters,
                         recommendation.hospital.id);
}

std::string Kilometres(double meters) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", meters / 1000.0);
  return text;
}

std::vector<RecommendationReason> ReasonsFor(const BedRecommendation& recommendation,
                                             const SeverityBedRule& rule) {
  const BedUpdateRecord& update = recommendation.state.update;
  std::vector<RecommendationReason> reasons;
  const std::string bed_class(BedClassName(update.bed_class));
  if (recommendation.class_rank == 0) {
    reasons.push_back({"bed_class", {{"class", bed_class}}});
  } else {
    reasons.push_back(
        {"fallback_class",
         {{"class", bed_class}, {"preferred", std::string(BedClassName(rule.classes.front()))}}});
  }
  if (recommendation.kind_rank == 0 && rule.severity == Severity::kMild) {
    reasons.push_back({"shelter_first", {}});
  }
  reasons.push_back(
      {"free",
       {{"free", std::to_string(update.free)}, {"capacity", std::to_string(update.capacity)}}});
  const UnixMillis age = recommendation.state.age;
  const std::string method(VerificationMethodName(update.method));
  const std::string minutes = std::to_string(age % kMillisPerHour / kMillisPerMinute);
  if (age < kMillisPerHour) {
    reasons.push_back({"age_minutes", {{"minutes", minutes}, {"method", method}}});
  } else {
    reasons.push_back({"age",
                       {{"hours", std::to_string(age / kMillisPerHour)},
                        {"minutes", minutes},
                        {"method", method}}});
  }
  if (recommendation.state.freshness == Freshness::kStale) reasons.push_back({"stale", {}});
  reasons.push_back({"distance", {{"km", Kilometres(recommendation.distance_meters)}}});
  return reasons;
}

}  // namespace

const std::vector<SeverityBedRule>& SeverityBedRules() {
  // See the comment on SeverityBedRule for why. Kinds listed together share a rank except for
  // mild patients, where the shelters come first.
  static const std::vector<SeverityBedRule> kRules = {
      {Severity::kMild,
       {BedClass::kGeneral},
       {{HospitalKind::kShelter, 0}, {HospitalKind::kDesignated, 1}, {HospitalKind::kGeneral, 1}}},
      {Severity::kModerate,
       {BedClass::kGeneral},
       {{HospitalKind::kDesignated, 0}, {HospitalKind::kGeneral, 0}}},
      {Severity::kSevere,
       {BedClass::kSevere, BedClass::kIcu},
       {{HospitalKind::kDesignated, 0}, {HospitalKind::kGeneral, 0}}},
      {Severity::kCritical,
       {BedClass::kIcuVentilator, BedClass::kIcu},
       {{HospitalKind::kDesignated, 0}, {HospitalKind::kGeneral, 0}}},
  };
  return kRules;
}

const SeverityBedRule& BedRuleFor(Severity severity) {
  for (const SeverityBedRule& rule : SeverityBedRules()) {
    if (rule.severity == severity) return rule;
  }
  assert(false && "every severity has a bed rule");
  return SeverityBedRules().front();
}

Result<BedRecommendations> BedsService::Recommend(const BedQuery& query) {
  if (query.severity.empty()) return FieldRequired("severity");
  const std::optional<Severity> severity = triage::ParseSeverity(query.severity);
  if (!severity) {
    constexpr std::string_view kSeverities[] = {"mild", "moderate", "severe", "critical"};
    return UnknownChoice("severity", query.severity, kSeverities);
  }
  if (!IsValidLatLon(query.location)) {
    const bool lat_ok = IsValidLatLon({query.location.lat, 0});
    return Status::InvalidArgument("error.bad_coordinates", {}, lat_ok ? "lon" : "lat");
  }
  const SeverityBedRule& rule = BedRuleFor(*severity);

  BedRecommendations answer;
  answer.now = Now();
  answer.severity = *severity;
  answer.classes = rule.classes;
  std::vector<beds::CurrentFigure> figures;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kRead, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(figures, beds::LoadCurrent(connection, "WHERE u.free > 0", {}));
        return Status::Ok();
      }));

  // The best class of each hospital, then the hospitals in order.
  std::map<std::int64_t, BedRecommendation> best_by_hospital;
  for (beds::CurrentFigure& figure : figures) {
    const auto kind = std::find_if(rule.kinds.begin(), rule.kinds.end(),
                                   [&](const SeverityBedRule::KindRank& ranked) {
                                     return ranked.kind == figure.hospital.kind;
                                   });
    const auto bed_class =
        std::find(rule.classes.begin(), rule.classes.end(), figure.update->bed_class);
    if (kind == rule.kinds.end() || bed_class == rule.classes.end()) continue;
    const UnixMillis age = std::max<UnixMillis>(0, answer.now - figure.update->verified_at);
    const Freshness freshness = FreshnessOf(age);
    if (freshness == Freshness::kStale && !query.include_stale) continue;

    BedRecommendation candidate;
    candidate.class_rank = static_cast<int>(bed_class - rule.classes.begin());
    candidate.kind_rank = kind->rank;
    candidate.distance_meters = GreatCircleMeters(query.location, figure.hospital.location);
    candidate.state = {std::move(*figure.update), age, freshness};
    candidate.hospital = std::move(figure.hospital);
    const auto [existing, inserted] = best_by_hospital.try_emplace(candidate.hospital.id);
    if (inserted || SortKey(candidate) < SortKey(existing->second)) {
      existing->second = std::move(candidate);
    }
  }
  for (auto& [hospital_id, recommendation] : best_by_hospital) {
    recommendation.reasons = ReasonsFor(recommendation, rule);
    answer.hospitals.push_back(std::move(recommendation));
  }
  std::sort(answer.hospitals.begin(), answer.hospitals.end(),
            [](const BedRecommendation& a, const BedRecommendation& b) {
              return SortKey(a) < SortKey(b);
            });
  return answer;
}

}  // namespace lifeline
