#include "engines/companions/synthetic_city.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/csv.h"
#include "engines/companions/companions.h"

namespace lifeline::companions {
namespace {

constexpr std::int64_t kDay = 86400;

SyntheticCityOptions Small(std::int64_t phones, int days, std::int64_t cases, int threads = 2) {
  SyntheticCityOptions options;
  options.phones = phones;
  options.days = days;
  options.cases = cases;
  options.threads = threads;
  return options;
}

SyntheticCity BuildOrDie(const SyntheticCityOptions& options) {
  Result<SyntheticCity> city = SyntheticCity::Build(options);
  EXPECT_TRUE(city.ok()) << city.status().ToString();
  return std::move(city).value();
}

// records.csv in one string, and the day of every block boundary the stream reported.
struct Streamed {
  std::string text;
  RecordsWritten written;
  std::vector<int> days_done;
};

Streamed StreamAll(const SyntheticCity& city) {
  Streamed streamed;
  streamed.written = city.StreamRecordsCsv(
      [&](std::string_view block) {
        streamed.text += block;
        return true;
      },
      [&](int day, std::int64_t, std::int64_t bytes) {
        EXPECT_EQ(bytes, static_cast<std::int64_t>(streamed.text.size()));
        streamed.days_done.push_back(day);
      });
  return streamed;
}

TEST(SyntheticCityTest, RejectsBadOptions) {
  auto field_of = [](const SyntheticCityOptions& options) {
    return ValidateSyntheticCity(options).field();
  };
  SyntheticCityOptions options = Small(100, 2, 5);
  EXPECT_TRUE(ValidateSyntheticCity(options).ok());
  options.phones = 0;
  EXPECT_EQ(field_of(options), "phones");
  options = Small(100, 0, 5);
  EXPECT_EQ(field_of(options), "days");
  options.days = kMaxSyntheticDays + 1;
  EXPECT_EQ(field_of(options), "days");
  options = Small(100, 2, 101);
  EXPECT_EQ(field_of(options), "cases");
  EXPECT_EQ(ValidateSyntheticCity(options).message_id(), "mobility.error.cases");
  options = Small(100, 2, -1);
  EXPECT_EQ(field_of(options), "cases");
  options = Small(100, 2, 100);
  EXPECT_TRUE(ValidateSyntheticCity(options).ok());
  options.towers = kMinSyntheticTowers - 1;
  EXPECT_EQ(field_of(options), "towers");
  options.towers = 0;
  options.start = -1;
  EXPECT_EQ(field_of(options), "start");
  options.start = kMaxSyntheticStart + 1;
  EXPECT_EQ(field_of(options), "start");
  options.start = kDefaultSyntheticStart;
  options.threads = -1;
  EXPECT_EQ(field_of(options), "threads");
  EXPECT_FALSE(SyntheticCity::Build(options).ok());
}

TEST(SyntheticCityTest, SameOptionsSameBytesWhateverTheThreads) {
  const SyntheticCity one = BuildOrDie(Small(9000, 2, 40, 1));
  const SyntheticCity three = BuildOrDie(Small(9000, 2, 40, 3));
  EXPECT_EQ(one.CellsCsv(), three.CellsCsv());
  EXPECT_EQ(one.CasesCsv(), three.CasesCsv());
  const Streamed a = StreamAll(one);
  const Streamed b = StreamAll(three);
  EXPECT_TRUE(a.written.complete);
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.written.records, b.written.records);
  EXPECT_EQ(a.written.bytes, static_cast<std::int64_t>(a.text.size()));
  EXPECT_EQ(a.days_done, (std::vector<int>{0, 1}));

  SyntheticCityOptions other_seed = Small(9000, 2, 40, 3);
  other_seed.seed = 2;
  const SyntheticCity other = BuildOrDie(other_seed);
  EXPECT_NE(other.CellsCsv(), one.CellsCsv());
  EXPECT_NE(StreamAll(other).text, a.text);
}

TEST(SyntheticCityTest, TextIsTheRecordsDayByDayPhoneByPhone) {
  const SyntheticCity city = BuildOrDie(Small(5000, 2, 10));
  std::string expected = "phone,cell_id,time\n";
  std::int64_t records = 0;
  for (int day = 0; day < 2; ++day) {
    for (SyntheticPhone phone = 0; phone < 5000; ++phone) {
      std::vector<Record> day_records;
      city.AppendRecords(phone, day, day_records);
      ASSERT_FALSE(day_records.empty());
      for (std::size_t idx = 0; idx < day_records.size(); ++idx) {
        const Record& record = day_records[idx];
        EXPECT_GE(record.time, kDefaultSyntheticStart + day * kDay);
        EXPECT_LT(record.time, kDefaultSyntheticStart + (day + 1) * kDay);
        if (idx > 0) {
          EXPECT_GT(record.time, day_records[idx - 1].time);
        }
        ASSERT_LT(record.tower, city.towers().size());
        expected += std::string(city.PhoneNumber(phone)) + "," +
                    city.towers()[record.tower].cell_id + "," + std::to_string(record.time) + "\n";
      }
      records += static_cast<std::int64_t>(day_records.size());
    }
  }
  const Streamed streamed = StreamAll(city);
  EXPECT_EQ(streamed.text, expected);
  EXPECT_EQ(streamed.written.records, records);
}

TEST(SyntheticCityTest, StopsWhenTheSinkRefuses) {
  const SyntheticCity city = BuildOrDie(Small(20000, 3, 10, 3));
  int blocks = 0;
  const RecordsWritten written = city.StreamRecordsCsv([&](std::string_view) {
    return ++blocks < 4;  // the header and two blocks
  });
  EXPECT_FALSE(written.complete);
  EXPECT_EQ(blocks, 4);
  EXPECT_GT(written.records, 0);
}

TEST(SyntheticCityTest, TowersAndNumbersLookReal) {
  const SyntheticCity city = BuildOrDie(Small(1'000'000 / 20, 1, 0));
  EXPECT_EQ(static_cast<std::int64_t>(city.towers().size()), 300);  // 6 per 1,000 phones
  EXPECT_EQ(SyntheticTowerCount(Small(2000, 1, 0)), 50);
  EXPECT_EQ(SyntheticTowerCount(Small(1'000'000, 1, 0)), 6000);
  EXPECT_EQ(city.towers()[122].cell_id, "C000123");
  const std::string cells = city.CellsCsv();
  EXPECT_EQ(cells.substr(0, 16), "cell_id,lat,lon\n");
  for (const Tower& tower : city.towers()) {
    EXPECT_GE(tower.lat, 30.45 - 1e-6);
    EXPECT_LE(tower.lat, 30.75 + 1e-6);
    EXPECT_GE(tower.lon, 114.10 - 1e-6);
    EXPECT_LE(tower.lon, 114.50 + 1e-6);
  }
  // Six decimals, read back as the values the city holds.
  const std::size_t line_end = cells.find('\n', 16);
  const std::string first = cells.substr(16, line_end - 16);
  EXPECT_EQ(first.size(), std::string("C000001,30.123456,114.123456").size()) << first;

  const std::set<std::string> prefixes = {"130", "131", "132", "133", "134", "135", "136", "137",
                                          "138", "139", "150", "151", "152", "153", "155", "156",
                                          "157", "158", "159", "177", "180", "181", "182", "183",
                                          "184", "185", "186", "187", "188", "189", "199"};
  std::set<std::string_view> numbers;
  int consecutive = 0;
  for (SyntheticPhone phone = 0; phone < city.phone_count(); ++phone) {
    const std::string_view number = city.PhoneNumber(phone);
    ASSERT_EQ(number.size(), 11u);
    EXPECT_EQ(number.find_first_not_of("0123456789"), std::string_view::npos);
    EXPECT_TRUE(prefixes.count(std::string(number.substr(0, 3)))) << number;
    numbers.insert(number);
    if (phone > 0 && *ParseCsvInt(number) == *ParseCsvInt(city.PhoneNumber(phone - 1)) + 1) {
      ++consecutive;
    }
  }
  EXPECT_EQ(static_cast<std::int64_t>(numbers.size()), city.phone_count());
  EXPECT_LT(consecutive, 5);
}

TEST(SyntheticCityTest, HouseholdsWorkplacesAndRecordsPerDay) {
  constexpr std::int64_t kPhones = 20000;
  constexpr int kDays = 7;
  const SyntheticCity city = BuildOrDie(Small(kPhones, kDays, 0));
  std::int64_t with_work = 0;
  std::map<std::uint32_t, int> workplace_sizes;
  for (SyntheticPhone phone = 0; phone < kPhones;) {
    const auto [first, end] = city.Household(phone);
    EXPECT_EQ(first, phone);
    EXPECT_GE(end - first, 1u);
    EXPECT_LE(end - first, 5u);
    for (SyntheticPhone member = first; member < end; ++member) {
      EXPECT_EQ(city.Household(member), std::make_pair(first, end));
      if (const std::optional<std::uint32_t> work = city.Workplace(member)) {
        ++with_work;
        ++workplace_sizes[*work];
      }
    }
    phone = end;
  }
  EXPECT_NEAR(static_cast<double>(with_work) / kPhones, 0.70, 0.03);
  // Workplaces are shared: most workers have colleagues.
  const auto largest =
      std::max_element(workplace_sizes.begin(), workplace_sizes.end(),
                       [](const auto& a, const auto& b) { return a.second < b.second; });
  EXPECT_GE(largest->second, 50);
  EXPECT_NEAR(static_cast<double>(kPhones) / city.household_count(), 2.7, 0.15);

  const Streamed streamed = StreamAll(city);
  const double per_phone_day = static_cast<double>(streamed.written.records) / kPhones / kDays;
  EXPECT_NEAR(per_phone_day, 14.3, 0.3);
}

// Of the records of phones with a workplace between 10:00 and 16:00 local time on `day`, the
// share on a tower the same phone used before 06:00 that day (at home, mostly).
double ShareNearHomeAtMidday(const SyntheticCity& city, int day) {
  std::int64_t midday = 0;
  std::int64_t near_home = 0;
  const std::int64_t day_start = kDefaultSyntheticStart + day * kDay;
  for (SyntheticPhone phone = 0; phone < city.phone_count(); ++phone) {
    if (!city.Workplace(phone)) continue;
    std::vector<Record> records;
    city.AppendRecords(phone, day, records);
    std::set<std::uint32_t> night;
    for (const Record& record : records) {
      const std::int64_t local = record.time - day_start;
      if (local < 6 * 3600) night.insert(record.tower);
      if (local >= 10 * 3600 && local < 16 * 3600) {
        ++midday;
        if (night.count(record.tower)) ++near_home;
      }
    }
  }
  return static_cast<double>(near_home) / static_cast<double>(midday);
}

TEST(SyntheticCityTest, WeekendsDifferFromWorkdays) {
  // Day 0 is Thursday 2022-12-01, day 3 Sunday 2022-12-04.
  const SyntheticCity city = BuildOrDie(Small(5000, 4, 0));
  const double thursday = ShareNearHomeAtMidday(city, 0);
  const double sunday = ShareNearHomeAtMidday(city, 3);
  EXPECT_LT(thursday, 0.3) << thursday;
  EXPECT_GT(sunday, thursday + 0.15) << sunday;
}

TEST(SyntheticCityTest, CasesAreDistinctClusteredAndConfirmedOnTheLastDay) {
  constexpr int kDays = 5;
  const SyntheticCity city = BuildOrDie(Small(20000, kDays, 1000));
  ASSERT_EQ(city.cases().size(), 1000u);
  std::set<SyntheticPhone> phones;
  std::map<std::pair<SyntheticPhone, SyntheticPhone>, int> households;
  std::map<std::uint32_t, int> workplaces;
  const std::int64_t last_day = kDefaultSyntheticStart + (kDays - 1) * kDay;
  for (std::size_t idx = 0; idx < city.cases().size(); ++idx) {
    const SyntheticCase& confirmed = city.cases()[idx];
    phones.insert(confirmed.phone);
    EXPECT_GE(confirmed.confirmed_at, last_day);
    EXPECT_LT(confirmed.confirmed_at, last_day + kDay);
    if (idx > 0) {
      EXPECT_GE(confirmed.confirmed_at, city.cases()[idx - 1].confirmed_at);
    }
    ++households[city.Household(confirmed.phone)];
    if (const auto work = city.Workplace(confirmed.phone)) ++workplaces[*work];
  }
  EXPECT_EQ(phones.size(), 1000u);
  int sharing_home = 0;
  for (const auto& [household, count] : households) {
    if (count > 1) sharing_home += count;
  }
  // By chance alone a few dozen cases would share a home; tracing households adds over 100.
  EXPECT_GT(sharing_home, 150);
  const std::string text = city.CasesCsv();
  EXPECT_EQ(text.substr(0, 19), "phone,confirmed_at\n");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1001);

  // Every phone can be a case.
  const SyntheticCity all = BuildOrDie(Small(300, 1, 300));
  std::set<SyntheticPhone> everyone;
  for (const SyntheticCase& confirmed : all.cases()) everyone.insert(confirmed.phone);
  EXPECT_EQ(everyone.size(), 300u);
}

TEST(SyntheticCityTest, HouseholdsAreCompanionsOfTheirCases) {
  constexpr int kDays = 4;
  const SyntheticCity city = BuildOrDie(Small(3000, kDays, 30));
  std::vector<Record> records;
  for (int day = 0; day < kDays; ++day) {
    for (SyntheticPhone phone = 0; phone < city.phone_count(); ++phone) {
      city.AppendRecords(phone, day, records);
    }
  }
  Result<CompanionEngine> engine = CompanionEngine::Build(city.towers(), records, {});
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  std::vector<Case> cases;
  for (const SyntheticCase& confirmed : city.cases()) {
    cases.push_back({confirmed.phone, confirmed.confirmed_at});
  }
  const Result<std::vector<CompanionPair>> pairs = engine->Evaluate(cases, 2);
  ASSERT_TRUE(pairs.ok()) << pairs.status().ToString();
  std::set<std::pair<std::uint64_t, std::uint64_t>> found;
  std::set<std::uint64_t> cases_with_companions;
  for (const CompanionPair& pair : *pairs) {
    found.insert({pair.case_phone, pair.companion_phone});
    cases_with_companions.insert(pair.case_phone);
  }
  EXPECT_GE(cases_with_companions.size(), cases.size() * 9 / 10);
  int members = 0;
  int members_found = 0;
  for (const Case& confirmed : cases) {
    const auto [first, end] = city.Household(static_cast<SyntheticPhone>(confirmed.phone));
    for (SyntheticPhone member = first; member < end; ++member) {
      if (member == confirmed.phone) continue;
      ++members;
      if (found.count({confirmed.phone, member})) ++members_found;
    }
  }
  ASSERT_GT(members, 10);
  EXPECT_GE(members_found, members * 9 / 10) << members_found << " of " << members;
}

}  // namespace
}  // namespace lifeline::companions
