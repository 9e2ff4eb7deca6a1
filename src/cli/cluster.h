#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace lifeline {

// The processes one command runs on: a single process, or the ranks of an MPI job (`mpirun -np N
// lifeline companions …`). Messages are plain byte strings; every call is collective (all ranks
// make it, in the same order). Rank 0 talks to the user.
class Cluster {
 public:
  virtual ~Cluster() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;

  // Sends outgoing[r] to rank r (outgoing.size() == size()); returns what each rank sent here,
  // indexed by sender.
  virtual std::vector<std::string> AllToAll(std::vector<std::string> outgoing) = 0;
  // Rank 0 gets every rank's bytes, indexed by sender; the others get an empty vector.
  virtual std::vector<std::string> GatherToRoot(std::string bytes) = 0;
  // Every rank gets rank 0's bytes.
  virtual std::string BroadcastFromRoot(std::string bytes) = 0;
  // The sum of `value` over the ranks before this one.
  virtual std::int64_t ExclusiveSum(std::int64_t value) = 0;
  // The largest `value` over all ranks, on every rank (exit codes, failure flags).
  virtual std::int64_t Max(std::int64_t value) = 0;
  // The sum of `value` over all ranks, on every rank (counts for the summary).
  virtual std::int64_t Sum(std::int64_t value) = 0;
};

// One process: rank 0 of 1.
class SingleProcess : public Cluster {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::vector<std::string> AllToAll(std::vector<std::string> outgoing) override { return outgoing; }
  std::vector<std::string> GatherToRoot(std::string bytes) override { return {std::move(bytes)}; }
  std::string BroadcastFromRoot(std::string bytes) override { return bytes; }
  std::int64_t ExclusiveSum(std::int64_t) override { return 0; }
  std::int64_t Max(std::int64_t value) override { return value; }
  std::int64_t Sum(std::int64_t value) override { return value; }
};

// True when this process was started by Open MPI's mpirun (OMPI_COMM_WORLD_SIZE is set).
bool StartedByMpirun();

// The MPI job this process belongs to (MPI_Init on first use, MPI_Finalize at exit). Only when
// StartedByMpirun(); nullptr if MPI fails to start.
std::unique_ptr<Cluster> JoinMpiJob();

}  // namespace lifeline

namespace lifeline {

// Plain values in and out of the byte strings a Cluster carries (same machine type on every rank).
template <typename T>
void AppendPod(std::string& out, const T& value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

inline void AppendText(std::string& out, const std::string& text) {
  AppendPod(out, static_cast<std::uint32_t>(text.size()));
  out += text;
}

// Reads back what AppendPod and AppendText wrote, in the same order.
class PodReader {
 public:
  explicit PodReader(const std::string& bytes) : bytes_(bytes) {}
  bool done() const { return at_ >= bytes_.size(); }
  template <typename T>
  T Pod() {
    T value{};
    std::memcpy(&value, bytes_.data() + at_, sizeof value);
    at_ += sizeof value;
    return value;
  }
  std::string Text() {
    const auto size = Pod<std::uint32_t>();
    std::string text = bytes_.substr(at_, size);
    at_ += size;
    return text;
  }

 private:
  const std::string& bytes_;
  std::size_t at_ = 0;
};

}  // namespace lifeline
