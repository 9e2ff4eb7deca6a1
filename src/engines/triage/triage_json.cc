#include "engines/triage/triage_json.h"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

namespace lifeline::triage {
namespace {

// How a key's value is read.
enum class Kind : std::uint8_t {
  kNumber,         // number or null, within [min, max]
  kBool,           // true, false or null
  kFlag,           // true, false or null (null is false): a switch, not an observation
  kConsciousness,  // "A", "C", "V", "P", "U" or null
  kSymptoms,       // arrays of strings, or null
  kComorbidities,
  kNeeds,
};

struct KeySpec {
  std::string_view name;
  Kind kind;
  std::optional<double> Observation::*number = nullptr;
  std::optional<bool> Observation::*boolean = nullptr;
  bool Observation::*flag = nullptr;
  double min = 0;
  double max = 0;
};

constexpr KeySpec Number(std::string_view name, std::optional<double> Observation::*member,
                         double min, double max) {
  return {name, Kind::kNumber, member, nullptr, nullptr, min, max};
}
constexpr KeySpec Boolean(std::string_view name, std::optional<bool> Observation::*member) {
  return {name, Kind::kBool, nullptr, member, nullptr};
}
constexpr KeySpec Flag(std::string_view name, bool Observation::*member) {
  return {name, Kind::kFlag, nullptr, nullptr, member};
}
constexpr KeySpec Other(std::string_view name, Kind kind) { return {name, kind}; }

// Accepted ranges are what a monitor or a form can plausibly report; they catch typos and unit
// mix-ups (SpO2 as a fraction, temperature in Fahrenheit), not clinical extremes.
constexpr std::array<KeySpec, 26> kKeys = {
    Number("age_years", &Observation::age_years, 0, 130),
    Number("age_months", &Observation::age_months, 0, 130 * 12),
    Number("resp_rate", &Observation::resp_rate, 0, 150),
    Number("spo2", &Observation::spo2, 0, 100),
    Boolean("on_oxygen", &Observation::on_oxygen),
    Number("pao2_fio2", &Observation::pao2_fio2, 0, 800),
    Number("systolic_bp", &Observation::systolic_bp, 0, 300),
    Number("heart_rate", &Observation::heart_rate, 0, 300),
    Number("temperature_c", &Observation::temperature_c, 25, 45),
    Other("consciousness", Kind::kConsciousness),
    Boolean("pneumonia_on_imaging", &Observation::pneumonia_on_imaging),
    Number("lesion_progression_48h_pct", &Observation::lesion_progression_48h_pct, -100, 1000),
    Boolean("mechanical_ventilation", &Observation::mechanical_ventilation),
    Boolean("shock", &Observation::shock),
    Boolean("organ_failure_icu", &Observation::organ_failure_icu),
    Boolean("ards", &Observation::ards),
    Boolean("sepsis", &Observation::sepsis),
    Number("fever_days", &Observation::fever_days, 0, 365),
    Boolean("laboured_breathing", &Observation::laboured_breathing),
    Boolean("drowsiness_or_convulsions", &Observation::drowsiness_or_convulsions),
    Boolean("feeding_difficulty_dehydration", &Observation::feeding_difficulty_dehydration),
    Flag("hypercapnic_target", &Observation::hypercapnic_target),
    Flag("awaiting_bed", &Observation::awaiting_bed),
    Other("symptoms", Kind::kSymptoms),
    Other("comorbidities", Kind::kComorbidities),
    Other("needs", Kind::kNeeds),
};
static_assert(kKeys.size() <= 32, "ObservationReader tracks seen keys in 32 bits");
constexpr int kUnknownKey = -1;
// Ages given both ways must agree to within a year (a child's months may add to whole years).
constexpr double kAgeAgreementYears = 1;
// Comorbidities accepted without being a risk factor.
constexpr std::string_view kNoRiskComorbidities[] = {"other", "none"};

std::string FormatNumber(double value) {
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc() ? std::string(buffer, end) : std::string("?");
}

// nlohmann's SAX interface: the line streams through without building a document. Each
// callback returns false to stop at the first error, which `status` then explains.
class ObservationReader {
 public:
  using Json = nlohmann::json;

  Observation observation;
  Status status;

  bool null() {
    if (skipping()) return true;
    if (depth_ != 1) return ElementError();
    if (current_ >= 0 && kKeys[current_].kind == Kind::kFlag) *FlagSlot() = false;
    return true;  // every other key: null is missing, which it already is
  }
  bool boolean(bool value) {
    if (skipping()) return true;
    if (depth_ != 1) return ElementError();
    if (current_ == kUnknownKey) return true;
    const KeySpec& spec = kKeys[current_];
    if (spec.kind == Kind::kBool) {
      observation.*spec.boolean = value;
      return true;
    }
    if (spec.kind == Kind::kFlag) {
      *FlagSlot() = value;
      return true;
    }
    return TypeError();
  }
  bool number_integer(Json::number_integer_t value) { return OnNumber(static_cast<double>(value)); }
  bool number_unsigned(Json::number_unsigned_t value) {
    return OnNumber(static_cast<double>(value));
  }
  bool number_float(Json::number_float_t value, const Json::string_t&) { return OnNumber(value); }
  bool binary(Json::binary_t&) { return skipping() || TypeError(); }

  bool string(Json::string_t& value) {
    if (skipping()) return true;
    if (depth_ == 0) return NotObject();
    if (depth_ == 2) return OnElement(value);
    if (current_ == kUnknownKey) return true;
    if (kKeys[current_].kind != Kind::kConsciousness) return TypeError();
    const std::optional<Consciousness> level = ParseConsciousness(value);
    if (!level) return Fail("triage.error.consciousness", {{"value", value}});
    observation.consciousness = level;
    return true;
  }

  bool start_object(std::size_t) {
    if (depth_ == 0) {
      depth_ = 1;
      return true;
    }
    return Open();
  }
  bool end_object() {
    if (skip_depth_ > 0) {
      --skip_depth_;
    } else {
      depth_ = 0;
    }
    return true;
  }
  bool start_array(std::size_t) {
    if (depth_ == 0) return NotObject();
    if (skipping() || depth_ != 1 || current_ == kUnknownKey) return Open();
    const Kind kind = kKeys[current_].kind;
    if (kind != Kind::kSymptoms && kind != Kind::kComorbidities && kind != Kind::kNeeds) {
      return TypeError();
    }
    depth_ = 2;
    return true;
  }
  bool end_array() {
    if (skip_depth_ > 0) {
      --skip_depth_;
    } else {
      depth_ = 1;
    }
    return true;
  }

  bool key(Json::string_t& name) {
    if (skipping()) return true;
    current_ = kUnknownKey;
    for (std::size_t key_idx = 0; key_idx < kKeys.size(); ++key_idx) {
      if (kKeys[key_idx].name != name) continue;
      const std::uint32_t bit = 1u << key_idx;
      if ((seen_ & bit) != 0) return Fail("triage.error.duplicate_key", {{"field", name}});
      seen_ |= bit;
      current_ = static_cast<int>(key_idx);
      break;
    }
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) {
    return Fail("triage.error.malformed", {{"position", std::to_string(position)}});
  }

 private:
  bool skipping() const { return skip_depth_ > 0; }
  bool* FlagSlot() { return &(observation.*kKeys[current_].flag); }
  std::string FieldName() const {
    return current_ == kUnknownKey ? std::string() : std::string(kKeys[current_].name);
  }

  bool Fail(std::string id, MessageArgs args) {
    status = Status::InvalidArgument(std::move(id), std::move(args), FieldName());
    return false;
  }
  bool NotObject() { return Fail("triage.error.not_object", {}); }
  bool TypeError() {
    switch (kKeys[current_].kind) {
      case Kind::kNumber:
        return Fail("triage.error.expected_number", {{"field", FieldName()}});
      case Kind::kBool:
      case Kind::kFlag:
        return Fail("triage.error.expected_bool", {{"field", FieldName()}});
      case Kind::kConsciousness:
        return Fail("triage.error.consciousness", {{"value", "?"}});
      default:
        return Fail("triage.error.expected_strings", {{"field", FieldName()}});
    }
  }
  // Inside an array only strings belong.
  bool ElementError() {
    if (depth_ == 0) return NotObject();
    return Fail("triage.error.expected_strings", {{"field", FieldName()}});
  }

  // An object or array where a scalar belongs, or anything under a key we do not read.
  bool Open() {
    if (skipping() || (depth_ == 1 && current_ == kUnknownKey)) {
      ++skip_depth_;
      return true;
    }
    return depth_ == 2 ? ElementError() : TypeError();
  }

  bool OnNumber(double value) {
    if (skipping()) return true;
    if (depth_ != 1) return ElementError();
    if (current_ == kUnknownKey) return true;
    const KeySpec& spec = kKeys[current_];
    if (spec.kind != Kind::kNumber) return TypeError();
    if (!(value >= spec.min && value <= spec.max)) {
      return Fail("triage.error.out_of_range", {{"field", FieldName()},
                                                {"value", FormatNumber(value)},
                                                {"min", FormatNumber(spec.min)},
                                                {"max", FormatNumber(spec.max)}});
    }
    observation.*spec.number = value;
    return true;
  }

  bool OnElement(const std::string& text) {
    switch (kKeys[current_].kind) {
      case Kind::kSymptoms:
        observation.red_flags |= MatchRedFlags(text);
        return true;
      case Kind::kComorbidities: {
        if (const std::optional<RiskFactor> risk = ParseRiskFactor(text)) {
          observation.risk_factors |= *risk;
          return true;
        }
        for (const std::string_view accepted : kNoRiskComorbidities) {
          if (text == accepted) return true;
        }
        return Fail("triage.error.comorbidity", {{"value", text}});
      }
      case Kind::kNeeds:
        if (const std::optional<Need> need = ParseNeed(text)) {
          observation.needs |= *need;
          return true;
        }
        return Fail("triage.error.need", {{"value", text}});
      default:
        return ElementError();
    }
  }

  int depth_ = 0;       // 1 inside the line's object, 2 inside one of its string arrays
  int skip_depth_ = 0;  // containers open under an unknown key
  int current_ = kUnknownKey;
  std::uint32_t seen_ = 0;  // keys already given, by kKeys index
};

void AppendQuoted(std::string_view code, std::string& out) {
  out += '"';
  out += code;  // codes and names are plain ASCII identifiers: nothing to escape
  out += '"';
}

template <typename Bits, typename CodeFunction>
void AppendCodes(Bits bits, CodeFunction code_of, std::string& out) {
  out += '[';
  bool first = true;
  while (bits != 0) {
    const int bit = std::countr_zero(bits);
    bits &= bits - 1;
    if (!first) out += ',';
    first = false;
    AppendQuoted(code_of(bit), out);
  }
  out += ']';
}

void AppendInt(std::int64_t value, std::string& out) {
  char buffer[24];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

}  // namespace

Result<Observation> ParseObservationJson(std::string_view line) {
  ObservationReader reader;
  const bool parsed = nlohmann::json::sax_parse(line.data(), line.data() + line.size(), &reader);
  if (!parsed) {
    if (reader.status.ok())
      return Status::InvalidArgument("triage.error.malformed", {{"position", "?"}});
    return reader.status;
  }
  const Observation& observation = reader.observation;
  if (observation.age_years && observation.age_months &&
      std::abs(*observation.age_years - *observation.age_months / 12) >= kAgeAgreementYears) {
    return Status::InvalidArgument("triage.error.age_mismatch",
                                   {{"age_years", FormatNumber(*observation.age_years)},
                                    {"age_months", FormatNumber(*observation.age_months)}},
                                   "age_months");
  }
  return reader.observation;
}

void AppendResultJson(const TriageResult& result, const OutputOptions& options, std::string& out) {
  out += "{\"nhc_severity\":";
  AppendQuoted(SeverityName(result.nhc_severity), out);
  out += ",\"who_severity\":";
  AppendQuoted(SeverityName(result.who_severity), out);
  out += ",\"news2\":";
  if (result.news2) {
    AppendInt(*result.news2, out);
  } else {
    out += "null";
  }
  out += ",\"news2_band\":";
  if (result.news2_band) {
    AppendQuoted(News2BandName(*result.news2_band), out);
  } else {
    out += "null";
  }
  out += ",\"tier\":";
  AppendQuoted(TierName(result.tier), out);
  out += ",\"priority\":";
  AppendInt(result.priority, out);
  out += ",\"reasons\":";
  AppendCodes(result.reasons, ReasonCode, out);
  out += ",\"missing\":";
  AppendCodes(result.missing, MissingField, out);
  if (options.with_actions) {
    out += ",\"actions\":";
    AppendCodes(result.actions, ActionCode, out);
  }
  out += '}';
}

void AppendErrorJson(std::int64_t line_number, std::string_view message, std::string& out) {
  out += "{\"line\":";
  AppendInt(line_number, out);
  out += ",\"error\":";
  out += nlohmann::json(std::string(message))
             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out += '}';
}

}  // namespace lifeline::triage
