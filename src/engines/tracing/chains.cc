#include "engines/tracing/chains.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <unordered_map>

#include "core/validation.h"

namespace lifeline::tracing {
namespace {

double Days(UnixMillis millis) { return static_cast<double>(millis) / kMillisPerDay; }

UnixMillis Millis(double days) {
  return static_cast<UnixMillis>(std::llround(days * kMillisPerDay));
}

bool IsCase(PersonStatus status) {
  return status == PersonStatus::kConfirmed || status == PersonStatus::kAsymptomatic ||
         status == PersonStatus::kSuspected;
}

Status CheckOptions(const ChainOptions& options) {
  if (!(options.min_incubation_days >= 0 &&
        options.min_incubation_days <= options.most_likely_days &&
        options.most_likely_days <= options.max_incubation_days &&
        options.max_incubation_days <= 60)) {
    return FieldInvalid("incubation_days", "0 <= min <= most likely <= max <= 60");
  }
  if (!(options.most_likely_days > 0 && options.log_sigma > 0 && options.log_sigma <= 3)) {
    return FieldInvalid("log_sigma", "most likely > 0 and 0 < sigma <= 3");
  }
  if (!(options.infectious_before_onset_days >= 0 && options.infectious_after_onset_days >= 0)) {
    return FieldInvalid("infectious_days", ">= 0");
  }
  for (const double weight : options.kind_weight) {
    if (!(weight >= 0 && weight <= 1)) return FieldInvalid("kind_weight", "0..1");
  }
  for (const double prior : {options.prior_case, options.prior_suspected, options.prior_negative,
                             options.prior_explained, options.prior_unexplained}) {
    if (!(prior >= 0 && prior <= 1)) return FieldInvalid("prior", "0..1");
  }
  if (options.min_shared_visit < 0) return FieldInvalid("min_shared_visit", ">= 0");
  if (options.hidden_source_min_cases < 1) return FieldInvalid("hidden_source_min_cases", ">= 1");
  if (!(options.other_source_share >= 0 && options.other_source_share <= 1)) {
    return FieldInvalid("other_source_share", "0..1");
  }
  return Status::Ok();
}

// Instants far beyond any record (year ±285,000) would overflow the arithmetic on them.
constexpr UnixMillis kMaxAbsMillis = UnixMillis{1} << 53;

Status CheckTime(const std::string& field, UnixMillis at) {
  if (at < -kMaxAbsMillis || at > kMaxAbsMillis) return FieldInvalid(field, "out of range");
  return Status::Ok();
}

Status CheckInterval(const std::string& field, const Interval& when) {
  RETURN_IF_ERROR(CheckTime(field, when.start));
  RETURN_IF_ERROR(CheckTime(field, when.end));
  if (when.end < when.start) return FieldInvalid(field, "ends before it starts");
  return Status::Ok();
}

// The log-normal density of an interval of `days`, its mode at options.most_likely_days.
double IntervalDensity(double days, const ChainOptions& options) {
  if (days <= 0) return 0;
  const double sigma = options.log_sigma;
  const double mu = std::log(options.most_likely_days) + sigma * sigma;
  const double z = (std::log(days) - mu) / sigma;
  return std::exp(-0.5 * z * z) / (days * sigma * std::sqrt(2 * std::numbers::pi));
}

// Shared visits to one place, overlapping long enough, as exposures.
std::vector<Exposure> SharedVisits(std::span<const Visit> visits, UnixMillis min_overlap) {
  std::map<std::string, std::vector<const Visit*>> by_place;
  for (const Visit& visit : visits) by_place[visit.place].push_back(&visit);
  std::vector<Exposure> shared;
  for (auto& [place, at_place] : by_place) {
    std::sort(at_place.begin(), at_place.end(), [](const Visit* a, const Visit* b) {
      return a->when.start != b->when.start ? a->when.start < b->when.start : a->person < b->person;
    });
    for (std::size_t first = 0; first < at_place.size(); ++first) {
      const Visit& one = *at_place[first];
      for (std::size_t other = first + 1;
           other < at_place.size() && at_place[other]->when.start <= one.when.end; ++other) {
        const Visit& two = *at_place[other];
        if (two.person == one.person) continue;
        const Interval overlap{two.when.start, std::min(one.when.end, two.when.end)};
        if (overlap.end - overlap.start < min_overlap) continue;
        shared.push_back({one.person, two.person, ExposureKind::kSamePlaceTime, overlap, place});
      }
    }
  }
  return shared;
}

struct Index {
  std::unordered_map<PersonId, const Person*> people;
  // Per person, the exposures they are in.
  std::unordered_map<PersonId, std::vector<const Exposure*>> links;
};

// Whether something explains `person`'s own infection in time for them to pass it on during
// `when`: a high-risk stay, or a link to a case, between the longest and the shortest incubation
// before it.
bool InfectionExplained(const Person& person, const Interval& when, const Index& index,
                        const ChainOptions& options) {
  const Interval before{when.start - Millis(options.max_incubation_days),
                        when.end - Millis(options.min_incubation_days)};
  const auto meets = [&](const Interval& other) {
    return other.start <= before.end && other.end >= before.start;
  };
  if (std::any_of(person.high_risk_stays.begin(), person.high_risk_stays.end(), meets)) {
    return true;
  }
  const auto found = index.links.find(person.id);
  if (found == index.links.end()) return false;
  // A case met then, while infectious (if its onset is known).
  return std::any_of(found->second.begin(), found->second.end(), [&](const Exposure* link) {
    const Person& other = *index.people.at(link->a == person.id ? link->b : link->a);
    if (!IsCase(other.status) || !meets(link->when)) return false;
    if (!other.onset) return true;
    return link->when.end >= *other.onset - Millis(options.infectious_before_onset_days) &&
           link->when.start <= *other.onset + Millis(options.infectious_after_onset_days);
  });
}

// The best reading of one link as `infector` infecting `infected` (who has an onset), if any.
std::optional<Candidate> Score(const Person& infector, const Person& infected, const Exposure& link,
                               const Index& index, const ChainOptions& options) {
  const UnixMillis onset = *infected.onset;
  const double weight = options.kind_weight[static_cast<int>(link.kind)];
  Candidate candidate;
  candidate.infector = infector.id;
  candidate.kind = link.kind;
  candidate.exposure = link.when;
  candidate.place = link.place;
  double prior = options.prior_case;
  double density = 0;
  if (infector.onset) {
    // Onset to onset; the exposure must fall while the infector was infectious, before the onset.
    const double interval = Days(onset - *infector.onset);
    if (interval < options.min_incubation_days || interval > options.max_incubation_days) {
      return std::nullopt;
    }
    const UnixMillis from = *infector.onset - Millis(options.infectious_before_onset_days);
    const UnixMillis to = *infector.onset + Millis(options.infectious_after_onset_days);
    if (link.when.end < from || link.when.start > to || link.when.start >= onset) {
      return std::nullopt;
    }
    density = IntervalDensity(interval, options);
    candidate.interval_days = interval;
    candidate.onset_to_onset = true;
    if (infector.status == PersonStatus::kSuspected) prior = options.prior_suspected;
    if (infector.status == PersonStatus::kNegative) prior = options.prior_negative;
  } else {
    // Exposure to onset: the moment of the link nearest the most likely incubation before it.
    const UnixMillis earliest =
        std::max(link.when.start, onset - Millis(options.max_incubation_days));
    const UnixMillis latest = std::min(link.when.end, onset - Millis(options.min_incubation_days));
    if (earliest > latest) return std::nullopt;
    const UnixMillis moment =
        std::clamp(onset - Millis(options.most_likely_days), earliest, latest);
    const double interval = Days(onset - moment);
    density = IntervalDensity(interval, options);
    candidate.interval_days = interval;
    if (infector.status == PersonStatus::kNegative) {
      prior = options.prior_negative;
    } else if (infector.status == PersonStatus::kUntested) {
      candidate.infector_explained =
          InfectionExplained(infector, {earliest, latest}, index, options);
      prior = candidate.infector_explained ? options.prior_explained : options.prior_unexplained;
    }
  }
  candidate.score = weight * prior * density;
  if (candidate.score <= 0) return std::nullopt;
  return candidate;
}

}  // namespace

Result<ChainReport> InferChains(std::span<const Person> people, std::span<const Exposure> exposures,
                                std::span<const Visit> visits, const ChainOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  Index index;
  for (const Person& person : people) {
    if (!index.people.emplace(person.id, &person).second) {
      return FieldInvalid("person", "listed twice: " + std::to_string(person.id));
    }
    if (person.onset) RETURN_IF_ERROR(CheckTime("onset", *person.onset));
    for (const Interval& stay : person.high_risk_stays) {
      RETURN_IF_ERROR(CheckInterval("high_risk_stays", stay));
    }
  }
  const auto known = [&](PersonId id, const char* field) -> Status {
    if (index.people.count(id) == 0) return FieldInvalid(field, "no person " + std::to_string(id));
    return Status::Ok();
  };
  for (const Visit& visit : visits) {
    RETURN_IF_ERROR(known(visit.person, "visit.person"));
    RETURN_IF_ERROR(CheckInterval("visit.when", visit.when));
  }
  std::vector<Exposure> all(exposures.begin(), exposures.end());
  for (const Exposure& exposure : all) {
    RETURN_IF_ERROR(known(exposure.a, "exposure.a"));
    RETURN_IF_ERROR(known(exposure.b, "exposure.b"));
    RETURN_IF_ERROR(CheckInterval("exposure.when", exposure.when));
    if (static_cast<int>(exposure.kind) < 0 || static_cast<int>(exposure.kind) >= kExposureKinds) {
      return FieldInvalid("exposure.kind", "unknown");
    }
  }
  const std::vector<Exposure> shared = SharedVisits(visits, options.min_shared_visit);
  all.insert(all.end(), shared.begin(), shared.end());
  for (const Exposure& exposure : all) {
    if (exposure.a == exposure.b) continue;
    index.links[exposure.a].push_back(&exposure);
    index.links[exposure.b].push_back(&exposure);
  }

  ChainReport report;
  std::vector<const Person*> cases;
  for (const Person& person : people) {
    if (IsCase(person.status) && person.onset) cases.push_back(&person);
  }
  std::sort(cases.begin(), cases.end(),
            [](const Person* a, const Person* b) { return a->id < b->id; });
  for (const Person* infected : cases) {
    // The best link per infector.
    std::map<PersonId, Candidate> best;
    const auto found = index.links.find(infected->id);
    if (found != index.links.end()) {
      for (const Exposure* link : found->second) {
        const Person& infector = *index.people.at(link->a == infected->id ? link->b : link->a);
        const std::optional<Candidate> candidate =
            Score(infector, *infected, *link, index, options);
        if (!candidate) continue;
        auto [entry, inserted] = best.try_emplace(infector.id, *candidate);
        if (!inserted && candidate->score > entry->second.score) entry->second = *candidate;
      }
    }
    CaseChain chain;
    chain.case_id = infected->id;
    double total = 0;
    for (auto& [id, candidate] : best) {
      chain.candidates.push_back(candidate);
      total += candidate.score;
    }
    for (Candidate& candidate : chain.candidates) candidate.share = candidate.score / total;
    std::sort(chain.candidates.begin(), chain.candidates.end(),
              [](const Candidate& a, const Candidate& b) {
                return a.score != b.score ? a.score > b.score : a.infector < b.infector;
              });
    report.chains.push_back(std::move(chain));
  }

  // Hidden sources: untested people without symptoms whom several cases point to alone.
  std::map<PersonId, std::vector<PersonId>> led;
  for (const CaseChain& chain : report.chains) {
    if (chain.candidates.empty()) continue;
    const Candidate& top = chain.candidates.front();
    const Person& person = *index.people.at(top.infector);
    if (person.status != PersonStatus::kUntested || person.onset) continue;
    const bool alone = std::all_of(chain.candidates.begin() + 1, chain.candidates.end(),
                                   [&](const Candidate& other) {
                                     return other.score < options.other_source_share * top.score;
                                   });
    if (alone) led[top.infector].push_back(chain.case_id);
  }
  for (auto& [person, led_cases] : led) {
    if (static_cast<int>(led_cases.size()) >= options.hidden_source_min_cases) {
      report.hidden_sources.push_back({person, std::move(led_cases)});
    }
  }
  return report;
}

}  // namespace lifeline::tracing
