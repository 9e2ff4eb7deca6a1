// The Cluster of an Open MPI job: byte strings moved with MPI point-to-point calls in pieces of at
// most 1 GiB (MPI counts are ints), sizes first. Only the main thread calls MPI.

#include <mpi.h>

#include <algorithm>
#include <cstdlib>

#include "cli/cluster.h"

namespace lifeline {
namespace {

constexpr std::uint64_t kPieceBytes = std::uint64_t{1} << 30;

class MpiCluster : public Cluster {
 public:
  MpiCluster() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiCluster() override { MPI_Finalize(); }

  int rank() const override { return rank_; }
  int size() const override { return size_; }

  std::vector<std::string> AllToAll(std::vector<std::string> outgoing) override {
    std::vector<std::uint64_t> send_sizes(static_cast<std::size_t>(size_));
    std::vector<std::uint64_t> receive_sizes(static_cast<std::size_t>(size_));
    for (int peer = 0; peer < size_; ++peer) send_sizes[peer] = outgoing[peer].size();
    MPI_Alltoall(send_sizes.data(), 1, MPI_UINT64_T, receive_sizes.data(), 1, MPI_UINT64_T,
                 MPI_COMM_WORLD);
    std::vector<std::string> incoming(static_cast<std::size_t>(size_));
    std::vector<MPI_Request> requests;
    for (int peer = 0; peer < size_; ++peer) {
      if (peer == rank_) continue;
      incoming[peer].resize(receive_sizes[peer]);
      Post(incoming[peer].data(), receive_sizes[peer], peer, /*receive=*/true, requests);
      Post(outgoing[peer].data(), send_sizes[peer], peer, /*receive=*/false, requests);
    }
    MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE);
    incoming[rank_] = std::move(outgoing[rank_]);
    return incoming;
  }

  std::vector<std::string> GatherToRoot(std::string bytes) override {
    std::uint64_t size = bytes.size();
    std::vector<std::uint64_t> sizes(static_cast<std::size_t>(size_));
    MPI_Gather(&size, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    std::vector<MPI_Request> requests;
    std::vector<std::string> gathered;
    if (rank_ == 0) {
      gathered.resize(static_cast<std::size_t>(size_));
      for (int peer = 1; peer < size_; ++peer) {
        gathered[peer].resize(sizes[peer]);
        Post(gathered[peer].data(), sizes[peer], peer, /*receive=*/true, requests);
      }
      gathered[0] = std::move(bytes);
    } else {
      Post(bytes.data(), size, 0, /*receive=*/false, requests);
    }
    MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE);
    return gathered;
  }

  std::string BroadcastFromRoot(std::string bytes) override {
    std::uint64_t size = bytes.size();
    MPI_Bcast(&size, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    bytes.resize(size);
    for (std::uint64_t at = 0; at < size; at += kPieceBytes) {
      MPI_Bcast(bytes.data() + at, static_cast<int>(std::min(kPieceBytes, size - at)), MPI_BYTE, 0,
                MPI_COMM_WORLD);
    }
    return bytes;
  }

  std::int64_t ExclusiveSum(std::int64_t value) override {
    std::int64_t sum = 0;
    MPI_Exscan(&value, &sum, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
    return rank_ == 0 ? 0 : sum;  // rank 0's result is undefined in MPI
  }

  std::int64_t Max(std::int64_t value) override {
    std::int64_t max = 0;
    MPI_Allreduce(&value, &max, 1, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
    return max;
  }

  std::int64_t Sum(std::int64_t value) override {
    std::int64_t sum = 0;
    MPI_Allreduce(&value, &sum, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
    return sum;
  }

 private:
  // Posts the sends or receives of `size` bytes with `peer`, one per piece (tag = piece number).
  static void Post(char* data, std::uint64_t size, int peer, bool receive,
                   std::vector<MPI_Request>& requests) {
    int tag = 0;
    for (std::uint64_t at = 0; at < size; at += kPieceBytes, ++tag) {
      const int count = static_cast<int>(std::min(kPieceBytes, size - at));
      MPI_Request request;
      if (receive) {
        MPI_Irecv(data + at, count, MPI_BYTE, peer, tag, MPI_COMM_WORLD, &request);
      } else {
        MPI_Isend(data + at, count, MPI_BYTE, peer, tag, MPI_COMM_WORLD, &request);
      }
      requests.push_back(request);
    }
  }

  int rank_ = 0;
  int size_ = 1;
};

}  // namespace

bool StartedByMpirun() { return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr; }

std::unique_ptr<Cluster> JoinMpiJob() {
  int provided = 0;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    return nullptr;
  }
  return std::make_unique<MpiCluster>();
}

}  // namespace lifeline
