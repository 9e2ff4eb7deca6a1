// A closed-loop HTTP load generator for Lifeline's benchmarks: CONNECTIONS keep-alive clients
// each send the next request as soon as the previous answer arrives, for DURATION seconds, and
// the tool reports throughput and latency percentiles. Run it as its own process, beside the
// server it measures, so the server's numbers include real sockets and parsing.
//
//   http_load --port 8080 --path /api/v1/clinic/requests --bodies bodies.jsonl
//             [--connections 16] [--seconds 10] [--expect 201]
//
// Bodies are taken round-robin from the file, one JSON document per line.

#include <httplib.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

struct WorkerTally {
  std::vector<double> latencies_ms;
  long unexpected_status = 0;
  long transport_errors = 0;
};

double Percentile(const std::vector<double>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  const auto index = static_cast<std::size_t>(fraction * static_cast<double>(sorted.size() - 1));
  return sorted[index];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Closed-loop HTTP load generator for Lifeline benchmarks", "http_load");
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string path;
  std::string bodies_file;
  int connections = 16;
  double seconds = 10;
  int expected_status = 201;
  std::string token;
  app.add_option("--host", host)->capture_default_str();
  app.add_option("--port", port)->required();
  app.add_option("--path", path)->required();
  app.add_option("--bodies", bodies_file, "JSON Lines file of request bodies")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--connections", connections)->capture_default_str()->check(CLI::Range(1, 512));
  app.add_option("--seconds", seconds)->capture_default_str()->check(CLI::Range(0.5, 600.0));
  app.add_option("--expect", expected_status, "HTTP status counted as success")
      ->capture_default_str();
  app.add_option("--token", token, "Bearer token, for endpoints that need one");
  CLI11_PARSE(app, argc, argv);

  std::vector<std::string> bodies;
  {
    std::ifstream in(bodies_file);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) bodies.push_back(line);
    }
  }
  if (bodies.empty()) {
    std::cerr << "http_load: " << bodies_file << " has no bodies\n";
    return 2;
  }

  std::atomic<std::size_t> next_body{0};
  std::vector<WorkerTally> tallies(static_cast<std::size_t>(connections));
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration<double>(seconds);
  std::vector<std::thread> workers;
  for (int worker = 0; worker < connections; ++worker) {
    workers.emplace_back([&, worker] {
      WorkerTally& tally = tallies[static_cast<std::size_t>(worker)];
      httplib::Client client(host, port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      client.set_read_timeout(std::chrono::seconds(10));
      httplib::Headers headers;
      if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
      while (std::chrono::steady_clock::now() < deadline) {
        const std::string& body = bodies[next_body++ % bodies.size()];
        const auto sent = std::chrono::steady_clock::now();
        auto reply = client.Post(path, headers, body, "application/json");
        const auto answered = std::chrono::steady_clock::now();
        if (!reply) {
          ++tally.transport_errors;
          continue;
        }
        if (reply->status != expected_status) {
          if (tally.unexpected_status++ == 0) {
            std::cerr << "http_load: unexpected " << reply->status << ": "
                      << reply->body.substr(0, 300) << "\n";
          }
          continue;
        }
        tally.latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(answered - sent).count());
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::vector<double> latencies;
  long unexpected = 0, errors = 0;
  for (const WorkerTally& tally : tallies) {
    latencies.insert(latencies.end(), tally.latencies_ms.begin(), tally.latencies_ms.end());
    unexpected += tally.unexpected_status;
    errors += tally.transport_errors;
  }
  std::sort(latencies.begin(), latencies.end());
  std::printf("requests_ok=%zu unexpected_status=%ld transport_errors=%ld seconds=%.2f\n",
              latencies.size(), unexpected, errors, elapsed);
  std::printf("throughput_per_s=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
              static_cast<double>(latencies.size()) / elapsed, Percentile(latencies, 0.50),
              Percentile(latencies, 0.90), Percentile(latencies, 0.99),
              latencies.empty() ? 0.0 : latencies.back());
  return unexpected == 0 && errors == 0 ? 0 : 1;
}
