#include "core/i18n.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace lifeline {
namespace {

constexpr std::string_view kGreetingCatalogue = R"({
  "greet": {"zh-CN": "你好，{name}！", "en": "Hello, {name}!"},
  "echo": {"zh-CN": "{word}、{word}、{word}", "en": "{word} {word} and {other}"},
  "plain": {"zh-CN": "好", "en": "Good"}
})";

Catalogue ParseOrDie(std::string_view json_text) {
  Result<Catalogue> parsed = Catalogue::Parse(json_text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? std::move(parsed).value() : Catalogue();
}

void ExpectParseRejected(std::string_view json_text) {
  Result<Catalogue> parsed = Catalogue::Parse(json_text);
  ASSERT_FALSE(parsed.ok()) << json_text;
  EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().message_id(), "error.catalogue_invalid");
}

TEST(LocaleTest, SupportedLocales) {
  ASSERT_EQ(SupportedLocales().size(), 2u);
  EXPECT_EQ(SupportedLocales()[0], kLocaleZh);
  EXPECT_EQ(kDefaultLocale, "zh-CN");
  EXPECT_TRUE(IsSupportedLocale("zh-CN"));
  EXPECT_TRUE(IsSupportedLocale("en"));
  EXPECT_FALSE(IsSupportedLocale("zh"));
  EXPECT_FALSE(IsSupportedLocale("en-US"));
  EXPECT_FALSE(IsSupportedLocale("fr"));
  EXPECT_FALSE(IsSupportedLocale(""));
}

TEST(AcceptLanguageTest, EnglishVariantsPickEnglish) {
  EXPECT_EQ(LocaleFromAcceptLanguage("en-US,en;q=0.9"), "en");
  EXPECT_EQ(LocaleFromAcceptLanguage("en"), "en");
  EXPECT_EQ(LocaleFromAcceptLanguage("EN-gb"), "en");
  EXPECT_EQ(LocaleFromAcceptLanguage("  en ;q=0.5"), "en");
}

TEST(AcceptLanguageTest, AnyChineseVariantPicksSimplifiedChinese) {
  EXPECT_EQ(LocaleFromAcceptLanguage("zh-TW"), "zh-CN");
  EXPECT_EQ(LocaleFromAcceptLanguage("zh-CN,zh;q=0.9,en;q=0.8"), "zh-CN");
  EXPECT_EQ(LocaleFromAcceptLanguage("zh-Hant-HK"), "zh-CN");
}

TEST(AcceptLanguageTest, FirstSupportedTagInClientOrderWins) {
  EXPECT_EQ(LocaleFromAcceptLanguage("fr-CH, fr;q=0.9, en;q=0.8, zh;q=0.7"), "en");
  EXPECT_EQ(LocaleFromAcceptLanguage("de,zh-TW;q=0.5,en;q=0.4"), "zh-CN");
  EXPECT_EQ(LocaleFromAcceptLanguage(",,en"), "en");
}

TEST(AcceptLanguageTest, ALanguageWithZeroWeightIsNeverChosen) {
  EXPECT_EQ(LocaleFromAcceptLanguage("zh;q=0, en"), "en");
  EXPECT_EQ(LocaleFromAcceptLanguage("en;q=0.000, zh-CN"), "zh-CN");
  EXPECT_EQ(LocaleFromAcceptLanguage("en; q=0"), kDefaultLocale);
  EXPECT_EQ(LocaleFromAcceptLanguage("en;q=0.01"), "en");
}

TEST(AcceptLanguageTest, UnsupportedOrEmptyGivesDefault) {
  EXPECT_EQ(LocaleFromAcceptLanguage("fr"), kDefaultLocale);
  EXPECT_EQ(LocaleFromAcceptLanguage(""), kDefaultLocale);
  EXPECT_EQ(LocaleFromAcceptLanguage("*"), kDefaultLocale);
  EXPECT_EQ(LocaleFromAcceptLanguage("fr-FR, de;q=0.5"), kDefaultLocale);
  EXPECT_EQ(LocaleFromAcceptLanguage(" , ;q=1"), kDefaultLocale);
}

TEST(BuiltinCatalogueTest, EveryMessageHasEverySupportedLocale) {
  const Catalogue& catalogue = Catalogue::Builtin();
  EXPECT_EQ(catalogue.Incomplete(), std::vector<std::string>());
  EXPECT_FALSE(catalogue.Messages(kLocaleZh).empty());
  EXPECT_EQ(catalogue.Messages(kLocaleZh).size(), catalogue.Messages(kLocaleEn).size());
}

TEST(BuiltinCatalogueTest, NoMessageIsEmpty) {
  for (const std::string_view locale : SupportedLocales()) {
    for (const auto& [id, text] : Catalogue::Builtin().Messages(locale)) {
      EXPECT_FALSE(text.empty()) << locale << ":" << id;
    }
  }
}

// Every message id the core library can return renders, with the arguments the core passes,
// to a text with no placeholder left over in either locale.
TEST(BuiltinCatalogueTest, CoreMessageIdsExistAndTheirPlaceholdersAreFilled) {
  const struct {
    std::string_view id;
    MessageArgs args;
  } kCoreMessages[] = {
      {"error.bad_time", {{"value", "yesterday"}}},
      {"error.json_malformed", {{"position", "7"}}},
      {"error.body_not_object", {}},
      {"error.field_required", {{"field", "username"}}},
      {"error.field_type", {{"field", "age"}, {"expected", "integer"}}},
      {"error.field_too_long", {{"field", "note"}, {"max", "1000"}}},
      {"error.field_invalid", {{"field", "spo2"}, {"reason", "0..100"}}},
      {"error.unknown_choice", {{"field", "sex"}, {"value", "x"}, {"choices", "female, male"}}},
      {"error.record_not_found", {{"entity", "device"}, {"id", "7"}}},
      {"error.config_line", {{"line", "3"}}},
      {"error.config_unreadable", {{"path", "/etc/lifeline.conf"}}},
      {"error.config_not_integer", {{"key", "port"}, {"line", "2"}}},
      {"error.key_file_short", {{"path", "/var/lib/lifeline/key"}}},
      {"error.key_file_write", {{"path", "/var/lib/lifeline/key"}}},
      {"error.catalogue_invalid", {}},
  };
  const Catalogue& catalogue = Catalogue::Builtin();
  for (const auto& message : kCoreMessages) {
    EXPECT_TRUE(catalogue.Has(message.id)) << message.id;
    for (const std::string_view locale : SupportedLocales()) {
      const std::string text = catalogue.Render(locale, message.id, message.args);
      EXPECT_NE(text, message.id) << locale;
      EXPECT_EQ(text.find('{'), std::string::npos) << locale << ":" << message.id << " " << text;
      for (const auto& [name, value] : message.args) {
        EXPECT_NE(text.find(value), std::string::npos) << locale << ":" << message.id;
      }
    }
  }
}

TEST(CatalogueRenderTest, PicksTheRequestedLocale) {
  const Catalogue catalogue = ParseOrDie(kGreetingCatalogue);
  EXPECT_EQ(catalogue.Render("en", "plain"), "Good");
  EXPECT_EQ(catalogue.Render("zh-CN", "plain"), "好");
}

TEST(CatalogueRenderTest, SubstitutesPlaceholders) {
  const Catalogue catalogue = ParseOrDie(kGreetingCatalogue);
  EXPECT_EQ(catalogue.Render("en", "greet", {{"name", "Li"}}), "Hello, Li!");
  EXPECT_EQ(catalogue.Render("zh-CN", "greet", {{"name", "李文亮"}}), "你好，李文亮！");
}

TEST(CatalogueRenderTest, SubstitutesRepeatedPlaceholdersEverywhere) {
  const Catalogue catalogue = ParseOrDie(kGreetingCatalogue);
  EXPECT_EQ(catalogue.Render("zh-CN", "echo", {{"word", "加油"}}), "加油、加油、加油");
  EXPECT_EQ(catalogue.Render("en", "echo", {{"word", "a"}, {"other", "b"}}), "a a and b");
  // Values of different length than the placeholder must not shift later replacements.
  EXPECT_EQ(catalogue.Render("en", "echo", {{"word", "longer-than-placeholder"}, {"other", ""}}),
            "longer-than-placeholder longer-than-placeholder and ");
}

TEST(CatalogueRenderTest, ValuesAreNotReinterpretedAsPlaceholders) {
  const Catalogue catalogue = ParseOrDie(kGreetingCatalogue);
  // A user-supplied value containing braces is inserted verbatim, once, and never expanded.
  EXPECT_EQ(catalogue.Render("en", "greet", {{"name", "{name}"}}), "Hello, {name}!");
  EXPECT_EQ(catalogue.Render("en", "echo", {{"word", "{other}"}, {"other", "x"}}),
            "{other} {other} and x");
}

TEST(CatalogueRenderTest, MissingArgumentLeavesPlaceholderVisible) {
  const Catalogue catalogue = ParseOrDie(kGreetingCatalogue);
  EXPECT_EQ(catalogue.Render("en", "greet"), "Hello, {name}!");
  EXPECT_EQ(catalogue.Render("en", "plain", {{"unused", "x"}}), "Good");
}

TEST(CatalogueRenderTest, UnknownIdRendersAsTheId) {
  const Catalogue catalogue = ParseOrDie(kGreetingCatalogue);
  EXPECT_EQ(catalogue.Render("en", "no.such.message"), "no.such.message");
  EXPECT_EQ(catalogue.Render("zh-CN", "no.such.message"), "no.such.message");
  EXPECT_EQ(Catalogue::Builtin().Render("en", "no.such.message"), "no.such.message");
  EXPECT_EQ(Catalogue().Render("en", "greet"), "greet");
  EXPECT_FALSE(catalogue.Has("no.such.message"));
  EXPECT_TRUE(catalogue.Has("greet"));
}

TEST(CatalogueRenderTest, UnknownLocaleFallsBackToChinese) {
  const Catalogue catalogue = ParseOrDie(kGreetingCatalogue);
  EXPECT_EQ(catalogue.Render("fr", "greet", {{"name", "Li"}}), "你好，Li！");
  EXPECT_EQ(catalogue.Render("", "plain"), "好");
  EXPECT_EQ(catalogue.Render("en-US", "plain"), "好");
  EXPECT_EQ(Catalogue::Builtin().Render("fr", "app.name"),
            Catalogue::Builtin().Render("zh-CN", "app.name"));
}

TEST(CatalogueMessagesTest, ServesOneLocale) {
  const Catalogue catalogue = ParseOrDie(kGreetingCatalogue);
  const auto& english = catalogue.Messages("en");
  ASSERT_EQ(english.size(), 3u);
  EXPECT_EQ(english.at("greet"), "Hello, {name}!");
  EXPECT_TRUE(catalogue.Messages("fr").empty());
}

TEST(CatalogueParseTest, RejectsNonObjectInput) {
  ExpectParseRejected("[]");
  ExpectParseRejected(R"(["greet"])");
  ExpectParseRejected(R"("greet")");
  ExpectParseRejected("42");
  ExpectParseRejected("null");
  ExpectParseRejected("");
  ExpectParseRejected("{not json");
  ExpectParseRejected(R"({"greet": {"en": "Hi"})");  // unterminated
}

TEST(CatalogueParseTest, RejectsEntriesThatAreNotLocaleToTextObjects) {
  ExpectParseRejected(R"({"greet": "Hello"})");
  ExpectParseRejected(R"({"greet": ["Hello"]})");
  ExpectParseRejected(R"({"greet": {"en": 3}})");
  ExpectParseRejected(R"({"greet": {"en": null}})");
}

TEST(CatalogueParseTest, EmptyObjectIsAnEmptyCompleteCatalogue) {
  const Catalogue catalogue = ParseOrDie("{}");
  EXPECT_TRUE(catalogue.Incomplete().empty());
  EXPECT_TRUE(catalogue.Messages("zh-CN").empty());
}

TEST(CatalogueIncompleteTest, ReportsMissingLocalePerId) {
  const Catalogue catalogue = ParseOrDie(R"({
    "only.zh": {"zh-CN": "仅中文"},
    "only.en": {"en": "English only"},
    "both": {"zh-CN": "都有", "en": "Both"}
  })");
  EXPECT_EQ(catalogue.Incomplete(), (std::vector<std::string>{"en:only.zh", "zh-CN:only.en"}));
}

}  // namespace
}  // namespace lifeline
