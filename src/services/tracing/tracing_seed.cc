#include "services/tracing/tracing_seed.h"

#include <array>
#include <optional>
#include <vector>

#include "engines/scenario/people.h"
#include "engines/scenario/random.h"
#include "services/tracing/tracing_common.h"
#include "services/tracing/tracing_service.h"

namespace lifeline {
namespace {

using scenario::Random;

// Independent random streams, each keyed to its item so one part can change without moving
// the others.
constexpr std::uint64_t kStoryStream = 1;
constexpr std::uint64_t kClusterStream = 2;
constexpr std::uint64_t kTravellerStream = 3;
constexpr std::uint64_t kSuspectedStream = 4;
constexpr std::uint64_t kRoundStream = 5;

// The districts the demo's cases live in: Jiang'an, Jianghan, Qiaokou, Wuchang.
constexpr std::array<std::string_view, 4> kDistrictCodes = {"420102", "420103", "420104", "420106"};
constexpr int kClusters = 8;
constexpr int kTravellers = 3;
constexpr int kSuspected = 2;
// One cluster in kSecondaryEvery has a household member who fell ill after the index case.
constexpr int kSecondaryEvery = 3;
// One contact in kLapsedEvery stopped reporting kLapsedDays ago: their follow-up is overdue.
constexpr int kLapsedEvery = 4;
constexpr int kLapsedDays = 3;
// The story's 20 January is the seed's today.
constexpr int kStoryToday = 20;
constexpr std::int64_t kRoundCapacity = 1'000'000;
constexpr std::int64_t kBatchTested = 200'000;

constexpr std::array<std::string_view, 5> kPlaces = {"菜市场", "药店", "社区诊所", "面馆",
                                                     "公交站"};

const Actor kScenarioActor{0, "scenario", Role::kAdmin, "seed-tracing"};

const scenario::District& DistrictOf(std::string_view code) {
  for (const scenario::District& district : scenario::WuhanDistricts()) {
    if (district.code == code) return district;
  }
  return scenario::WuhanDistricts().front();
}

std::string DrawName(Random& random) {
  const scenario::Sex sex = random.Below(2) == 0 ? scenario::Sex::kFemale : scenario::Sex::kMale;
  return scenario::DrawFullName(random, scenario::DrawSurname(random), sex);
}

// Writes the demo's records through the service and counts them.
class Seeder {
 public:
  Seeder(TracingService& service, UnixMillis now, std::uint64_t seed, TracingSeedReport& report)
      : service_(service),
        now_(now),
        today_(now - now % kMillisPerDay),
        seed_(seed),
        report_(report) {}

  Status Story();
  Status Clusters();
  Status Travellers();
  Status Suspected();
  Status Round();

 private:
  // The story's January day at `hour`, shifted so that its 20th is today.
  UnixMillis StoryDay(int day, int hour = 0) const {
    return today_ - (kStoryToday - day) * kMillisPerDay + hour * kMillisPerHour;
  }

  Result<std::int64_t> Person(const TracingPersonInput& person) {
    ASSIGN_OR_RETURN(const TracingPerson added, service_.AddPerson(kScenarioActor, person));
    ++report_.people;
    return added.id;
  }
  Status Expose(std::int64_t a, std::int64_t b, const std::string& kind, UnixMillis start,
                UnixMillis end, const std::string& place) {
    ++report_.exposures;
    return service_.AddExposure(kScenarioActor, {a, b, kind, start, end, place, ""}).status();
  }
  Status Visit(std::int64_t person, const std::string& place, const std::string& area,
               UnixMillis start, UnixMillis end, bool high_risk = false) {
    ++report_.visits;
    return service_.AddVisit(kScenarioActor, {person, place, area, start, end, high_risk}).status();
  }
  // A close contact's quarantine from `start`: a symptom check each day until today (until
  // kLapsedDays ago when `lapsed`), a negative test on day 1, and on day 4 unless lapsed.
  Status FollowUp(std::int64_t person, UnixMillis start, bool lapsed, Random& random);

  TracingService& service_;
  const UnixMillis now_;
  const UnixMillis today_;
  const std::uint64_t seed_;
  TracingSeedReport& report_;
  int contacts_ = 0;
  // One book for the whole desk: no two people share a number by chance.
  scenario::PhoneBook phones_;
  // Untested household contacts by district, with their phones: a round's batch finds one.
  struct Contact {
    std::string district_code;
    std::string phone;
  };
  std::vector<Contact> household_contacts_;
};

Status Seeder::Story() {
  Random random(scenario::StreamSeed(seed_, kStoryStream, 0));
  const auto add = [&](const std::string& district, const std::string& household,
                       const std::string& status, std::optional<int> onset_day,
                       std::optional<int> confirmed_day) -> Result<std::int64_t> {
    TracingPersonInput person;
    person.name = DrawName(random);
    person.phone = phones_.Draw(random);
    person.household = household;
    person.district_code = district;
    person.status = status;
    if (onset_day) person.onset_at = StoryDay(*onset_day, 8);
    if (confirmed_day) person.confirmed_at = StoryDay(*confirmed_day, 15);
    return Person(person);
  };
  const std::string couple_home = scenario::DrawStreet(random, "420102");
  ASSIGN_OR_RETURN(report_.story_a,
                   add("420103", scenario::DrawStreet(random, "420103"), "confirmed", 14, 16));
  ASSIGN_OR_RETURN(report_.story_b, add("420102", couple_home, "confirmed", 16, 18));
  ASSIGN_OR_RETURN(report_.story_c, add("420102", couple_home, "confirmed", 17, 19));
  ASSIGN_OR_RETURN(report_.story_d, add("420102", scenario::DrawStreet(random, "420102"),
                                        "untested", std::nullopt, std::nullopt));
  ASSIGN_OR_RETURN(report_.story_e,
                   add("420103", scenario::DrawStreet(random, "420103"), "suspected", 17, {}));
  const std::int64_t a = report_.story_a, b = report_.story_b, c = report_.story_c,
                     d = report_.story_d, e = report_.story_e;

  // D back from Wuhan on the 7th; the supermarket where A works every day and D shopped on the
  // 8th and 9th; the family dinners of D with B and C; A's colleague E.
  const std::string supermarket = "超市";
  const std::string area = DistrictOf("420103").name_zh;
  RETURN_IF_ERROR(Visit(d, "武汉", "", StoryDay(1), StoryDay(7, 12), true));
  for (int day = 2; day <= 13; ++day) {
    RETURN_IF_ERROR(Visit(a, supermarket, area, StoryDay(day, 8), StoryDay(day, 18)));
  }
  RETURN_IF_ERROR(Visit(d, supermarket, area, StoryDay(8, 10), StoryDay(8, 11)));
  RETURN_IF_ERROR(Visit(d, supermarket, area, StoryDay(9, 15), StoryDay(9, 16)));
  RETURN_IF_ERROR(Expose(b, c, "household", StoryDay(1), StoryDay(kStoryToday), "家中"));
  for (const int day : {8, 9}) {
    for (const std::int64_t guest : {b, c}) {
      RETURN_IF_ERROR(
          Expose(d, guest, "shared_meal", StoryDay(day, 18), StoryDay(day, 23), "家庭聚餐"));
    }
  }
  RETURN_IF_ERROR(Expose(a, e, "workplace", StoryDay(2), StoryDay(16), supermarket));
  // E and D report daily while in quarantine.
  RETURN_IF_ERROR(FollowUp(e, StoryDay(16), false, random));
  return FollowUp(d, StoryDay(8, 23), false, random);
}

Status Seeder::FollowUp(std::int64_t person, UnixMillis start, bool lapsed, Random& random) {
  const UnixMillis last = lapsed ? now_ - kLapsedDays * kMillisPerDay : now_;
  for (UnixMillis day = start; day < last; day += kMillisPerDay) {
    const UnixMillis at = day + random.Between(1, 10) * kMillisPerHour;
    if (at > last) break;
    const double temperature = 36.2 + random.Between(0, 8) / 10.0;
    RETURN_IF_ERROR(service_.RecordCheck(kScenarioActor, {person, at, "", temperature}).status());
    ++report_.checks;
  }
  for (const int test_day : {1, 4}) {
    if (lapsed && test_day > 1) break;
    const UnixMillis at = start + (test_day - 1) * kMillisPerDay + 10 * kMillisPerHour;
    if (at > last) break;
    RETURN_IF_ERROR(
        service_.RecordTest(kScenarioActor, {person, "pcr", false, std::nullopt, at, ""}).status());
    ++report_.tests;
  }
  return Status::Ok();
}

Status Seeder::Clusters() {
  for (int cluster = 0; cluster < kClusters; ++cluster) {
    Random random(scenario::StreamSeed(seed_, kClusterStream, static_cast<std::uint64_t>(cluster)));
    const std::string code(
        kDistrictCodes[static_cast<std::size_t>(cluster) % kDistrictCodes.size()]);
    const scenario::District& district = DistrictOf(code);
    const UnixMillis confirmed =
        today_ - random.Between(1, 12) * kMillisPerDay + random.Between(8, 18) * kMillisPerHour;
    const UnixMillis onset = confirmed - random.Between(1, 3) * kMillisPerDay;
    const std::string household = scenario::DrawStreet(random, code);

    TracingPersonInput index;
    index.name = DrawName(random);
    index.phone = phones_.Draw(random);
    index.household = household;
    index.district_code = code;
    index.status = "confirmed";
    index.onset_at = onset;
    index.confirmed_at = confirmed;
    ASSIGN_OR_RETURN(const std::int64_t index_id, Person(index));
    // Where the case went in the days before falling ill: its district's risk area.
    for (int visit = 0; visit < 2; ++visit) {
      const UnixMillis start =
          onset - random.Between(1, 3) * kMillisPerDay + random.Between(8, 19) * kMillisPerHour;
      RETURN_IF_ERROR(
          Visit(index_id,
                std::string(kPlaces[random.Below(kPlaces.size())]) + "（" + district.name_zh + "）",
                district.name_zh, start, start + kMillisPerHour));
    }

    // The household, together from the onset until the case was isolated.
    const int members = random.Between(1, 3);
    for (int member = 0; member < members; ++member) {
      TracingPersonInput person;
      person.name = DrawName(random);
      person.phone = phones_.Draw(random);
      person.household = household;
      person.district_code = code;
      const bool secondary = member == 0 && cluster % kSecondaryEvery == 0;
      const UnixMillis secondary_onset = onset + random.Between(3, 5) * kMillisPerDay;
      const UnixMillis secondary_confirmed = secondary_onset + kMillisPerDay + 10 * kMillisPerHour;
      if (secondary && secondary_confirmed < now_) {
        person.status = "confirmed";
        person.onset_at = secondary_onset;
        person.confirmed_at = secondary_confirmed;
      }
      ASSIGN_OR_RETURN(const std::int64_t member_id, Person(person));
      RETURN_IF_ERROR(Expose(index_id, member_id, "household", onset, confirmed, "家中"));
      if (person.status == "untested") {
        RETURN_IF_ERROR(FollowUp(member_id, confirmed, ++contacts_ % kLapsedEvery == 0, random));
        household_contacts_.push_back({code, person.phone});
      }
    }

    // A colleague or a dinner guest, a few hours after the onset.
    TracingPersonInput other;
    other.name = DrawName(random);
    other.phone = phones_.Draw(random);
    other.household = scenario::DrawStreet(random, code);
    other.district_code = code;
    ASSIGN_OR_RETURN(const std::int64_t other_id, Person(other));
    const bool colleague = cluster % 2 == 0;
    const UnixMillis met = onset + random.Between(2, 10) * kMillisPerHour;
    const UnixMillis parted = met + 3 * kMillisPerHour;
    RETURN_IF_ERROR(Expose(index_id, other_id, colleague ? "workplace" : "shared_meal", met, parted,
                           colleague ? "单位" : "聚餐"));
    RETURN_IF_ERROR(FollowUp(other_id, parted, ++contacts_ % kLapsedEvery == 0, random));
  }
  return Status::Ok();
}

Status Seeder::Travellers() {
  for (int traveller = 0; traveller < kTravellers; ++traveller) {
    Random random(
        scenario::StreamSeed(seed_, kTravellerStream, static_cast<std::uint64_t>(traveller)));
    const std::string code(kDistrictCodes[random.Below(kDistrictCodes.size())]);
    TracingPersonInput person;
    person.name = DrawName(random);
    person.phone = phones_.Draw(random);
    person.household = scenario::DrawStreet(random, code);
    person.district_code = code;
    ASSIGN_OR_RETURN(const std::int64_t id, Person(person));
    // A stay in a (fictional) high-risk area in the last days: a yellow code for 14 days.
    const UnixMillis start = today_ - random.Between(3, 6) * kMillisPerDay;
    RETURN_IF_ERROR(
        Visit(id, "示例批发市场", "示例高风险地区", start, start + 2 * kMillisPerHour, true));
  }
  return Status::Ok();
}

Status Seeder::Suspected() {
  for (int index = 0; index < kSuspected; ++index) {
    Random random(scenario::StreamSeed(seed_, kSuspectedStream, static_cast<std::uint64_t>(index)));
    const std::string code(kDistrictCodes[random.Below(kDistrictCodes.size())]);
    TracingPersonInput person;
    person.name = DrawName(random);
    person.phone = phones_.Draw(random);
    person.household = scenario::DrawStreet(random, code);
    person.district_code = code;
    person.status = "suspected";
    person.onset_at = today_ - random.Between(1, 2) * kMillisPerDay;
    RETURN_IF_ERROR(Person(person).status());
  }
  return Status::Ok();
}

Status Seeder::Round() {
  Random random(scenario::StreamSeed(seed_, kRoundStream, 0));
  TracingRoundInput round;
  round.name = "全员核酸检测第一轮";
  round.start_date = FormatIso8601(today_ - kMillisPerDay).substr(0, 10);
  round.daily_capacity = kRoundCapacity;
  for (const std::string_view code : kDistrictCodes) {
    const scenario::District& district = DistrictOf(code);
    round.districts.push_back({district.code, district.name_zh, district.population});
  }
  ASSIGN_OR_RETURN(const TracingRound created, service_.CreateRound(kScenarioActor, round));
  ++report_.rounds;
  report_.round_id = created.id;

  // Yesterday's first batch in the riskiest district: a household contact the desk knows (found
  // by phone; they keep the name the desk has) and someone new.
  const std::string& first = created.districts.front().code;
  TracingBatchInput batch;
  batch.district_code = first;
  batch.batch = first;
  batch.batch.append("-001");
  batch.taken_at = today_ - kMillisPerDay + 10 * kMillisPerHour;
  batch.tested = kBatchTested;
  for (const Contact& contact : household_contacts_) {
    if (contact.district_code != first) continue;
    batch.positives.push_back({DrawName(random), contact.phone, "", "pcr", 30.5, std::nullopt});
    break;
  }
  batch.positives.push_back({DrawName(random), phones_.Draw(random),
                             scenario::DrawStreet(random, first), "pcr", 33.0, std::nullopt});
  ASSIGN_OR_RETURN(const TracingBatchResult result,
                   service_.RecordBatch(kScenarioActor, created.id, batch));
  ++report_.people;  // the new person; the known one was counted when added
  report_.tests += static_cast<std::int64_t>(result.case_ids.size());
  return Status::Ok();
}

}  // namespace

Result<TracingSeedReport> SeedTracingDesk(Database& database, const std::string& key,
                                          const TracingSeedOptions& options) {
  TracingSeedReport report;
  const UnixMillis now = options.now == 0 ? NowMillis() : options.now;
  TracingOptions service_options;
  service_options.clock = [now] { return now; };
  TracingService service(database, key, service_options);
  ASSIGN_OR_RETURN(const bool empty, service.IsEmpty());
  if (!empty) {
    report.skipped = true;
    return report;
  }
  Seeder seeder(service, now, options.seed, report);
  RETURN_IF_ERROR(seeder.Story());
  RETURN_IF_ERROR(seeder.Clusters());
  RETURN_IF_ERROR(seeder.Travellers());
  RETURN_IF_ERROR(seeder.Suspected());
  RETURN_IF_ERROR(seeder.Round());
  ASSIGN_OR_RETURN(
      const QueryResult cases,
      database.Query("SELECT COUNT(*) FROM tracing_people WHERE status IN " + kCaseStatusesSql));
  report.cases = cases.rows.at(0).Int(0);
  return report;
}

}  // namespace lifeline
