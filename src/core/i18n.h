#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"

namespace lifeline {

// Languages Lifeline speaks. Chinese first: it is the default for anyone who has not chosen.
constexpr std::string_view kLocaleZh = "zh-CN";
constexpr std::string_view kLocaleEn = "en";
constexpr std::string_view kDefaultLocale = kLocaleZh;

std::span<const std::string_view> SupportedLocales();
bool IsSupportedLocale(std::string_view locale);

// Picks a supported locale from an HTTP Accept-Language value ("en-US,en;q=0.9"), in the
// order the client gave; the default when none matches.
std::string LocaleFromAcceptLanguage(std::string_view header);

// The one message catalogue (every i18n/*.json, merged and compiled in): every user-facing text of
// the server, the CLI and the web UI, each in every supported locale. Immutable after load and safe
// to share between threads.
class Catalogue {
 public:
  // The catalogue compiled into the binary.
  static const Catalogue& Builtin();

  // Parses catalogue JSON: {"message.id": {"zh-CN": "...", "en": "..."}, ...}.
  static Result<Catalogue> Parse(std::string_view json_text);

  // The message in `locale` with "{name}" placeholders replaced from `args`. An unknown id
  // renders as the id itself so that a missing entry is visible, never a crash.
  std::string Render(std::string_view locale, std::string_view message_id,
                     const MessageArgs& args = {}) const;

  bool Has(std::string_view message_id) const;

  // All messages of one locale, as served to the web UI.
  const std::unordered_map<std::string, std::string>& Messages(std::string_view locale) const;

  // Message ids lacking a text in some supported locale (tests require none).
  std::vector<std::string> Incomplete() const;

 private:
  std::unordered_map<std::string, std::unordered_map<std::string, std::string>> by_locale_;
};

}  // namespace lifeline
