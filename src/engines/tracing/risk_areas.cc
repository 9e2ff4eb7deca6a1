#include "engines/tracing/risk_areas.h"

#include <algorithm>
#include <map>

#include "core/validation.h"

namespace lifeline::tracing {
namespace {

// One area's visits, by time.
std::vector<const CaseVisit*> VisitsOf(std::span<const CaseVisit> visits, const std::string& area,
                                       UnixMillis now) {
  std::vector<const CaseVisit*> found;
  for (const CaseVisit& visit : visits) {
    if (visit.area == area && visit.at <= now) found.push_back(&visit);
  }
  std::sort(found.begin(), found.end(),
            [](const CaseVisit* a, const CaseVisit* b) { return a->at < b->at; });
  return found;
}

// When each distinct case's latest visit within the window (at `now`) leaves it, soonest first.
std::vector<UnixMillis> Expiries(const std::vector<const CaseVisit*>& visits, UnixMillis now,
                                 const RiskAreaRules& rules) {
  std::map<PersonId, UnixMillis> latest;
  for (const CaseVisit* visit : visits) {
    if (visit->at > now || visit->at + rules.window <= now) continue;
    UnixMillis& at = latest[visit->case_id];
    at = std::max(at, visit->at);
  }
  std::vector<UnixMillis> expiries;
  for (const auto& [case_id, at] : latest) expiries.push_back(at + rules.window);
  std::sort(expiries.begin(), expiries.end());
  return expiries;
}

RiskLevel LevelOf(std::size_t cases, const RiskAreaRules& rules) {
  if (cases == 0) return RiskLevel::kLow;
  return static_cast<int>(cases) >= rules.high_cases ? RiskLevel::kHigh : RiskLevel::kMedium;
}

std::vector<RiskChange> History(const std::vector<const CaseVisit*>& visits, UnixMillis now,
                                const RiskAreaRules& rules) {
  std::vector<UnixMillis> moments;
  for (const CaseVisit* visit : visits) {
    moments.push_back(visit->at);
    moments.push_back(visit->at + rules.window);
  }
  std::sort(moments.begin(), moments.end());
  moments.erase(std::unique(moments.begin(), moments.end()), moments.end());
  std::vector<RiskChange> history;
  for (const UnixMillis at : moments) {
    if (at > now) break;
    const RiskLevel level = LevelOf(Expiries(visits, at, rules).size(), rules);
    if (history.empty() || history.back().level != level) history.push_back({at, level});
  }
  return history;
}

}  // namespace

Status CheckRiskAreaRules(const RiskAreaRules& rules) {
  if (rules.window < 0) return FieldInvalid("window", ">= 0");
  if (rules.high_cases < 1) return FieldInvalid("high_cases", ">= 1");
  return Status::Ok();
}

std::vector<AreaRisk> AreaRisksAt(std::span<const CaseVisit> visits, UnixMillis now,
                                  const RiskAreaRules& rules) {
  std::vector<std::string> areas;
  for (const CaseVisit& visit : visits) {
    if (visit.at <= now) areas.push_back(visit.area);
  }
  std::sort(areas.begin(), areas.end());
  areas.erase(std::unique(areas.begin(), areas.end()), areas.end());
  std::vector<AreaRisk> risks;
  for (const std::string& area : areas) {
    const std::vector<const CaseVisit*> at_area = VisitsOf(visits, area, now);
    const std::vector<UnixMillis> expiries = Expiries(at_area, now, rules);
    const std::vector<RiskChange> history = History(at_area, now, rules);
    AreaRisk risk{area, LevelOf(expiries.size(), rules), history.back().at, std::nullopt,
                  static_cast<int>(expiries.size())};
    if (risk.level == RiskLevel::kMedium) risk.until = expiries.back();
    if (risk.level == RiskLevel::kHigh) {
      // High until fewer than high_cases remain: when the (n - high + 1)-th soonest expires.
      risk.until = expiries[expiries.size() - static_cast<std::size_t>(rules.high_cases)];
    }
    risks.push_back(std::move(risk));
  }
  return risks;
}

std::vector<RiskChange> AreaHistory(std::span<const CaseVisit> visits, const std::string& area,
                                    UnixMillis now, const RiskAreaRules& rules) {
  return History(VisitsOf(visits, area, now), now, rules);
}

}  // namespace lifeline::tracing
