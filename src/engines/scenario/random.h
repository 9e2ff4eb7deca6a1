#pragma once

#include <cassert>
#include <cstdint>
#include <span>

namespace lifeline::scenario {

// splitmix64 (Steele, Lea, Flood 2014): a full-period mixer used to expand one 64-bit seed
// into independent generator states. Advances `state` and returns the next output.
inline std::uint64_t SplitMix64(std::uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A seed for the independent stream `stream` of item `index` under the scenario seed. Keying
// streams to the data (not to a shared sequence) keeps household 17 identical whether the
// scenario has 100 or 100,000 residents, and lets any part be generated in any order.
inline std::uint64_t StreamSeed(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  std::uint64_t state = seed;
  std::uint64_t mixed = SplitMix64(state) ^ stream;
  mixed = SplitMix64(mixed) ^ index;
  return SplitMix64(mixed);
}

// xoshiro256** (Blackman, Vigna 2018) with distributions written out here, because the
// std:: distributions are implementation-defined and would give different cities on different
// standard libraries. Everything below uses only integer arithmetic and correctly rounded
// IEEE operations, so output is bit-identical everywhere. Cheap to copy; not thread-safe.
class Random {
 public:
  explicit Random(std::uint64_t seed) {
    std::uint64_t state = seed;
    for (std::uint64_t& word : state_) word = SplitMix64(state);
  }

  std::uint64_t Next() {
    const std::uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
    const std::uint64_t shifted = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = RotateLeft(state_[3], 45);
    return result;
  }

  // Uniform in [0, bound) without modulo bias: rejects the few draws below 2^64 mod bound.
  std::uint64_t Below(std::uint64_t bound) {
    assert(bound > 0 && "Random::Below needs a positive bound");
    const std::uint64_t threshold = (0 - bound) % bound;
    for (;;) {
      const std::uint64_t draw = Next();
      if (draw >= threshold) return draw % bound;
    }
  }

  // Uniform integer in [low, high], both inclusive.
  int Between(int low, int high) {
    assert(low <= high && "Random::Between needs low <= high");
    return low + static_cast<int>(Below(static_cast<std::uint64_t>(high - low) + 1));
  }

  // Uniform in [0, 1) with 53 random bits: exact in every IEEE double implementation.
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // True with probability `per_mille` / 1000; integer odds keep the comparison exact.
  bool ChancePerMille(int per_mille) { return static_cast<int>(Below(1000)) < per_mille; }

  // An index drawn with probability proportional to its weight; weights must not all be 0.
  template <typename Weight>
  std::size_t Weighted(std::span<const Weight> weights) {
    std::uint64_t total = 0;
    for (const Weight weight : weights) total += static_cast<std::uint64_t>(weight);
    std::uint64_t draw = Below(total);
    for (std::size_t index = 0; index < weights.size(); ++index) {
      const auto weight = static_cast<std::uint64_t>(weights[index]);
      if (draw < weight) return index;
      draw -= weight;
    }
    assert(false && "Random::Weighted ran past its weights");
    return weights.size() - 1;
  }

  // One element of `items`, uniformly.
  template <typename T>
  const T& Pick(std::span<const T> items) {
    return items[Below(items.size())];
  }

 private:
  static std::uint64_t RotateLeft(std::uint64_t value, int bits) {
    return (value << bits) | (value >> (64 - bits));
  }

  std::uint64_t state_[4];
};

}  // namespace lifeline::scenario
