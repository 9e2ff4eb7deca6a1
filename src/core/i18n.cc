#include "core/i18n.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "core/embedded.h"

namespace lifeline {

std::span<const EmbeddedFile> EmbeddedCatalogue();

namespace {

constexpr std::array<std::string_view, 2> kLocales = {kLocaleZh, kLocaleEn};

std::string Lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::span<const std::string_view> SupportedLocales() { return kLocales; }

bool IsSupportedLocale(std::string_view locale) {
  return std::find(kLocales.begin(), kLocales.end(), locale) != kLocales.end();
}

std::string LocaleFromAcceptLanguage(std::string_view header) {
  std::size_t start = 0;
  while (start < header.size()) {
    std::size_t end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view item = header.substr(start, end - start);
    start = end + 1;
    const std::size_t semicolon = item.find(';');
    const std::string parameters =
        semicolon == std::string_view::npos ? "" : Lowercase(item.substr(semicolon));
    // "q=0" means "not acceptable" (RFC 9110), so such a language is never chosen.
    std::string weight = parameters;
    std::erase(weight, ' ');
    if (weight.starts_with(";q=0") && weight.find_first_of("123456789", 4) == std::string::npos) {
      continue;
    }
    item = item.substr(0, semicolon);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    const std::string tag = Lowercase(item);
    if (tag.starts_with("zh")) return std::string(kLocaleZh);
    if (tag.starts_with("en")) return std::string(kLocaleEn);
  }
  return std::string(kDefaultLocale);
}

const Catalogue& Catalogue::Builtin() {
  static const Catalogue catalogue = [] {
    Catalogue merged;
    for (const EmbeddedFile& file : EmbeddedCatalogue()) {
      Result<Catalogue> parsed = Parse(file.content);
      // The build embeds and tests the catalogue; a parse failure here means a broken build.
      if (!parsed.ok()) std::abort();
      for (auto& [locale, messages] : parsed->by_locale_) {
        merged.by_locale_[locale].merge(messages);
      }
    }
    return merged;
  }();
  return catalogue;
}

Result<Catalogue> Catalogue::Parse(std::string_view json_text) {
  const nlohmann::json root = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!root.is_object()) return Status::InvalidArgument("error.catalogue_invalid");
  Catalogue catalogue;
  for (const std::string_view locale : kLocales) catalogue.by_locale_[std::string(locale)];
  for (const auto& [id, texts] : root.items()) {
    if (!texts.is_object()) {
      return Status::InvalidArgument("error.catalogue_invalid", {{"id", id}});
    }
    for (const auto& [locale, text] : texts.items()) {
      if (!text.is_string()) {
        return Status::InvalidArgument("error.catalogue_invalid", {{"id", id}});
      }
      catalogue.by_locale_[locale][id] = text.get<std::string>();
    }
  }
  return catalogue;
}

std::string Catalogue::Render(std::string_view locale, std::string_view message_id,
                              const MessageArgs& args) const {
  auto locale_it = by_locale_.find(std::string(locale));
  if (locale_it == by_locale_.end()) locale_it = by_locale_.find(std::string(kDefaultLocale));
  std::string text(message_id);
  if (locale_it != by_locale_.end()) {
    const auto message_it = locale_it->second.find(std::string(message_id));
    if (message_it != locale_it->second.end()) text = message_it->second;
  }
  // One pass over the template, so an argument's value is never itself scanned for
  // placeholders: a user-supplied "{path}" must not pull in another argument.
  std::string rendered;
  rendered.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find('{', pos);
    const std::size_t close = open == std::string::npos ? open : text.find('}', open + 1);
    if (close == std::string::npos) {
      rendered.append(text, pos);
      break;
    }
    rendered.append(text, pos, open - pos);
    const std::string_view name(text.data() + open + 1, close - open - 1);
    const auto arg = std::find_if(args.begin(), args.end(),
                                  [&](const auto& entry) { return entry.first == name; });
    if (arg == args.end()) {
      rendered += '{';  // not an argument: keep the brace and look for a placeholder after it
      pos = open + 1;
    } else {
      rendered += arg->second;
      pos = close + 1;
    }
  }
  return rendered;
}

bool Catalogue::Has(std::string_view message_id) const {
  const auto& messages = Messages(kDefaultLocale);
  return messages.find(std::string(message_id)) != messages.end();
}

const std::unordered_map<std::string, std::string>& Catalogue::Messages(
    std::string_view locale) const {
  static const std::unordered_map<std::string, std::string> kEmpty;
  const auto it = by_locale_.find(std::string(locale));
  return it == by_locale_.end() ? kEmpty : it->second;
}

std::vector<std::string> Catalogue::Incomplete() const {
  std::vector<std::string> missing;
  for (const auto& [locale, messages] : by_locale_) {
    for (const auto& [other_locale, other_messages] : by_locale_) {
      if (other_locale == locale) continue;
      for (const auto& [id, text] : other_messages) {
        if (messages.find(id) == messages.end()) missing.push_back(locale + ":" + id);
      }
    }
  }
  std::sort(missing.begin(), missing.end());
  missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
  return missing;
}

}  // namespace lifeline
