#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "engines/companions/companions.h"
#include "engines/companions/grid.h"

namespace lifeline::companions {

// Defaults and limits of the synthetic city (`lifeline gen-mobility`, docs/mobility.md).
constexpr std::int64_t kDefaultSyntheticPhones = 1'000'000;
constexpr int kDefaultSyntheticDays = 14;
constexpr std::int64_t kDefaultSyntheticCases = 1000;
constexpr std::uint64_t kDefaultSyntheticSeed = 1;
// 2022-12-01T00:00:00+08:00: a local midnight in Wuhan, a Thursday.
constexpr std::int64_t kDefaultSyntheticStart = 1669824000;
constexpr std::int64_t kMaxSyntheticPhones = 50'000'000;
constexpr int kMaxSyntheticDays = 366;
// Tower ids are "C" and six digits.
constexpr std::int64_t kMinSyntheticTowers = 10;
constexpr std::int64_t kMaxSyntheticTowers = 999'999;
// Starts from 1970 up to 2100-01-01T00:00:00Z keep every time ten digits or fewer.
constexpr std::int64_t kMaxSyntheticStart = 4102444800;
constexpr int kMaxSyntheticThreads = 1024;

struct SyntheticCityOptions {
  std::int64_t phones = kDefaultSyntheticPhones;
  int days = kDefaultSyntheticDays;
  std::int64_t cases = kDefaultSyntheticCases;  // at most `phones`
  std::uint64_t seed = kDefaultSyntheticSeed;
  // Unix seconds of day 0's start; the city lives in UTC+8 and a day's plan is read from that
  // instant, so a local midnight gives people the usual hours.
  std::int64_t start = kDefaultSyntheticStart;
  std::int64_t towers = 0;  // 0 = scaled to the phones (SyntheticTowerCount)
  int threads = 0;          // 0 = one per hardware thread; never changes the output
};

// The towers a city of these options has: `towers` if set, else 6 per 1,000 phones, at least 50.
std::int64_t SyntheticTowerCount(const SyntheticCityOptions& options);

// InvalidArgument (message ids mobility.error.*, field = the flag's name without dashes) for
// phones outside 1..kMaxSyntheticPhones, days outside 1..kMaxSyntheticDays, cases outside
// 0..phones, towers neither 0 nor within kMinSyntheticTowers..kMaxSyntheticTowers, a start
// outside 0..kMaxSyntheticStart, or threads outside 0..kMaxSyntheticThreads.
Status ValidateSyntheticCity(const SyntheticCityOptions& options);

// Phones are numbered 0..phones-1 in the files' order; a phone's number is its 11-digit text.
using SyntheticPhone = std::uint32_t;

struct SyntheticCase {
  SyntheticPhone phone = 0;
  std::int64_t confirmed_at = 0;  // Unix seconds, within the last day
};

// How much records.csv held, and whether the sink took all of it.
struct RecordsWritten {
  std::int64_t records = 0;
  std::int64_t bytes = 0;  // the header included
  bool complete = false;   // false if a sink call returned false
};

// A seeded synthetic city of cell-tower records, as an operator's daily dumps would show it, for
// tests and benchmarks of the companion engine (docs/mobility.md has the model): towers around
// 13 district centres of a Wuhan-sized box, phones in households of 1 to 5 sharing a home, about
// 70% with a workplace or school shared with others, every phone with 1 to 3 favourite places,
// and each phone pinging the tower nearest where it is (sometimes the next one) at irregular
// intervals, about 14.3 times a day; a list of confirmed cases, partly clustered in households
// and workplaces.
//
// Everything is a pure function of the options except `threads`: every random draw comes from a
// counter-based stream keyed by (seed, what, phone, day), never from a shared sequence, so the
// text is byte-identical whatever the thread count and any (phone, day) can be generated alone.
// Only integer arithmetic and correctly rounded IEEE operations are used, so the city is the
// same on every platform too. Immutable after Build; every const method is safe to call from
// several threads. Memory: some 60 bytes per phone; records are generated on demand.
class SyntheticCity {
 public:
  // The towers, places, households, phones and cases (InvalidArgument as ValidateSyntheticCity).
  static Result<SyntheticCity> Build(const SyntheticCityOptions& options);

  // The options, with `towers` and `threads` resolved (never 0).
  const SyntheticCityOptions& options() const { return options_; }
  // Ids "C000001", ...; coordinates with 6 decimals, as cells.csv has them.
  const std::vector<Tower>& towers() const { return towers_; }
  std::int64_t phone_count() const { return options_.phones; }
  std::int64_t household_count() const { return static_cast<std::int64_t>(homes_); }
  // Offices, factories, schools, hospitals, markets and supermarkets: places that employ some
  // phones and, for the shops, are favourites of others.
  std::int64_t workplace_count() const;

  // The phone's 11-digit number: distinct per phone, 13x/15x/18x/177/199 prefixes, a seeded
  // permutation so that neighbours in the files are not neighbours in numbers.
  std::string_view PhoneNumber(SyntheticPhone phone) const {
    return {numbers_.data() + static_cast<std::size_t>(phone) * kPhoneDigits, kPhoneDigits};
  }
  // The phones sharing `phone`'s household and home, `phone` included: [first, end).
  std::pair<SyntheticPhone, SyntheticPhone> Household(SyntheticPhone phone) const;
  // The workplace or school `phone` goes to on its working days, as a place id shared by its
  // colleagues; nullopt for the 30% or so who stay around home.
  std::optional<std::uint32_t> Workplace(SyntheticPhone phone) const;

  // Distinct phones, sorted by confirmation time, then phone.
  const std::vector<SyntheticCase>& cases() const { return cases_; }

  // One phone's records of `day` (0-based) in time order, appended to `out` with
  // Record::phone = the phone's index and Record::tower = an index into towers().
  void AppendRecords(SyntheticPhone phone, int day, std::vector<Record>& out) const;

  // cells.csv and cases.csv, header included.
  std::string CellsCsv() const;
  std::string CasesCsv() const;

  // records.csv (`phone,cell_id,time`): the header, then day 0's records phone by phone, each
  // phone's in time order, then day 1's, and so on, handed to `sink` in file order as blocks of
  // a few megabytes. Blocks are generated on options().threads threads while the caller's thread
  // calls `sink`; `day_done(day, records, bytes)` follows each day's last block with the totals
  // so far. Stops early when `sink` returns false.
  using BlockSink = std::function<bool(std::string_view block)>;
  using DayDone = std::function<void(int day, std::int64_t records, std::int64_t bytes)>;
  RecordsWritten StreamRecordsCsv(const BlockSink& sink, const DayDone& day_done = {}) const;

  // The generator's insides (synthetic_model.h), named here so its helpers can name them; not
  // for callers.
  static constexpr std::size_t kPhoneDigits = 11;
  struct Place;
  struct Profile;
  class TowerLocator;
  class TextBuffer;

  SyntheticCity();
  SyntheticCity(SyntheticCity&&) noexcept;
  SyntheticCity& operator=(SyntheticCity&&) noexcept;
  ~SyntheticCity();

 private:
  // Picks the cases (see cases()); part of Build.
  void ChooseCases();
  // Calls emit(tower, time) for each record of (phone, day) in time order.
  template <typename Emit>
  void GeneratePhoneDay(SyntheticPhone phone, int day, Emit&& emit) const;
  // Appends the text of `day`'s records of phones [first, end) to `out`; returns how many.
  std::int64_t AppendBlockText(int day, SyntheticPhone first, SyntheticPhone end,
                               TextBuffer& out) const;

  SyntheticCityOptions options_;
  std::vector<Tower> towers_;
  std::vector<char> tower_ids_;  // 7 characters per tower, for fast formatting
  std::unique_ptr<TowerLocator> locator_;
  std::vector<Place> places_;  // homes (one per household) first, then the other places
  std::size_t homes_ = 0;
  std::vector<SyntheticPhone> household_first_;  // per household, then phones
  std::vector<Profile> profiles_;
  std::vector<char> numbers_;  // kPhoneDigits per phone
  std::vector<SyntheticCase> cases_;
};

}  // namespace lifeline::companions
