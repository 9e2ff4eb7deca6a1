#include "cli/companions_output.h"

#include <algorithm>
#include <string>
#include <vector>

#include "cli/console.h"
#include "core/csv.h"
#include "core/i18n.h"
#include "core/time.h"
#include "engines/companions/digits.h"
#include "engines/companions/parallel.h"

namespace lifeline {
namespace {

using companions::CompanionPair;
using companions::PhoneKeyer;

std::string IsoOf(std::int64_t seconds) { return FormatIso8601(seconds * kMillisPerSecond); }

// Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "(" + std::to_string(...).
std::string CellText(const GridCell& cell) {
  std::string text = "(";
  text += std::to_string(cell.gx);
  text += ", ";
  text += std::to_string(cell.gy);
  text += ")";
  return text;
}

// How a number sorts: packed digits by PhoneKeyer::TextOrder, pseudonyms ("~" and hex) by key,
// both without making the text; other texts (names, cases given in clear under pseudonyms) by
// comparing the text itself. Digits and '+' sort before '~'.
struct SortKey {
  enum Kind : int { kDigits = 0, kPseudonym = 1, kText = 2 };
  Kind kind = kDigits;
  std::uint64_t value = 0;
  std::uint64_t key = 0;
};

class Numbers {
 public:
  Numbers(const companions::PhoneNames& known, const companions::PhoneNames& names)
      : known_(known), names_(names) {}

  SortKey Sort(std::uint64_t key) const {
    if (PhoneKeyer::IsPacked(key)) return {SortKey::kDigits, PhoneKeyer::TextOrder(key), key};
    if (known_.count(key) != 0 || names_.count(key) != 0) return {SortKey::kText, 0, key};
    return {SortKey::kPseudonym, key, key};
  }

  std::string Text(std::uint64_t key) const {
    // A packed number's text is its digits, whoever gave it.
    if (PhoneKeyer::IsPacked(key)) return PhoneKeyer::UnpackKey(key);
    const auto found = known_.find(key);
    return found != known_.end() ? found->second : companions::PhoneText(key, names_);
  }

  bool Less(const SortKey& a, const SortKey& b) const {
    if (a.kind != SortKey::kText && b.kind != SortKey::kText) {
      return a.kind != b.kind ? a.kind < b.kind : a.value < b.value;
    }
    return Text(a.key) < Text(b.key);
  }

 private:
  const companions::PhoneNames& known_;
  const companions::PhoneNames& names_;
};

// One case's pairs (or one ring-2 source's), in order.
struct Group {
  int ring = 1;
  SortKey case_key;
  std::span<const CompanionPair> pairs;
};

// A number's text straight into `out`: packed digits written from the key, others as a field.
void AppendPhone(std::uint64_t key, const Numbers& numbers, std::string& out) {
  if (!PhoneKeyer::IsPacked(key)) {
    AppendCsvField(numbers.Text(key), out);
    return;
  }
  char digits[companions::kMaxPackedDigits + 1];
  out.append(digits, PhoneKeyer::UnpackKey(key, digits));
}

std::vector<Group> GroupsOf(std::span<const CompanionPair> pairs, int ring,
                            const Numbers& numbers) {
  std::vector<Group> groups;
  std::size_t first = 0;
  for (std::size_t idx = 1; idx <= pairs.size(); ++idx) {
    if (idx == pairs.size() || pairs[idx].case_phone != pairs[first].case_phone) {
      groups.push_back(
          {ring, numbers.Sort(pairs[first].case_phone), pairs.subspan(first, idx - first)});
      first = idx;
    }
  }
  return groups;
}

// One group's rows, in the contract's order, appended to `text`.
void AppendRows(const Group& group, bool ring_column, const Numbers& numbers, std::string& text) {
  if (group.pairs.empty()) return;
  // Packed numbers of one length (and sign) order by key as by text, and pairs come sorted by
  // key: then there is nothing to sort.
  const std::uint64_t shape = group.pairs.front().companion_phone >> 57;
  const bool sorted =
      std::all_of(group.pairs.begin(), group.pairs.end(),
                  [&](const auto& pair) {
                    return PhoneKeyer::IsPacked(pair.companion_phone) &&
                           pair.companion_phone >> 57 == shape;
                  }) &&
      std::is_sorted(group.pairs.begin(), group.pairs.end(), [](const auto& a, const auto& b) {
        return a.companion_phone < b.companion_phone;
      });
  std::vector<const CompanionPair*> rows;
  rows.reserve(group.pairs.size());
  for (const CompanionPair& pair : group.pairs) rows.push_back(&pair);
  if (!sorted) {
    std::vector<std::pair<SortKey, const CompanionPair*>> keyed;
    keyed.reserve(rows.size());
    for (const CompanionPair* pair : rows)
      keyed.emplace_back(numbers.Sort(pair->companion_phone), pair);
    std::sort(keyed.begin(), keyed.end(),
              [&](const auto& a, const auto& b) { return numbers.Less(a.first, b.first); });
    for (std::size_t at = 0; at < keyed.size(); ++at) rows[at] = keyed[at].second;
  }
  std::string case_field;
  AppendCsvField(numbers.Text(group.pairs.front().case_phone), case_field);
  text.reserve(text.size() + rows.size() * (case_field.size() + 48));
  // Each row's fields after the case's, packed numbers included, made in one small buffer and
  // appended at once: millions of rows, so appends are counted.
  char row[4 * 21 + companions::kMaxPackedDigits + 8];
  for (const CompanionPair* pair : rows) {
    text += case_field;
    char* at = row;
    *at++ = ',';
    if (PhoneKeyer::IsPacked(pair->companion_phone)) {
      at += PhoneKeyer::UnpackKey(pair->companion_phone, at);
    } else {
      text.append(row, static_cast<std::size_t>(at - row));
      AppendPhone(pair->companion_phone, numbers, text);
      at = row;
    }
    *at++ = ',';
    at = companions::WriteDecimal(at, pair->co_stays);
    *at++ = ',';
    at = companions::WriteDecimal(at, pair->longest_overlap_s);
    *at++ = ',';
    at = companions::WriteDecimal(at, pair->first_overlap_start);
    if (ring_column) {
      *at++ = ',';
      at = companions::WriteDecimal(at, group.ring);
    }
    *at++ = '\n';
    text.append(row, static_cast<std::size_t>(at - row));
  }
}

bool WriteHeader(bool ring_column, std::FILE* output) {
  std::string header = "case_phone,companion_phone,co_stays,longest_overlap_s,first_overlap_start";
  header += ring_column ? ",ring\n" : "\n";
  return std::fwrite(header.data(), 1, header.size(), output) == header.size();
}

}  // namespace

bool WritePairsCsv(std::span<const CompanionPair> ring1, std::span<const CompanionPair> ring2,
                   bool ring_column, const companions::PhoneNames& known,
                   const companions::PhoneNames& names, int threads, std::FILE* output) {
  const Numbers numbers(known, names);
  std::vector<Group> groups = GroupsOf(ring1, 1, numbers);
  std::vector<Group> more = GroupsOf(ring2, 2, numbers);
  groups.insert(groups.end(), more.begin(), more.end());
  std::sort(groups.begin(), groups.end(), [&](const Group& a, const Group& b) {
    if (a.ring != b.ring) return a.ring < b.ring;
    return numbers.Less(a.case_key, b.case_key);
  });

  if (!WriteHeader(ring_column, output)) return false;
  // Batches of about a million rows: sorted and formatted in parallel, written in order.
  constexpr std::size_t kBatchRows = 1 << 20;
  std::size_t next = 0;
  while (next < groups.size()) {
    std::size_t end = next;
    for (std::size_t rows = 0; end < groups.size() && (rows == 0 || rows < kBatchRows); ++end) {
      rows += groups[end].pairs.size();
    }
    std::vector<std::string> texts(end - next);
    companions::ParallelFor(end - next, threads, [&](std::size_t idx) {
      AppendRows(groups[next + idx], ring_column, numbers, texts[idx]);
    });
    for (const std::string& text : texts) {
      if (std::fwrite(text.data(), 1, text.size(), output) != text.size()) return false;
    }
    next = end;
  }
  return std::fflush(output) == 0;
}

std::vector<std::size_t> CasesInOutputOrder(std::span<const companions::Case> cases,
                                            const companions::PhoneNames& known,
                                            const companions::PhoneNames& names) {
  const Numbers numbers(known, names);
  std::vector<SortKey> keys;
  keys.reserve(cases.size());
  for (const companions::Case& confirmed : cases) keys.push_back(numbers.Sort(confirmed.phone));
  std::vector<std::size_t> order(cases.size());
  for (std::size_t idx = 0; idx < order.size(); ++idx) order[idx] = idx;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return numbers.Less(keys[a], keys[b]); });
  return order;
}

PairsCsvStream::PairsCsvStream(std::size_t groups, const companions::PhoneNames& known,
                               const companions::PhoneNames& names, std::FILE* output)
    : known_(known), names_(names), output_(output), texts_(groups), ready_(groups, 0) {
  ok_ = WriteHeader(false, output_);
}

void PairsCsvStream::Take(std::size_t idx, std::span<const CompanionPair> pairs) {
  std::string text;
  AppendRows({1, SortKey{}, pairs}, false, Numbers(known_, names_), text);
  std::unique_lock<std::mutex> lock(mutex_);
  rows_ += pairs.size();
  texts_[idx] = std::move(text);
  ready_[idx] = 1;
  // One thread at a time writes, outside the lock, every group ready in order; the others
  // leave theirs and go back to work.
  if (writing_) return;
  writing_ = true;
  std::vector<std::string> batch;
  while (next_ < texts_.size() && ready_[next_] != 0) {
    batch.clear();
    while (next_ < texts_.size() && ready_[next_] != 0) batch.push_back(std::move(texts_[next_++]));
    lock.unlock();
    for (const std::string& ready : batch) {
      if (ok_ && !ready.empty()) {
        ok_ = std::fwrite(ready.data(), 1, ready.size(), output_) == ready.size();
      }
    }
    lock.lock();
  }
  writing_ = false;
}

bool PairsCsvStream::Finish() {
  const std::lock_guard<std::mutex> lock(mutex_);
  return ok_ && next_ == texts_.size() && std::fflush(output_) == 0;
}

std::string ExplanationText(std::string_view locale, std::string_view case_text,
                            std::string_view companion_text, std::int64_t confirmed_at,
                            const companions::Explanation& explanation,
                            const companions::CompanionRule& rule) {
  const Catalogue& catalogue = Catalogue::Builtin();
  std::string text;
  auto line = [&](std::string_view id, const MessageArgs& args) {
    text += catalogue.Render(locale, id, args);
    text += '\n';
  };
  const std::string case_number(case_text);
  const std::string companion_number(companion_text);
  line("companions.explain.header", {{"case", case_number},
                                     {"companion", companion_number},
                                     {"confirmed_iso", IsoOf(confirmed_at)},
                                     {"confirmed", std::to_string(confirmed_at)},
                                     {"from_iso", IsoOf(explanation.window.start)},
                                     {"from", std::to_string(explanation.window.start)},
                                     {"to_iso", IsoOf(explanation.window.end)},
                                     {"to", std::to_string(explanation.window.end)}});
  if (explanation.co_stays.empty()) {
    line("companions.explain.none", {{"case", case_number},
                                     {"companion", companion_number},
                                     {"overlap", std::to_string(rule.overlap_s)},
                                     {"dwell", std::to_string(rule.dwell_s)}});
    return text;
  }
  line("companions.explain.co_stays", {{"count", std::to_string(explanation.co_stays.size())},
                                       {"overlap", std::to_string(rule.overlap_s)}});
  for (const companions::CoStay& co_stay : explanation.co_stays) {
    line("companions.explain.co_stay",
         {{"cell", CellText(co_stay.cell)},
          {"case_start_iso", IsoOf(co_stay.case_stay.start)},
          {"case_end_iso", IsoOf(co_stay.case_stay.end)},
          {"case_start", std::to_string(co_stay.case_stay.start)},
          {"case_end", std::to_string(co_stay.case_stay.end)},
          {"companion_start_iso", IsoOf(co_stay.companion_stay.start)},
          {"companion_end_iso", IsoOf(co_stay.companion_stay.end)},
          {"companion_start", std::to_string(co_stay.companion_stay.start)},
          {"companion_end", std::to_string(co_stay.companion_stay.end)},
          {"overlap_start_iso", IsoOf(co_stay.overlap.start)},
          {"overlap_end_iso", IsoOf(co_stay.overlap.end)},
          {"overlap_s", std::to_string(co_stay.overlap.end - co_stay.overlap.start)}});
  }
  line("companions.explain.dwells", {{"dwell", std::to_string(rule.dwell_s)}});
  for (const companions::CellDwell& dwell : explanation.dwells) {
    line("companions.explain.dwell",
         {{"cell", CellText(dwell.cell)},
          {"case_dwell", std::to_string(dwell.case_dwell_s)},
          {"case_hours", Fixed(static_cast<double>(dwell.case_dwell_s) / 3600.0, 2)},
          {"companion_dwell", std::to_string(dwell.companion_dwell_s)},
          {"companion_hours", Fixed(static_cast<double>(dwell.companion_dwell_s) / 3600.0, 2)}});
  }
  return text;
}

}  // namespace lifeline
