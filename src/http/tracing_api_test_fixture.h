#pragma once

// What the tracing desk's HTTP tests share: a small city, and a tracer who adds people and posts
// records, expecting each to be created.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "http/testing/api_server_test.h"

namespace lifeline::testing {

class TracingApiFixture : public ApiServerTest {
 protected:
  ScenarioOptions TestCity() const override {
    return {.seed = 3, .residents = 10, .volunteers = 0};
  }

  // Adds a person as the tracer; returns the new id.
  std::int64_t Person(const nlohmann::json& person) {
    const Reply reply = As(Role::kTracer, Method::kPost, "/api/v1/tracing/people", person);
    EXPECT_EQ(reply.status, 201) << reply.body.dump();
    return reply.body.value("id", std::int64_t{0});
  }

  void Post(const std::string& path, const nlohmann::json& body) {
    const Reply reply = As(Role::kTracer, Method::kPost, path, body);
    EXPECT_EQ(reply.status, 201) << path << " " << reply.body.dump();
  }
};

}  // namespace lifeline::testing
