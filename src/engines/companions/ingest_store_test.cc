// Bulk ingest of records.csv, phone keys and the columnar store, each checked against the direct
// path (CompanionEngine::Build over the same records) on random cities.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/time.h"
#include "engines/companions/companions.h"
#include "engines/companions/digits.h"
#include "engines/companions/random_city.h"
#include "engines/companions/record_ingest.h"
#include "engines/companions/run_store.h"

namespace lifeline::companions {
namespace {

using testing::City;
using testing::RandomCity;

// ---------------------------------------------------------------------------------------------
// Bulk ingest (records.csv bytes -> partitioned records -> runs -> engine) against Build.

// Phone number text for a test key: short keys print as digits (packed keys), big ones as 20-digit
// text (hashed plain keys, kept in PhoneNames), some with letters (never packable).
std::string PhoneTextOf(std::uint64_t key) {
  if (key % 7 == 3) return "ext-" + std::to_string(key);
  return std::to_string(key);
}

// records.csv of a city: columns in another order than the contract, an extra column, CRLF on
// some lines, quoted fields, blank lines; plus bad rows whose lines are returned.
std::string RecordsCsv(const City& city, std::mt19937_64& rng,
                       std::vector<std::int64_t>& bad_lines) {
  std::string text = "time,extra,cell_id,phone\n";
  std::int64_t line = 1;
  for (const Record& record : city.records) {
    const int style = static_cast<int>(rng() % 20);
    if (style == 0) {
      text += "\n";  // blank
      ++line;
    } else if (style == 1) {
      text += std::to_string(record.time) + ",x,NOPE," + PhoneTextOf(record.phone) + "\n";
      bad_lines.push_back(++line);
    } else if (style == 2) {
      text += "yesterday,x," + city.towers[record.tower].cell_id + ",1\n";
      bad_lines.push_back(++line);
    } else if (style == 3) {
      text += "\"unclosed,x\n";
      bad_lines.push_back(++line);
    }
    const std::string time =
        style == 4 ? FormatIso8601(record.time * kMillisPerSecond) : std::to_string(record.time);
    text +=
        time + (style == 5 ? ",\"a,\"\"b\"\"\"," : ",y,") + city.towers[record.tower].cell_id + ",";
    text += style == 6 ? "\"" + PhoneTextOf(record.phone) + "\"" : PhoneTextOf(record.phone);
    text += style == 7 ? "\r\n" : "\n";
    ++line;
  }
  return text;
}

// The city's towers sorted by cell_id, as ingest looks them up.
std::vector<Tower> SortedTowers(const City& city) {
  std::vector<Tower> sorted = city.towers;
  std::sort(sorted.begin(), sorted.end(),
            [](const Tower& a, const Tower& b) { return a.cell_id < b.cell_id; });
  return sorted;
}

TEST(CompanionIngestTest, BulkIngestGivesBuildsAnswersWhateverTheChunksAndThreads) {
  for (int seed = 1; seed <= 30; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const City city = RandomCity(static_cast<std::uint64_t>(seed));
    std::mt19937_64 rng(static_cast<std::uint64_t>(seed));
    std::vector<std::int64_t> bad_lines;
    const std::string csv = RecordsCsv(city, rng, bad_lines);
    const std::size_t data_start = csv.find('\n') + 1;
    const RecordColumns columns{3, 2, 0};

    // Build over the original records, keyed as ingest keys their text.
    const PhoneKeyer keyer;
    std::vector<Record> keyed = city.records;
    for (Record& record : keyed) record.phone = keyer.Key(PhoneTextOf(record.phone));
    std::vector<Case> cases = city.cases;
    for (Case& confirmed : cases) confirmed.phone = keyer.Key(PhoneTextOf(confirmed.phone));
    const auto built = CompanionEngine::Build(city.towers, keyed, city.rule, city.options);
    ASSERT_TRUE(built.ok());
    const auto expected = built->Evaluate(cases);
    ASSERT_TRUE(expected.ok());

    const std::vector<Tower> sorted = SortedTowers(city);
    const TowerLookup lookup(sorted);
    const StringSource source(csv);
    for (const auto& [chunk_bytes, threads] :
         std::vector<std::pair<std::size_t, int>>{{1 << 20, 1}, {97, 3}, {13, 2}}) {
      SCOPED_TRACE("chunk " + std::to_string(chunk_bytes));
      IngestOptions options;
      options.threads = threads;
      options.chunk_bytes = chunk_bytes;
      options.max_shown = 1000;
      auto ingest =
          IngestRecords(source, data_start, 0, csv.size(), columns, lookup, keyer, options);
      ASSERT_TRUE(ingest.ok()) << ingest.status().ToString();
      std::vector<std::int64_t> lines;
      for (const BadRow& row : ingest->bad.shown) lines.push_back(row.line + 1);  // + header
      EXPECT_EQ(lines, bad_lines);
      EXPECT_EQ(ingest->bad.total(), static_cast<std::int64_t>(bad_lines.size()));
      EXPECT_EQ(static_cast<std::size_t>(ingest->records.size()), city.records.size());
      for (const Record& record : city.records) {
        if (!PhoneKeyer::IsPacked(keyer.Key(PhoneTextOf(record.phone)))) {
          EXPECT_EQ(ingest->names.at(keyer.Key(PhoneTextOf(record.phone))),
                    PhoneTextOf(record.phone));
        }
      }
      const RunTable runs = BuildRuns(std::move(ingest->records), threads);
      ASSERT_TRUE(runs.Validate(sorted.size()).ok());
      const auto engine = CompanionEngine::FromRuns(sorted, runs, city.rule, city.options, threads);
      ASSERT_TRUE(engine.ok()) << engine.status().ToString();
      EXPECT_EQ(engine->stays().size(), built->stays().size());
      const auto pairs = engine->Evaluate(cases, threads);
      ASSERT_TRUE(pairs.ok());
      EXPECT_EQ(*pairs, *expected);
    }
  }
}

TEST(CompanionIngestTest, RangesSplitAnywhereCoverEveryLineOnce) {
  const City city = RandomCity(77);
  std::mt19937_64 rng(77);
  std::vector<std::int64_t> bad_lines;
  const std::string csv = RecordsCsv(city, rng, bad_lines);
  const std::size_t data_start = csv.find('\n') + 1;
  const std::vector<Tower> sorted = SortedTowers(city);
  const TowerLookup lookup(sorted);
  const StringSource source(csv);
  // Cut into 2..5 ranges at arbitrary bytes, as MPI ranks do; lines and records add up.
  for (int parts = 2; parts <= 5; ++parts) {
    std::int64_t lines = 0, rows = 0;
    std::uint64_t records = 0;
    std::vector<std::int64_t> found;
    for (int part = 0; part < parts; ++part) {
      const std::size_t from = data_start + (csv.size() - data_start) * part / parts;
      const std::size_t to = data_start + (csv.size() - data_start) * (part + 1) / parts;
      IngestOptions options;
      options.max_shown = 1000;
      auto ingest =
          IngestRecords(source, data_start, from, to, {3, 2, 0}, lookup, PhoneKeyer(), options);
      ASSERT_TRUE(ingest.ok());
      for (const BadRow& row : ingest->bad.shown) found.push_back(row.line + lines + 1);
      lines += ingest->lines;
      rows += ingest->rows;
      records += ingest->records.size();
    }
    EXPECT_EQ(found, bad_lines);
    EXPECT_EQ(records, city.records.size());
    EXPECT_EQ(lines,
              std::count(csv.begin() + static_cast<std::ptrdiff_t>(data_start), csv.end(), '\n'));
    EXPECT_GT(rows, 0);
  }
}

TEST(CompanionIngestTest, AProgressThatAsksToStopEndsTheParseAtTheNextChunk) {
  const City city = RandomCity(78);
  std::mt19937_64 rng(78);
  std::vector<std::int64_t> bad_lines;
  const std::string csv = RecordsCsv(city, rng, bad_lines);
  const std::size_t data_start = csv.find('\n') + 1;
  const std::vector<Tower> sorted = SortedTowers(city);
  const TowerLookup lookup(sorted);
  IngestOptions options;
  options.chunk_bytes = 256;
  ASSERT_GT(csv.size() - data_start, 4 * options.chunk_bytes);
  std::vector<std::uint64_t> told;
  options.progress = [&](std::uint64_t done, std::uint64_t) {
    told.push_back(done);
    return false;
  };
  const auto ingest = IngestRecords(StringSource(csv), data_start, 0, csv.size(), {3, 2, 0}, lookup,
                                    PhoneKeyer(), options);
  ASSERT_FALSE(ingest.ok());
  EXPECT_EQ(ingest.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(ingest.status().message_id(), "companions.records.stopped");
  EXPECT_EQ(told, (std::vector<std::uint64_t>{options.chunk_bytes}));
}

TEST(CompanionIngestTest, TimesOutsideUnsigned32BitSecondsAreBadRows) {
  const std::vector<Tower> towers = {{"A", 30.0, 114.0}};
  const TowerLookup lookup(towers);
  const std::string csv =
      "phone,cell_id,time\n1,A,4294967295\n1,A,4294967296\n1,A,-1\n1,A,1969-12-31T23:59:59Z\n"
      "1,A,2021-12-20T16:13:05+08:00\n";
  auto ingest = IngestRecords(StringSource(csv), csv.find('\n') + 1, 0, csv.size(), {0, 1, 2},
                              lookup, PhoneKeyer(), IngestOptions());
  ASSERT_TRUE(ingest.ok());
  EXPECT_EQ(ingest->records.size(), 2u);
  ASSERT_EQ(ingest->bad.shown.size(), 3u);
  EXPECT_EQ(ingest->bad.shown[0].reason_id, "companions.row.time_out_of_range");
  EXPECT_EQ(ingest->bad.shown[0].line, 2);
  EXPECT_EQ(ingest->bad.counts[kBadTime], 3);
}

TEST(DigitsTest, EightAtATimeAgreesWithOneAtATime) {
  std::mt19937_64 rng(7);
  const std::string not_digits = std::string("/:a A\xb0\xff,\"-+", 13) + '\0';
  for (int round = 0; round < 20000; ++round) {
    std::string text(rng() % 20, '0');
    for (char& c : text) c = static_cast<char>('0' + rng() % 10);
    if (!text.empty() && rng() % 2 == 0) text[rng() % text.size()] = not_digits[rng() % 14];
    std::uint64_t expected = 0;
    bool digits = true;
    for (const char c : text) {
      digits = digits && c >= '0' && c <= '9';
      expected = expected * 10 + static_cast<std::uint64_t>(c - '0');
    }
    std::uint64_t value = 0;
    ASSERT_EQ(ParseDigits(text.data(), text.size(), value), digits) << text;
    if (digits) {
      ASSERT_EQ(value, expected) << text;
    }
  }
}

TEST(DigitsTest, DecimalsAreWrittenAsToStringDoes) {
  std::mt19937_64 rng(8);
  std::vector<std::int64_t> values{0,
                                   1,
                                   -1,
                                   9,
                                   10,
                                   99,
                                   100,
                                   1'700'000'000,
                                   std::numeric_limits<std::int64_t>::max(),
                                   std::numeric_limits<std::int64_t>::min()};
  for (int round = 0; round < 10000; ++round) {
    values.push_back(static_cast<std::int64_t>(rng() >> (rng() % 64)) * (rng() % 2 ? 1 : -1));
  }
  for (const std::int64_t value : values) {
    char text[24];
    EXPECT_EQ(std::string(text, WriteDecimal(text, value)), std::to_string(value));
  }
}

TEST(PhoneKeyerTest, DigitsPackAndUnpackOthersHash) {
  for (const char* phone :
       {"13800138000", "0123", "123", "+8613800138000", "0", "99999999999999999"}) {
    const auto key = PhoneKeyer::PackedKey(phone);
    ASSERT_TRUE(key.has_value()) << phone;
    EXPECT_EQ(PhoneKeyer::UnpackKey(*key), phone);
    EXPECT_EQ(PhoneKeyer().Key(phone), *key);
  }
  EXPECT_NE(*PhoneKeyer::PackedKey("0123"), *PhoneKeyer::PackedKey("123"));
  for (const char* phone : {"999999999999999999", "138-0013-8000", "+", "1 2"}) {
    EXPECT_FALSE(PhoneKeyer::PackedKey(phone).has_value()) << phone;
    EXPECT_FALSE(PhoneKeyer::IsPacked(PhoneKeyer().Key(phone))) << phone;
  }
  const PhoneKeyer one(ShortHashKey("key one", "test"));
  const PhoneKeyer two(ShortHashKey("key two", "test"));
  EXPECT_TRUE(one.pseudonymised());
  EXPECT_EQ(one.Key("13800138000"), one.Key("13800138000"));
  EXPECT_NE(one.Key("13800138000"), two.Key("13800138000"));
  EXPECT_NE(one.Key("13800138000"), PhoneKeyer().Key("13800138000"));
  EXPECT_EQ(PhoneText(one.Key("13800138000"), {}).size(), 17u);
  EXPECT_EQ(PhoneText(one.Key("13800138000"), {})[0], '~');
}

// A store of a random city's runs (towers sorted), ingested from its records.csv text.
RunStore StoreOf(const City& city, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::int64_t> bad_lines;
  const std::string csv = RecordsCsv(city, rng, bad_lines);
  RunStore store;
  store.towers = SortedTowers(city);
  const TowerLookup lookup(store.towers);
  auto ingest = IngestRecords(StringSource(csv), csv.find('\n') + 1, 0, csv.size(), {3, 2, 0},
                              lookup, PhoneKeyer(), IngestOptions());
  EXPECT_TRUE(ingest.ok());
  store.names = ingest->names;
  store.runs = BuildRuns(std::move(ingest->records), 2);
  return store;
}

TEST(RunStoreTest, RoundTripsAndRefusesDamage) {
  const City city = RandomCity(5);
  RunStore store = StoreOf(city, 5);
  store.rows_read = 123;
  store.bad_rows = 4;
  const std::string path =
      (std::filesystem::temp_directory_path() / ("runstore_" + std::to_string(::getpid())))
          .string();
  ASSERT_TRUE(WriteRunStore(path, store).ok());
  auto read = ReadRunStore(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->runs.phone_keys, store.runs.phone_keys);
  EXPECT_EQ(read->runs.phone_first_run, store.runs.phone_first_run);
  EXPECT_EQ(read->runs.tower, store.runs.tower);
  EXPECT_EQ(read->runs.first, store.runs.first);
  EXPECT_EQ(read->runs.last, store.runs.last);
  EXPECT_EQ(read->names, store.names);
  EXPECT_EQ(read->towers.size(), store.towers.size());
  EXPECT_EQ(read->rows_read, 123);
  EXPECT_FALSE(read->pseudonymised());

  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto refused = [&](std::string damaged, const char* id) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << damaged;
    const auto result = ReadRunStore(path);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().message_id(), id);
  };
  refused(bytes.substr(0, bytes.size() / 2), "companions.store.damaged");
  refused(bytes + "x", "companions.store.damaged");
  std::string foreign = bytes;
  foreign[0] = 'X';
  refused(foreign, "companions.store.foreign");
  // A store of an earlier format is told apart, so the user knows to ingest again.
  std::string older = bytes;
  older[7] = '2';
  refused(older, "companions.store.old_format");
  // Counts past the file's size.
  refused(std::string(bytes.data(), 8) + std::string(bytes.size() - 8, '\xff'),
          "companions.store.damaged");
  refused("", "companions.store.foreign");
  std::remove(path.c_str());
  EXPECT_EQ(ReadRunStore(path).status().message_id(), "companions.store.unreadable");
}

TEST(RunStoreTest, PreparedStaysAnswerAsTheRunsDoAndDamageIsRefused) {
  for (const std::uint64_t seed : {11u, 12u, 13u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    City city = RandomCity(seed);
    city.rule = CompanionRule{};
    RunStore store = StoreOf(city, seed);
    auto prepared = PrepareStays(store.towers, store.runs, city.rule, 2);
    ASSERT_TRUE(prepared.ok());
    store.prepared = std::move(*prepared);
    const std::string path =
        (std::filesystem::temp_directory_path() / ("prepared_" + std::to_string(::getpid())))
            .string();
    ASSERT_TRUE(WriteRunStore(path, store).ok());

    const PhoneKeyer keyer;
    std::vector<Case> cases = city.cases;
    for (Case& confirmed : cases) confirmed.phone = keyer.Key(PhoneTextOf(confirmed.phone));
    const auto from_runs = CompanionEngine::FromRuns(store.towers, store.runs, city.rule);
    ASSERT_TRUE(from_runs.ok());
    const auto expected = from_runs->Evaluate(cases);
    ASSERT_TRUE(expected.ok());
    {
      auto read = ReadRunStore(path);
      ASSERT_TRUE(read.ok()) << read.status().ToString();
      ASSERT_TRUE(read->prepared.has_value());
      ASSERT_TRUE(read->CheckRuns().ok());
      EXPECT_EQ(read->runs.tower, store.runs.tower);
      PreparedStays& mapped = *read->prepared;
      EXPECT_EQ(mapped.gap_s, 3600);
      EXPECT_FALSE(mapped.origin.has_value());
      const auto engine = CompanionEngine::FromParts(
          std::move(mapped.cells), std::move(mapped.stays), std::move(mapped.index), city.rule);
      ASSERT_TRUE(engine.ok());
      const auto pairs = engine->Evaluate(cases, 2);
      ASSERT_TRUE(pairs.ok());
      EXPECT_EQ(*pairs, *expected);
    }

    // An index entry naming a phone past the last, in the file's last bytes: refused, not used.
    std::string bytes;
    {
      std::ifstream in(path, std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    ASSERT_GE(bytes.size(), sizeof(CellIndex::Entry));
    std::string damaged = bytes;
    CellIndex::Entry last;
    std::memcpy(&last, damaged.data() + damaged.size() - sizeof last, sizeof last);
    last.owner = 0xfffffff0u;
    std::memcpy(damaged.data() + damaged.size() - sizeof last, &last, sizeof last);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << damaged;
    const auto refused = ReadRunStore(path);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().message_id(), "companions.store.damaged");
    EXPECT_NE(refused.status().ToString().find("an index entry names no stay"), std::string::npos)
        << refused.status().ToString();
    std::remove(path.c_str());
  }
}

TEST(RunStoreTest, ACorruptedStoreIsRefusedOrAnsweredNeverCrashes) {
  City city = RandomCity(21);
  city.rule = CompanionRule{};
  RunStore store = StoreOf(city, 21);
  auto prepared = PrepareStays(store.towers, store.runs, city.rule, 1);
  ASSERT_TRUE(prepared.ok());
  store.prepared = std::move(*prepared);
  const std::string path =
      (std::filesystem::temp_directory_path() / ("corrupt_" + std::to_string(::getpid()))).string();
  ASSERT_TRUE(WriteRunStore(path, store).ok());
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const PhoneKeyer keyer;
  std::vector<Case> cases = city.cases;
  for (Case& confirmed : cases) confirmed.phone = keyer.Key(PhoneTextOf(confirmed.phone));
  std::mt19937_64 rng(21);
  int refused = 0, answered = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string damaged = bytes;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int flip = 0; flip < flips; ++flip) {
      damaged[rng() % damaged.size()] ^= static_cast<char>(1 + rng() % 255);
    }
    std::ofstream(path, std::ios::binary | std::ios::trunc) << damaged;
    auto read = ReadRunStore(path);
    if (!read.ok()) {
      EXPECT_EQ(read.status().message_id().rfind("companions.store.", 0), 0u);
      ++refused;
      continue;
    }
    // Whatever survived the checks is in bounds: the query runs to the end (answers may differ).
    ++answered;
    if (read->prepared) {
      PreparedStays& mapped = *read->prepared;
      auto engine = CompanionEngine::FromParts(std::move(mapped.cells), std::move(mapped.stays),
                                               std::move(mapped.index), city.rule);
      if (engine.ok()) (void)engine->Evaluate(cases, 2);
    }
    if (read->CheckRuns().ok()) {
      auto engine = CompanionEngine::FromRuns(read->towers, read->runs, city.rule);
      if (engine.ok()) (void)engine->Evaluate(cases, 2);
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_GT(answered, 0);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace lifeline::companions
