#include "cli/console.h"

#include "core/i18n.h"

namespace lifeline {

void Say(std::FILE* out, const std::string& locale, std::string_view id, const MessageArgs& args) {
  if (out == nullptr) return;
  std::fprintf(out, "%s\n", Catalogue::Builtin().Render(locale, id, args).c_str());
  std::fflush(out);
}

std::string Fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

}  // namespace lifeline
