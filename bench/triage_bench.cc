// Triage throughput on one core: the engine alone over a fixed, varied set of observations, and
// the whole `lifeline triage` line path (parse JSON, triage, render JSON). bench/README.md says
// how to run it and what this machine measured.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engines/triage/triage.h"
#include "engines/triage/triage_json.h"

namespace lifeline::triage {
namespace {

// Enough distinct observations that branch prediction cannot learn the sequence.
constexpr int kObservationCount = 8192;
constexpr std::uint64_t kSeed = 20200123;

// SplitMix64: a fixed generator, so every run and machine triages the same observations.
class Generator {
 public:
  explicit Generator(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  int Below(int bound) { return static_cast<int>(Next() % static_cast<std::uint64_t>(bound)); }
  bool OneIn(int n) { return Below(n) == 0; }
  // A value in [low, low + span), missing one time in `missing_one_in`.
  std::optional<double> Maybe(double low, int span, int missing_one_in = 8) {
    if (OneIn(missing_one_in)) return std::nullopt;
    return low + Below(span);
  }
  std::optional<bool> MaybeFlag(int true_one_in) {
    if (OneIn(6)) return std::nullopt;
    return OneIn(true_one_in);
  }

 private:
  std::uint64_t state_;
};

// A surge day's mix: mostly adults, some children and elderly; most vitals present, a few
// missing; a spread from mild to critical.
std::vector<Observation> MakeObservations() {
  Generator random(kSeed);
  std::vector<Observation> observations(kObservationCount);
  for (Observation& observation : observations) {
    if (random.OneIn(10)) {
      observation.age_months = random.Below(18 * 12);
    } else if (!random.OneIn(30)) {
      observation.age_years = 18 + random.Below(80);
    }
    observation.resp_rate = random.Maybe(10, 35);
    observation.spo2 = random.Maybe(78, 23, 5);
    if (!random.OneIn(10)) observation.on_oxygen = random.OneIn(6);
    observation.pao2_fio2 = random.Maybe(150, 350, 3);
    observation.systolic_bp = random.Maybe(80, 110);
    observation.heart_rate = random.Maybe(45, 100);
    observation.temperature_c = random.Maybe(35, 6, 6);
    if (observation.temperature_c) *observation.temperature_c += random.Below(10) / 10.0;
    if (!random.OneIn(6))
      observation.consciousness = static_cast<Consciousness>(random.Below(5) * random.OneIn(8));
    observation.pneumonia_on_imaging = random.MaybeFlag(3);
    observation.lesion_progression_48h_pct = random.Maybe(0, 80, 3);
    observation.mechanical_ventilation = random.MaybeFlag(40);
    observation.shock = random.MaybeFlag(40);
    observation.organ_failure_icu = random.MaybeFlag(40);
    observation.ards = random.MaybeFlag(30);
    observation.sepsis = random.MaybeFlag(30);
    observation.fever_days = random.Maybe(0, 7);
    observation.laboured_breathing = random.MaybeFlag(8);
    observation.drowsiness_or_convulsions = random.MaybeFlag(15);
    observation.feeding_difficulty_dehydration = random.MaybeFlag(15);
    observation.hypercapnic_target = random.OneIn(20);
    observation.risk_factors = static_cast<std::uint32_t>(random.Below(1 << kRiskFactorCount)) &
                               static_cast<std::uint32_t>(random.Below(1 << kRiskFactorCount));
    if (random.OneIn(6)) observation.red_flags = 1u << random.Below(kRedFlagCount);
    if (random.OneIn(12)) observation.needs = 1u << random.Below(kNeedCount);
    observation.awaiting_bed = random.OneIn(5);
  }
  return observations;
}

void BM_Triage(benchmark::State& state) {
  const std::vector<Observation> observations = MakeObservations();
  const TriageConfig config;
  std::size_t next = 0;
  for (auto _ : state) {
    TriageResult result = Triage(observations[next], config);
    benchmark::DoNotOptimize(result);
    next = next + 1 == observations.size() ? 0 : next + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Triage);

// JSON text for an observation, as another tool would send it to `lifeline triage`.
std::string ToJsonLine(const Observation& observation) {
  std::string line = "{";
  auto number = [&](const char* key, const std::optional<double>& value) {
    if (!value) return;
    if (line.size() > 1) line += ',';
    line += '"' + std::string(key) + "\":" + std::to_string(*value);
  };
  auto flag = [&](const char* key, const std::optional<bool>& value) {
    if (!value) return;
    if (line.size() > 1) line += ',';
    line += '"' + std::string(key) + "\":" + (*value ? "true" : "false");
  };
  number("age_years", observation.age_years);
  number("age_months", observation.age_months);
  number("resp_rate", observation.resp_rate);
  number("spo2", observation.spo2);
  flag("on_oxygen", observation.on_oxygen);
  number("pao2_fio2", observation.pao2_fio2);
  number("systolic_bp", observation.systolic_bp);
  number("heart_rate", observation.heart_rate);
  number("temperature_c", observation.temperature_c);
  if (observation.consciousness) {
    line += std::string(",\"consciousness\":\"") +
            "ACVPU"[static_cast<int>(*observation.consciousness)] + '"';
  }
  flag("pneumonia_on_imaging", observation.pneumonia_on_imaging);
  flag("shock", observation.shock);
  flag("sepsis", observation.sepsis);
  number("fever_days", observation.fever_days);
  flag("laboured_breathing", observation.laboured_breathing);
  line += ",\"symptoms\":[\"cough\",\"fever\"],\"comorbidities\":[\"diabetes\"]}";
  return line;
}

void BM_TriageJsonLine(benchmark::State& state) {
  std::vector<std::string> lines;
  for (const Observation& observation : MakeObservations()) {
    lines.push_back(ToJsonLine(observation));
  }
  std::string out;
  std::size_t next = 0;
  std::int64_t bytes = 0;
  for (auto _ : state) {
    const Result<Observation> observation = ParseObservationJson(lines[next]);
    if (observation.ok()) AppendResultJson(Triage(*observation), {}, out);
    bytes += static_cast<std::int64_t>(lines[next].size());
    benchmark::DoNotOptimize(out.data());
    out.clear();
    next = next + 1 == lines.size() ? 0 : next + 1;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_TriageJsonLine);

}  // namespace
}  // namespace lifeline::triage

BENCHMARK_MAIN();
