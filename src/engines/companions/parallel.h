#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <type_traits>
#include <vector>

namespace lifeline::companions {

// Runs task(i) — or task(i, worker) with the worker's number in [0, threads) — for every i in
// [0, count) on up to `threads` threads, each taking the next i as it finishes one (tasks are
// uneven). Tasks must write only to their own slots (or their worker's), so that results never
// depend on the thread count.
template <typename Task>
void ParallelFor(std::size_t count, int threads, Task&& task) {
  std::atomic<std::size_t> next{0};
  const auto work = [&](std::size_t worker) {
    for (std::size_t idx = next++; idx < count; idx = next++) {
      if constexpr (std::is_invocable_v<Task, std::size_t, std::size_t>) {
        task(idx, worker);
      } else {
        task(idx);
      }
    }
  };
  const std::size_t workers =
      std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), count);
  if (workers <= 1) {
    work(0);
    return;
  }
  std::vector<std::thread> pool;
  for (std::size_t worker = 0; worker < workers; ++worker) pool.emplace_back(work, worker);
  for (std::thread& thread : pool) thread.join();
}

}  // namespace lifeline::companions
