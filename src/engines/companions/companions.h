#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/geo.h"
#include "core/status.h"
#include "engines/companions/cell_index.h"
#include "engines/companions/grid.h"
#include "engines/companions/stays.h"

namespace lifeline::companions {

// The rule's defaults (issue 5, "The rule, exactly"); the Earth radius is core's
// kEarthRadiusMeters (6371008.8 m).
constexpr double kDefaultCellMeters = kDefaultGridCellMeters;  // 800 m
constexpr std::int64_t kDefaultGapSeconds = 3600;
constexpr std::int64_t kDefaultWindowSeconds = 14 * 24 * 3600;
constexpr std::int64_t kMaxWindowSeconds = 0xffffffffLL;  // 136 years
constexpr std::int64_t kDefaultOverlapSeconds = 600;      // a co-stay must overlap more than this
constexpr std::int64_t kDefaultDwellSeconds = 108000;     // 30 h; a dwell must exceed this
// Times and durations are Unix seconds within ±kMaxAbsSeconds (some 30 million years), so no sum
// or difference the engine forms can overflow.
constexpr std::int64_t kMaxAbsSeconds = std::int64_t{1} << 50;

// One record of records.csv: `phone` is the 64-bit key of the number (a keyed hash when
// pseudonymised), `tower` an index into the towers given with the records.
struct Record {
  std::uint64_t phone = 0;
  std::uint32_t tower = 0;
  std::int64_t time = 0;  // Unix seconds
};

// A confirmed case: its phone key and when it was confirmed (Unix seconds).
struct Case {
  std::uint64_t phone = 0;
  std::int64_t confirmed_at = 0;
};

// Who counts as a spatiotemporal companion. A phone's records in time order (ties by the tower's
// cell_id) make stays: consecutive records in one grid cell are one stay, from its first record
// to the phone's next record if that comes within `gap_s`, else to its last record. For a case
// confirmed at T only [T − window_s, T] counts and stays are clipped to it; a phone's dwell in a
// cell is the total clipped length of its stays there. Phone P ≠ case C is a companion if a
// clipped stay of C and one of P in the same cell overlap by more than `overlap_s` and C's or P's
// dwell in that cell exceeds `dwell_s`.
struct CompanionRule {
  double cell_meters = kDefaultCellMeters;
  // Grid origin; unset = (minimum latitude, minimum longitude) over all towers.
  std::optional<LatLon> origin;
  std::int64_t gap_s = kDefaultGapSeconds;
  std::int64_t window_s = kDefaultWindowSeconds;
  std::int64_t overlap_s = kDefaultOverlapSeconds;
  std::int64_t dwell_s = kDefaultDwellSeconds;
};

// Knobs that change speed, never results.
struct EngineOptions {
  std::int64_t long_stay_s = kDefaultLongStaySeconds;  // see CellIndex
};

// One row of the output: `co_stays` counts the qualifying (case stay, companion stay) pairs, that
// is pairs in one cell overlapping by more than overlap_s where the case's or the companion's
// dwell in that cell exceeds dwell_s; the longest overlap and the earliest overlap start are over
// those pairs.
struct CompanionPair {
  std::uint64_t case_phone = 0;
  std::uint64_t companion_phone = 0;
  std::int64_t co_stays = 0;
  std::int64_t longest_overlap_s = 0;
  std::int64_t first_overlap_start = 0;  // Unix seconds
  friend bool operator==(const CompanionPair&, const CompanionPair&) = default;
};

// A closed interval of Unix seconds.
struct Interval {
  std::int64_t start = 0;
  std::int64_t end = 0;
  friend bool operator==(const Interval&, const Interval&) = default;
};

// One qualifying co-stay: both stays clipped to the case's window, and their overlap.
struct CoStay {
  GridCell cell;
  Interval case_stay;
  Interval companion_stay;
  Interval overlap;  // length = overlap.end − overlap.start > overlap_s
  friend bool operator==(const CoStay&, const CoStay&) = default;
};

// Both phones' dwell in a cell where they have a qualifying co-stay, within the case's window.
struct CellDwell {
  GridCell cell;
  std::int64_t case_dwell_s = 0;
  std::int64_t companion_dwell_s = 0;
  friend bool operator==(const CellDwell&, const CellDwell&) = default;
};

// The evidence for one (case, companion) pair, for an appeal: every qualifying co-stay (by overlap
// start, then cell, then the stays' starts) and both dwell sums in each cell they occur in (by
// cell). Empty when the phone is not a companion of the case.
struct Explanation {
  std::uint64_t case_phone = 0;
  std::uint64_t companion_phone = 0;
  Interval window;
  std::vector<CoStay> co_stays;
  std::vector<CellDwell> dwells;
};

// A stay as callers see it: grid cell and unclipped interval.
struct Stay {
  GridCell cell;
  Interval interval;
  friend bool operator==(const Stay&, const Stay&) = default;
};

// The companion engine over one set of towers and records: builds every phone's stays (columnar)
// and a per-cell interval index once, then answers the rule for any set of cases. Evaluating a
// case touches only the cells the case stayed in and the stays of phones met there; cases are
// independent, so Evaluate splits them over threads and the result does not depend on how many.
// Immutable after Build; Evaluate and Explain are safe to call from several threads.
class CompanionEngine {
 public:
  // InvalidArgument for a bad rule (cell under kMinCellMeters, a negative duration, an origin off
  // the globe), towers off the globe or sharing a cell_id, a record naming no tower, a time
  // beyond ±kMaxAbsSeconds, or 2^32 records or more. Records may come in any order.
  static Result<CompanionEngine> Build(std::span<const Tower> towers,
                                       std::span<const Record> records, const CompanionRule& rule,
                                       const EngineOptions& options = {});

  // The same from runs (see RunTable) over `towers` sorted by cell_id, distinct, which the runs'
  // tower indices refer to: the path of bulk ingest and the columnar store. Stays and the index
  // are built on `threads` threads. InvalidArgument as for Build, or for unsorted towers.
  // The runs are consumed: freed once the stays are built.
  static Result<CompanionEngine> FromRuns(std::span<const Tower> towers, RunTable runs,
                                          const CompanionRule& rule,
                                          const EngineOptions& options = {}, int threads = 1);

  // The same from stays already built over `cells` (GridCellsOf for the same towers and rule): the
  // MPI path, where a rank holds only the stays in its own cells, built elsewhere.
  static Result<CompanionEngine> FromStays(std::vector<CellKey> cells, StayTable stays,
                                           const CompanionRule& rule,
                                           const EngineOptions& options = {}, int threads = 1);

  // The same from stays and an index built before for `rule`'s gap, cell size and origin over
  // `cells` (a columnar store's prepared part): straight to evaluation.
  static Result<CompanionEngine> FromParts(std::vector<CellKey> cells, StayTable stays,
                                           CellIndex index, const CompanionRule& rule);

  // The grid cells `towers` lie in under `rule`, ascending by key, and each tower's index into
  // them. InvalidArgument for a bad rule or towers off the globe.
  struct TowerGrid {
    std::vector<CellKey> cells;
    std::vector<CellIdx> tower_cell;
  };
  static Result<TowerGrid> GridCellsOf(std::span<const Tower> towers, const CompanionRule& rule);

  // Every (case, companion) pair, sorted by case phone key, then companion phone key.
  // InvalidArgument for a phone listed twice among the cases, a confirmation time beyond
  // ±kMaxAbsSeconds, or fewer than one thread. A case phone without records has no companions.
  Result<std::vector<CompanionPair>> Evaluate(std::span<const Case> cases, int threads = 1) const;

  // Evaluate's work handed over case by case, so a caller can write results out while the rest
  // are found instead of holding them all: calls take(idx, pairs) once for every idx in
  // [0, cases.size()), on the thread that evaluated cases[idx], as soon as it is done, with that
  // case's pairs sorted by companion key (valid until take returns). Cases are started in the
  // order given, `threads` at a time, and take may run on several threads at once. The same
  // errors as Evaluate, returned before any case is taken.
  using TakeCase = std::function<void(std::size_t idx, std::span<const CompanionPair> pairs)>;
  Status EvaluateEach(std::span<const Case> cases, int threads, const TakeCase& take) const;

  // The evidence for one pair (see Explanation). InvalidArgument if companion_phone is the case's.
  Result<Explanation> Explain(const Case& confirmed, std::uint64_t companion_phone) const;

  // A phone's stays in time order (empty for an unknown phone).
  std::vector<Stay> StaysOf(std::uint64_t phone) const;

  const CompanionRule& rule() const { return rule_; }
  const StayTable& stays() const { return stays_; }
  // The grid cells towers lie in, ascending by key; CellIdx indexes this.
  const std::vector<CellKey>& cells() const { return cells_; }
  const CellIndex& index() const { return index_; }

 private:
  struct Hit;
  struct CaseScan;

  // Calls sink(hit) for every qualifying co-stay of one case (of one companion only, if `only`),
  // using `scan` as scratch space.
  template <typename Sink>
  void ScanCase(const Case& confirmed, std::optional<PhoneIdx> only, CaseScan& scan,
                Sink&& sink) const;

  CompanionRule rule_;
  std::vector<CellKey> cells_;
  StayTable stays_;
  CellIndex index_;
  // Each phone's rank among the phones by key (the inverse of stays_.sorted_phones), so that a
  // case's companions come out in key order by sorting small integers.
  std::vector<std::uint32_t> key_rank_;
  // Each phone's last stay's end: no phone has time in any cell after it.
  std::vector<std::int64_t> phone_last_end_;
  // The earliest start of any stay: a window from no later than this cuts no stay at its start.
  std::int64_t earliest_start_ = 0;
};

}  // namespace lifeline::companions
