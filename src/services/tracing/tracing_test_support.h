#pragma once

// The tracing service's test fixture, shared by its test files: a fresh database of each backend,
// a service whose clock the test moves (`now_`), and short ways to add people and exposures.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "services/tracing/tracing_service.h"
#include "store/testing/test_database.h"

namespace lifeline::testing {

constexpr char kTracingTestKey[] = "tracing-test-key-0123456789abcdef0123456789ab";

inline Actor Tracer() { return Actor{77, "tracer", Role::kTracer, "req-tracing"}; }

// January 2020, day `day` at `hour`:00 UTC.
inline UnixMillis Jan(int day, int hour = 0) {
  return DaysFromCivil(2020, 1, static_cast<unsigned>(day)) * kMillisPerDay + hour * kMillisPerHour;
}

class TracingServiceTest : public BackendTest {
 protected:
  TracingService& service() {
    if (!service_) {
      TracingOptions options;
      options.clock = [this] { return now_; };
      service_ = std::make_unique<TracingService>(db(), kTracingTestKey, options);
    }
    return *service_;
  }

  std::int64_t Add(const std::string& name, const std::string& status,
                   std::optional<UnixMillis> onset = std::nullopt,
                   std::optional<UnixMillis> confirmed = std::nullopt) {
    TracingPersonInput person;
    person.name = name;
    person.status = status;
    person.onset_at = onset;
    person.confirmed_at = confirmed;
    return Add(person);
  }

  std::int64_t Add(const TracingPersonInput& person) {
    const Result<TracingPerson> added = service().AddPerson(Tracer(), person);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->id : 0;
  }

  void Expose(std::int64_t a, std::int64_t b, const std::string& kind, UnixMillis start,
              UnixMillis end, const std::string& place = "") {
    const Result<std::int64_t> added =
        service().AddExposure(Tracer(), {a, b, kind, start, end, place, ""});
    EXPECT_TRUE(added.ok()) << added.status().ToString();
  }

  UnixMillis now_ = Jan(20);
  std::unique_ptr<TracingService> service_;
};

}  // namespace lifeline::testing
