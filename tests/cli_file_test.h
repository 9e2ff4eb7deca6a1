#pragma once

// The base of the tests that drive one file-processing subcommand of the built binary
// (`lifeline match`, `lifeline companions`) as other tools meet it: files written into a fresh
// directory, the command run there with English messages, stdout, stderr and the exit code kept.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

namespace lifeline::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // standard output
  std::string errors;  // standard error
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class CliFileTest : public ::testing::Test {
 protected:
  // `subcommand` is put between the binary and the arguments of every Run.
  explicit CliFileTest(std::string subcommand) : subcommand_(std::move(subcommand)) {}

  void SetUp() override {
    dir_ = ::testing::TempDir() + "/" + subcommand_ + "-cli-" + std::to_string(getpid());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // Runs `lifeline SUBCOMMAND ARGS` in the test directory with English messages, under
  // `launcher` if one is given (e.g. "mpirun -np 2").
  CommandResult Run(const std::string& args, const std::string& launcher = "") {
    return RunCommand(subcommand_, args, launcher);
  }

  // The same for another subcommand (a test of one command that also drives another).
  CommandResult RunCommand(const std::string& subcommand, const std::string& args,
                           const std::string& launcher = "") {
    const std::string errors_path = dir_ + "/stderr";
    const std::string command = "cd " + dir_ + " && LIFELINE_LANG=en " + launcher + " " +
                                std::string(LIFELINE_BINARY) + " " + subcommand + " " + args +
                                " 2>" + errors_path;
    CommandResult result;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    char buffer[1 << 16];
    std::size_t size = 0;
    while ((size = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
      result.output.append(buffer, size);
    const int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.errors = ReadFile(errors_path);
    return result;
  }

  std::string dir_;

 private:
  std::string subcommand_;
};

}  // namespace lifeline::testing
