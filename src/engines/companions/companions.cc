#include "engines/companions/companions.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <limits>
#include <numeric>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "engines/companions/parallel.h"

namespace lifeline::companions {
namespace {

Status InvalidField(const std::string& field, std::string reason) {
  return Status::InvalidArgument("error.field_invalid",
                                 {{"field", field}, {"reason", std::move(reason)}}, field);
}

Status CheckDuration(const std::string& field, std::int64_t seconds) {
  if (seconds >= 0 && seconds <= kMaxAbsSeconds) return Status::Ok();
  return InvalidField(field, "0.." + std::to_string(kMaxAbsSeconds));
}

Status CheckTime(const std::string& field, std::int64_t seconds) {
  if (seconds >= -kMaxAbsSeconds && seconds <= kMaxAbsSeconds) return Status::Ok();
  return InvalidField(field, "±" + std::to_string(kMaxAbsSeconds) + ": " + std::to_string(seconds));
}

Interval Clip(std::int64_t start, std::int64_t end, Interval window) {
  return {std::max(start, window.start), std::min(end, window.end)};
}

std::int64_t Length(Interval interval) { return interval.end - interval.start; }

// A phone's dwell in a cell within the window: the total clipped length of its stays there.
// Usually the window covers most of a phone's stays, so it is its total time in the cell
// (`total`, CellIndex::Entry::cell_total, unless saturated) less the parts of the few stays at
// either end that reach outside the window: every stay between those lies inside. When many
// stays lie outside, the stays inside are summed instead.
std::int64_t DwellIn(const StayTable& stays, PhoneIdx phone, CellIdx cell, Interval window,
                     std::uint32_t total) {
  constexpr StayId kWalkLimit = 32;
  const StayId first = stays.phone_first_stay[phone];
  const StayId last = stays.phone_first_stay[phone + 1];
  const auto clipped = [&](StayId stay) {
    return std::max<std::int64_t>(0, Length(Clip(stays.start[stay], stays.end[stay], window)));
  };
  if (total != 0xffffffffu) {
    std::int64_t cut = 0;
    const auto cut_off = [&](StayId stay) {
      if (stays.cell[stay] == cell) cut += stays.end[stay] - stays.start[stay] - clipped(stay);
    };
    StayId from = first;
    while (from < last && stays.start[from] < window.start && from - first < kWalkLimit) {
      cut_off(from++);
    }
    StayId to = last;
    while (to > from && stays.end[to - 1] > window.end && last - to < kWalkLimit) cut_off(--to);
    const bool inside = (from == last || stays.start[from] >= window.start) &&
                        (to == from || stays.end[to - 1] <= window.end);
    if (inside) return static_cast<std::int64_t>(total) - cut;
  }
  std::int64_t dwell = 0;
  for (StayId stay = stays.FirstStayEndingFrom(phone, window.start);
       stay < last && stays.start[stay] <= window.end; ++stay) {
    if (stays.cell[stay] == cell) dwell += clipped(stay);
  }
  return dwell;
}

}  // namespace

// A qualifying co-stay found while scanning a case: the two stays and their overlap.
struct CompanionEngine::Hit {
  PhoneIdx companion = 0;
  StayId case_stay = 0;
  StayId companion_stay = 0;
  Interval overlap;
};

// Other phones' dwell per (phone, cell) within one case's window, computed when first needed:
// open addressing over a power-of-two table, emptied per case by remembering the slots used (a
// case meets tens of thousands of phones, and this is asked once per overlapping stay).
class DwellMemo {
 public:
  void Clear() {
    for (const std::size_t slot : used_) entries_[slot].key = kEmpty;
    used_.clear();
  }

  template <typename Compute>
  std::int64_t Get(std::uint64_t key, Compute&& compute) {
    if ((used_.size() + 1) * 2 > entries_.size()) Grow();
    std::size_t slot = Mix(key) & (entries_.size() - 1);
    while (entries_[slot].key != kEmpty) {
      if (entries_[slot].key == key) return entries_[slot].value;
      slot = (slot + 1) & (entries_.size() - 1);
    }
    entries_[slot] = {key, compute()};
    used_.push_back(slot);
    return entries_[slot].value;
  }

 private:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
  static std::size_t Mix(std::uint64_t key) {
    key ^= key >> 31;
    key *= 0x9e3779b97f4a7c15ULL;
    return static_cast<std::size_t>(key ^ (key >> 29));
  }
  struct Entry {
    std::uint64_t key = kEmpty;
    std::int64_t value = 0;
  };
  void Grow() {
    std::vector<Entry> entries(std::max<std::size_t>(4096, entries_.size() * 2));
    std::vector<std::size_t> used;
    for (const std::size_t old : used_) {
      std::size_t slot = Mix(entries_[old].key) & (entries.size() - 1);
      while (entries[slot].key != kEmpty) slot = (slot + 1) & (entries.size() - 1);
      entries[slot] = entries_[old];
      used.push_back(slot);
    }
    entries_ = std::move(entries);
    used_ = std::move(used);
  }
  std::vector<Entry> entries_;
  std::vector<std::size_t> used_;
};

// Scratch space for one case, reused across the cases one thread evaluates.
struct CompanionEngine::CaseScan {
  Interval window;
  // The case's dwell per cell within the window, sorted by cell.
  std::vector<std::pair<CellIdx, std::int64_t>> case_dwell;
  DwellMemo companion_dwell;

  std::int64_t CaseDwell(CellIdx cell) const {
    const auto found = std::lower_bound(case_dwell.begin(), case_dwell.end(),
                                        std::make_pair(cell, std::int64_t{0}));
    return found != case_dwell.end() && found->first == cell ? found->second : 0;
  }

  // `total`: the phone's total time in the cell (CellIndex::Entry::cell_total).
  std::int64_t CompanionDwell(const StayTable& stays, PhoneIdx phone, CellIdx cell,
                              std::uint32_t total) {
    return companion_dwell.Get((static_cast<std::uint64_t>(phone) << 32) | cell,
                               [&] { return DwellIn(stays, phone, cell, window, total); });
  }
};

static Status CheckRule(const CompanionRule& rule, const EngineOptions& options) {
  RETURN_IF_ERROR(CheckDuration("gap_s", rule.gap_s));
  RETURN_IF_ERROR(CheckDuration("window_s", rule.window_s));
  // Overlaps lie within a window, so a window under 2^32 s (136 years) lets Evaluate tally them
  // in 32 bits.
  if (rule.window_s > kMaxWindowSeconds) {
    return InvalidField("window_s", "0.." + std::to_string(kMaxWindowSeconds));
  }
  RETURN_IF_ERROR(CheckDuration("overlap_s", rule.overlap_s));
  RETURN_IF_ERROR(CheckDuration("dwell_s", rule.dwell_s));
  return CheckDuration("long_stay_s", options.long_stay_s);
}

Result<CompanionEngine::TowerGrid> CompanionEngine::GridCellsOf(std::span<const Tower> towers,
                                                                const CompanionRule& rule) {
  ASSIGN_OR_RETURN(const std::vector<GridCell> tower_cells,
                   TowerCells(towers, rule.origin, rule.cell_meters));
  if (towers.size() >= std::numeric_limits<std::uint32_t>::max()) {
    return InvalidField("cell_id", "fewer than 2^32 towers");
  }
  TowerGrid grid;
  for (const GridCell& cell : tower_cells) grid.cells.push_back(PackCell(cell));
  std::sort(grid.cells.begin(), grid.cells.end());
  grid.cells.erase(std::unique(grid.cells.begin(), grid.cells.end()), grid.cells.end());
  grid.tower_cell.resize(towers.size());
  for (std::size_t tower = 0; tower < towers.size(); ++tower) {
    grid.tower_cell[tower] = static_cast<CellIdx>(
        std::lower_bound(grid.cells.begin(), grid.cells.end(), PackCell(tower_cells[tower])) -
        grid.cells.begin());
  }
  return grid;
}

Result<CompanionEngine> CompanionEngine::Build(std::span<const Tower> towers,
                                               std::span<const Record> records,
                                               const CompanionRule& rule,
                                               const EngineOptions& options) {
  RETURN_IF_ERROR(CheckRule(rule, options));
  if (records.size() >= std::numeric_limits<StayId>::max()) {
    return InvalidField("time", "fewer than 2^32 records");
  }
  // Ties in time go by the tower's cell_id text: towers are put in that order, records renumbered.
  std::vector<std::uint32_t> by_cell_id(towers.size());
  std::iota(by_cell_id.begin(), by_cell_id.end(), 0);
  std::sort(by_cell_id.begin(), by_cell_id.end(), [&](std::uint32_t a, std::uint32_t b) {
    return towers[a].cell_id < towers[b].cell_id;
  });
  std::vector<Tower> sorted_towers;
  std::vector<std::uint32_t> tower_rank(towers.size());
  for (std::size_t rank = 0; rank < by_cell_id.size(); ++rank) {
    sorted_towers.push_back(towers[by_cell_id[rank]]);
    tower_rank[by_cell_id[rank]] = static_cast<std::uint32_t>(rank);
  }

  struct SortedRecord {
    std::uint64_t phone;
    std::int64_t time;
    std::uint32_t tower;
  };
  std::vector<SortedRecord> sorted;
  sorted.reserve(records.size());
  for (const Record& record : records) {
    if (record.tower >= towers.size()) {
      return InvalidField("cell_id", "no tower " + std::to_string(record.tower));
    }
    RETURN_IF_ERROR(CheckTime("time", record.time));
    sorted.push_back({record.phone, record.time, tower_rank[record.tower]});
  }
  std::sort(sorted.begin(), sorted.end(), [](const SortedRecord& a, const SortedRecord& b) {
    return std::tie(a.phone, a.time, a.tower) < std::tie(b.phone, b.time, b.tower);
  });
  RunTable runs;
  for (std::size_t idx = 0; idx < sorted.size(); ++idx) {
    const bool new_phone = idx == 0 || sorted[idx].phone != sorted[idx - 1].phone;
    if (new_phone) {
      if (idx > 0) runs.phone_first_run.push_back(runs.size());
      runs.phone_keys.push_back(sorted[idx].phone);
    }
    if (new_phone || sorted[idx].tower != sorted[idx - 1].tower) {
      runs.tower.push_back(sorted[idx].tower);
      runs.first.push_back(sorted[idx].time);
      runs.last.push_back(sorted[idx].time);
    }
    runs.last.back() = sorted[idx].time;
  }
  if (!sorted.empty()) runs.phone_first_run.push_back(runs.size());
  return FromRuns(sorted_towers, std::move(runs), rule, options);
}

Result<CompanionEngine> CompanionEngine::FromRuns(std::span<const Tower> towers, RunTable runs,
                                                  const CompanionRule& rule,
                                                  const EngineOptions& options, int threads) {
  RETURN_IF_ERROR(CheckRule(rule, options));
  for (std::size_t tower = 1; tower < towers.size(); ++tower) {
    if (!(towers[tower - 1].cell_id < towers[tower].cell_id)) {
      return InvalidField("cell_id", towers[tower - 1].cell_id == towers[tower].cell_id
                                         ? "repeated: " + towers[tower].cell_id
                                         : "towers not sorted by cell_id");
    }
  }
  if (runs.size() >= std::numeric_limits<StayId>::max()) {
    return InvalidField("time", "fewer than 2^32 runs");
  }
  ASSIGN_OR_RETURN(TowerGrid grid, GridCellsOf(towers, rule));
  StayTable stays = StaysFromRuns(runs, grid.tower_cell, rule.gap_s, threads);
  runs = RunTable();  // the index needs the memory more
  return FromStays(std::move(grid.cells), std::move(stays), rule, options, threads);
}

Result<CompanionEngine> CompanionEngine::FromStays(std::vector<CellKey> cells, StayTable stays,
                                                   const CompanionRule& rule,
                                                   const EngineOptions& options, int threads) {
  RETURN_IF_ERROR(CheckRule(rule, options));
  CellIndex index(stays, cells.size(), options.long_stay_s, threads);
  return FromParts(std::move(cells), std::move(stays), std::move(index), rule);
}

Result<CompanionEngine> CompanionEngine::FromParts(std::vector<CellKey> cells, StayTable stays,
                                                   CellIndex index, const CompanionRule& rule) {
  RETURN_IF_ERROR(CheckRule(rule, EngineOptions{}));
  CompanionEngine engine;
  engine.rule_ = rule;
  engine.cells_ = std::move(cells);
  engine.stays_ = std::move(stays);
  if (engine.stays_.sorted_keys.size() != engine.stays_.phone_count()) {
    engine.stays_.IndexPhones();
  }
  engine.index_ = std::move(index);
  engine.key_rank_.resize(engine.stays_.phone_count());
  for (std::size_t rank = 0; rank < engine.stays_.sorted_phones.size(); ++rank) {
    engine.key_rank_[engine.stays_.sorted_phones[rank]] = static_cast<std::uint32_t>(rank);
  }
  engine.earliest_start_ = std::numeric_limits<std::int64_t>::max();
  engine.phone_last_end_.assign(engine.stays_.phone_count(),
                                std::numeric_limits<std::int64_t>::min());
  for (PhoneIdx phone = 0; phone < engine.stays_.phone_count(); ++phone) {
    const StayId first = engine.stays_.phone_first_stay[phone];
    const StayId last = engine.stays_.phone_first_stay[phone + 1];
    if (first < last) {
      engine.earliest_start_ = std::min(engine.earliest_start_, engine.stays_.start[first]);
      engine.phone_last_end_[phone] = engine.stays_.end[last - 1];
    }
  }
  return engine;
}

template <typename Sink>
void CompanionEngine::ScanCase(const Case& confirmed, std::optional<PhoneIdx> only, CaseScan& scan,
                               Sink&& sink) const {
  scan.window = {confirmed.confirmed_at - rule_.window_s, confirmed.confirmed_at};
  scan.case_dwell.clear();
  scan.companion_dwell.Clear();
  const std::optional<PhoneIdx> case_phone = stays_.FindPhone(confirmed.phone);
  if (!case_phone) return;
  const StayId first = stays_.FirstStayEndingFrom(*case_phone, scan.window.start);
  StayId last = first;
  while (last < stays_.phone_first_stay[*case_phone + 1] && stays_.start[last] <= scan.window.end) {
    ++last;
  }

  for (StayId stay = first; stay < last; ++stay) {
    scan.case_dwell.emplace_back(stays_.cell[stay],
                                 Length(Clip(stays_.start[stay], stays_.end[stay], scan.window)));
  }
  std::sort(scan.case_dwell.begin(), scan.case_dwell.end());
  std::size_t merged = 0;
  for (std::size_t idx = 0; idx < scan.case_dwell.size(); ++idx) {
    if (merged > 0 && scan.case_dwell[merged - 1].first == scan.case_dwell[idx].first) {
      scan.case_dwell[merged - 1].second += scan.case_dwell[idx].second;
    } else {
      scan.case_dwell[merged++] = scan.case_dwell[idx];
    }
  }
  scan.case_dwell.resize(merged);

  for (StayId case_stay = first; case_stay < last; ++case_stay) {
    const Interval clipped = Clip(stays_.start[case_stay], stays_.end[case_stay], scan.window);
    if (Length(clipped) <= rule_.overlap_s) continue;
    const CellIdx cell = stays_.cell[case_stay];
    const bool case_dwells = scan.CaseDwell(cell) > rule_.dwell_s;
    // Usually the records begin inside the window (operators export the last 14 days): then an
    // entry's own lower bound on its phone's dwell (CellIndex::Entry::earlier_in_cell) often
    // settles the rule without summing the phone's stays.
    const bool window_cuts_no_start = scan.window.start <= earliest_start_;
    // The case's clipped stay lies inside the window, so its overlap with another phone's stay
    // is the same whether or not that stay is clipped first.
    index_.ForEachOverlap(
        cell, clipped.start, clipped.end, rule_.overlap_s, [&](const CellIndex::Entry& other) {
          const PhoneIdx phone = other.owner;
          if (phone == *case_phone || (only && phone != *only)) return;
          if (!case_dwells) {
            // The phone's total time in the cell bounds its dwell in any window from above.
            if (other.cell_total <= rule_.dwell_s) return;
            // With no stay cut at the window's start, two lower bounds of the dwell: the time
            // in the cell up to this stay's part of the window, and the total time there less
            // whatever the phone can have spent anywhere after the window's end.
            const bool dwells_surely =
                window_cuts_no_start &&
                (other.earlier_in_cell + (std::min(other.end, scan.window.end) - other.start) >
                     rule_.dwell_s ||
                 other.cell_total -
                         std::max<std::int64_t>(0, phone_last_end_[phone] - scan.window.end) >
                     rule_.dwell_s);
            if (!dwells_surely &&
                scan.CompanionDwell(stays_, phone, cell, other.cell_total) <= rule_.dwell_s) {
              return;
            }
          }
          sink(Hit{phone,
                   case_stay,
                   other.stay,
                   {std::max(other.start, clipped.start), std::min(other.end, clipped.end)}});
        });
  }
}

static Status CheckCases(std::span<const Case> cases, int threads) {
  if (threads < 1) return InvalidField("threads", ">= 1");
  std::vector<std::uint64_t> phones;
  phones.reserve(cases.size());
  for (const Case& confirmed : cases) {
    RETURN_IF_ERROR(CheckTime("confirmed_at", confirmed.confirmed_at));
    phones.push_back(confirmed.phone);
  }
  std::sort(phones.begin(), phones.end());
  const auto repeated = std::adjacent_find(phones.begin(), phones.end());
  if (repeated != phones.end()) {
    return InvalidField("phone", "case repeated: " + std::to_string(*repeated));
  }
  return Status::Ok();
}

Status CompanionEngine::EvaluateEach(std::span<const Case> cases, int threads,
                                     const TakeCase& take) const {
  RETURN_IF_ERROR(CheckCases(cases, threads));
  // Per worker: the case being scanned's running pair per companion, by phone index (so hits fold
  // in without sorting them), and which companions it has touched, by key rank.
  // 16 bytes a phone, so the table of a million phones stays mostly in cache: hits land on it at
  // random.
  struct Tally {
    std::uint32_t co_stays;
    std::uint32_t longest_overlap_s;  // within the window: under 2^32 (CheckRule)
    std::int64_t first_overlap_start;
  };
  struct Fold {
    std::vector<Tally> by_phone;
    std::vector<std::uint32_t> touched;
    std::vector<std::uint64_t> touched_bits;  // by rank
    std::vector<CompanionPair> pairs;
    CaseScan scan;
  };
  std::vector<Fold> folds(static_cast<std::size_t>(threads));
  ParallelFor(cases.size(), threads, [&](std::size_t idx, std::size_t worker) {
    Fold& fold = folds[worker];
    if (fold.by_phone.size() != stays_.phone_count()) {
      fold.by_phone.resize(stays_.phone_count());
      fold.touched_bits.resize((stays_.phone_count() + 63) / 64);
    }
    ScanCase(cases[idx], std::nullopt, fold.scan, [&](const Hit& hit) {
      Tally& tally = fold.by_phone[hit.companion];
      if (tally.co_stays == 0) {
        const std::uint32_t rank = key_rank_[hit.companion];
        fold.touched.push_back(rank);
        fold.touched_bits[rank / 64] |= std::uint64_t{1} << (rank % 64);
        tally = {0, 0, std::numeric_limits<std::int64_t>::max()};
      }
      ++tally.co_stays;
      tally.longest_overlap_s =
          std::max(tally.longest_overlap_s, static_cast<std::uint32_t>(Length(hit.overlap)));
      tally.first_overlap_start = std::min(tally.first_overlap_start, hit.overlap.start);
    });
    // Companions in key order: read off the bitmap when they are many (a case in a busy city
    // meets a good part of it), else sorted.
    if (fold.touched.size() * 8 >= fold.touched_bits.size()) {
      fold.touched.clear();
      for (std::size_t word = 0; word < fold.touched_bits.size(); ++word) {
        for (std::uint64_t& bits = fold.touched_bits[word]; bits != 0; bits &= bits - 1) {
          fold.touched.push_back(static_cast<std::uint32_t>(word * 64 + std::countr_zero(bits)));
        }
      }
    } else {
      std::sort(fold.touched.begin(), fold.touched.end());
      for (const std::uint32_t rank : fold.touched) fold.touched_bits[rank / 64] = 0;
    }
    fold.pairs.clear();
    for (const std::uint32_t rank : fold.touched) {
      const PhoneIdx phone = stays_.sorted_phones[rank];
      Tally& tally = fold.by_phone[phone];
      fold.pairs.push_back({cases[idx].phone, stays_.phone_keys[phone], tally.co_stays,
                            tally.longest_overlap_s, tally.first_overlap_start});
      tally.co_stays = 0;
    }
    fold.touched.clear();
    take(idx, fold.pairs);
  });
  return Status::Ok();
}

Result<std::vector<CompanionPair>> CompanionEngine::Evaluate(std::span<const Case> cases,
                                                             int threads) const {
  std::vector<Case> ordered(cases.begin(), cases.end());
  std::sort(ordered.begin(), ordered.end(),
            [](const Case& a, const Case& b) { return a.phone < b.phone; });
  // Each case's pairs land in its own slot, so the output is the same whichever thread takes
  // which case, and in whatever order.
  std::vector<std::vector<CompanionPair>> pairs_by_case(ordered.size());
  RETURN_IF_ERROR(
      EvaluateEach(ordered, threads, [&](std::size_t idx, std::span<const CompanionPair> pairs) {
        pairs_by_case[idx].assign(pairs.begin(), pairs.end());
      }));
  std::size_t total = 0;
  for (const std::vector<CompanionPair>& pairs : pairs_by_case) total += pairs.size();
  std::vector<CompanionPair> result;
  result.reserve(total);
  for (std::vector<CompanionPair>& pairs : pairs_by_case) {
    result.insert(result.end(), pairs.begin(), pairs.end());
    std::vector<CompanionPair>().swap(pairs);
  }
  return result;
}

Result<Explanation> CompanionEngine::Explain(const Case& confirmed,
                                             std::uint64_t companion_phone) const {
  RETURN_IF_ERROR(CheckTime("confirmed_at", confirmed.confirmed_at));
  if (companion_phone == confirmed.phone) {
    return InvalidField("companion_phone", "must differ from the case's phone");
  }
  Explanation explanation;
  explanation.case_phone = confirmed.phone;
  explanation.companion_phone = companion_phone;
  explanation.window = {confirmed.confirmed_at - rule_.window_s, confirmed.confirmed_at};
  const std::optional<PhoneIdx> companion = stays_.FindPhone(companion_phone);
  if (!companion) return explanation;
  CaseScan scan;
  std::vector<Hit> hits;
  ScanCase(confirmed, companion, scan, [&](const Hit& hit) { hits.push_back(hit); });

  std::vector<CellIdx> cells;
  for (const Hit& hit : hits) {
    const CellIdx cell = stays_.cell[hit.case_stay];
    cells.push_back(cell);
    explanation.co_stays.push_back(
        {UnpackCell(cells_[cell]),
         Clip(stays_.start[hit.case_stay], stays_.end[hit.case_stay], scan.window),
         Clip(stays_.start[hit.companion_stay], stays_.end[hit.companion_stay], scan.window),
         hit.overlap});
  }
  std::sort(explanation.co_stays.begin(), explanation.co_stays.end(),
            [](const CoStay& a, const CoStay& b) {
              const auto key = [](const CoStay& co_stay) {
                return std::make_tuple(co_stay.overlap.start, PackCell(co_stay.cell),
                                       co_stay.case_stay.start, co_stay.companion_stay.start);
              };
              return key(a) < key(b);
            });
  std::sort(cells.begin(), cells.end());
  cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
  for (const CellIdx cell : cells) {
    explanation.dwells.push_back({UnpackCell(cells_[cell]), scan.CaseDwell(cell),
                                  scan.CompanionDwell(stays_, *companion, cell, 0xffffffffu)});
  }
  return explanation;
}

std::vector<Stay> CompanionEngine::StaysOf(std::uint64_t phone) const {
  std::vector<Stay> result;
  const std::optional<PhoneIdx> found = stays_.FindPhone(phone);
  if (!found) return result;
  for (StayId stay = stays_.phone_first_stay[*found]; stay < stays_.phone_first_stay[*found + 1];
       ++stay) {
    result.push_back(
        {UnpackCell(cells_[stays_.cell[stay]]), {stays_.start[stay], stays_.end[stay]}});
  }
  return result;
}

}  // namespace lifeline::companions
