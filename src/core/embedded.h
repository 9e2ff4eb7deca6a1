#pragma once

#include <span>
#include <string_view>

namespace lifeline {

// A file compiled into the binary by cmake/embed.cmake: `path` is relative to the folder it
// was embedded from; `content` points at static storage and lives as long as the program.
struct EmbeddedFile {
  std::string_view path;
  std::string_view content;
};

}  // namespace lifeline
