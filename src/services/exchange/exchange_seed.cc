// The demo's exchange: synthetic offers and needs written through ExchangeService::Import and one
// proposal (see exchange_seed.h). Every organisation here is fictional ("示例" marks it as an
// example); households are the scenario's synthetic residents.

#include "services/exchange/exchange_seed.h"

#include <array>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "core/actor.h"
#include "engines/scenario/people.h"
#include "engines/scenario/random.h"
#include "engines/triage/triage.h"
#include "services/exchange/exchange_service.h"

namespace lifeline {
namespace {

using scenario::Random;

// Independent random streams, keyed to each record's index (or case id) under the seed.
constexpr std::uint64_t kHouseholdOfferStream = 0xE5C0'0001;
constexpr std::uint64_t kOrganisationOfferStream = 0xE5C0'0002;
constexpr std::uint64_t kCaseNeedStream = 0xE5C0'0003;
constexpr std::uint64_t kHospitalNeedStream = 0xE5C0'0004;

constexpr int kAdultAge = 18;  // households offer through an adult member
constexpr int kResidentDraws = 8;
// UTF-8 lead bytes at or above these start a sequence of four, three or two bytes.
constexpr unsigned char kUtf8FourByteLead = 0xF0;
constexpr unsigned char kUtf8ThreeByteLead = 0xE0;
constexpr unsigned char kUtf8TwoByteLead = 0xC0;
constexpr int kCaseOximeterPerMille = 600;
constexpr int kCaseMedicinePerMille = 300;
constexpr int kCaseMedicineMaxBoxes = 3;
constexpr UnixMillis kCaseNeedWithin = kMillisPerDay;

// What a household or an organisation offers, with how many and how often it is lent.
struct OfferProfile {
  std::string_view kind;
  int weight;
  int min_quantity;
  int max_quantity;
  int lend_per_mille;
};
// Households offer what a family has spare: a concentrator (usually lent), an oximeter, boxes
// from the medicine cabinet, a few masks.
constexpr std::array<OfferProfile, 4> kHouseholdOffers = {{
    {"concentrator", 45, 1, 1, 850},
    {"oximeter", 30, 1, 2, 400},
    {"medicine", 22, 1, 5, 0},
    {"other", 3, 5, 20, 0},
}};
// Organisations give in bulk; the few donated ventilators come from them.
constexpr std::array<OfferProfile, 5> kOrganisationOffers = {{
    {"concentrator", 20, 2, 8, 700},
    {"oximeter", 25, 10, 50, 0},
    {"medicine", 35, 20, 100, 0},
    {"ventilator", 5, 1, 2, 600},
    {"other", 15, 50, 300, 0},
}};

// What a hospital ward asks for, and how many.
struct NeedProfile {
  std::string_view kind;
  int weight;
  int min_quantity;
  int max_quantity;
};
constexpr std::array<NeedProfile, 5> kHospitalNeeds = {{
    {"concentrator", 25, 2, 10},
    {"oximeter", 20, 10, 50},
    {"medicine", 30, 20, 200},
    {"ventilator", 5, 1, 5},
    {"other", 20, 50, 500},
}};

struct Weighted {
  std::string_view name;
  int weight;
};
struct WeightedFlow {
  std::int64_t flow_lpm;
  int weight;
};
// Small home machines are the common ones; hospitals ask for the stronger ones.
constexpr std::array<WeightedFlow, 3> kHouseholdFlows = {{{3, 35}, {5, 50}, {10, 15}}};
constexpr std::array<WeightedFlow, 2> kOrganisationFlows = {{{5, 60}, {10, 40}}};
constexpr std::array<WeightedFlow, 2> kHospitalFlows = {{{5, 50}, {10, 50}}};
constexpr std::array<Weighted, 3> kVentilatorTypesOffered = {
    {{"invasive", 15}, {"non_invasive", 50}, {"high_flow", 35}}};
constexpr std::array<Weighted, 3> kHouseholdConditions = {
    {{"new", 15}, {"good", 60}, {"fair", 25}}};
constexpr std::array<Weighted, 2> kOrganisationConditions = {{{"new", 70}, {"good", 30}}};

// Common medicines of the outbreak's home care and of chronic illness refills during the
// lockdown, with a strength; offered boxes expire between `min_shelf_days` and `max_shelf_days`
// after the seeding.
struct SeedMedicine {
  std::string_view name;
  std::string_view strength;
  int offer_weight;
  int need_weight;
  int min_shelf_days;
  int max_shelf_days;
};
constexpr std::array<SeedMedicine, 12> kMedicines = {{
    {"对乙酰氨基酚片", "500 mg", 14, 10, 60, 720},
    {"布洛芬缓释胶囊", "300 mg", 12, 10, 60, 720},
    {"连花清瘟胶囊", "0.35 g", 14, 14, 30, 540},
    {"盐酸阿比多尔片", "0.1 g", 4, 10, 90, 720},
    {"磷酸奥司他韦胶囊", "75 mg", 5, 6, 90, 720},
    {"阿莫西林胶囊", "0.25 g", 8, 4, 60, 720},
    {"盐酸氨溴索片", "30 mg", 6, 8, 60, 540},
    {"硝苯地平控释片", "30 mg", 6, 8, 90, 720},
    {"盐酸二甲双胍片", "0.5 g", 6, 8, 90, 720},
    {"阿托伐他汀钙片", "20 mg", 5, 5, 90, 720},
    {"苯磺酸氨氯地平片", "5 mg", 6, 7, 90, 720},
    {"甘精胰岛素注射液", "300 U/3 mL", 2, 6, 30, 360},
}};

// Other items; offers and needs use the same descriptions, so they match.
constexpr std::array<Weighted, 4> kOtherItemsOffered = {
    {{"N95 口罩", 45}, {"医用防护服", 20}, {"护目镜", 15}, {"一次性鼻氧管", 20}}};
constexpr std::array<Weighted, 4> kOtherItemsNeeded = {
    {{"N95 口罩", 40}, {"医用防护服", 35}, {"护目镜", 15}, {"一次性鼻氧管", 10}}};

// Fictional organisations; each offer names the district branch it comes from.
constexpr std::array<std::string_view, 8> kOrganisations = {
    "示例甲大药房", "示例乙社区志愿服务站", "示例丙医疗器械公司", "示例丁车友会",
    "示例戊校友会", "示例己商会",           "示例庚科技公司工会", "示例辛爱心驿站"};

struct Urgency {
  std::string_view name;
  int weight;
  UnixMillis within;
};
constexpr std::array<Urgency, 3> kUrgencies = {{
    {"immediate", 25, kMillisPerDay},
    {"urgent", 45, 3 * kMillisPerDay},
    {"routine", 30, 7 * kMillisPerDay},
}};

template <typename Entry, std::size_t kCount>
const Entry& Draw(Random& random, const std::array<Entry, kCount>& entries,
                  int Entry::*weight = &Entry::weight) {
  std::array<int, kCount> weights{};
  for (std::size_t index = 0; index < kCount; ++index) weights[index] = entries[index].*weight;
  return entries[random.Weighted<int>(weights)];
}

// A YYYY-MM-DD date in Wuhan's time, `days` after `now`.
std::string DateAfter(UnixMillis now, int days, int utc_offset_minutes) {
  constexpr std::size_t kIsoDateLength = 10;
  return FormatIso8601(now + days * kMillisPerDay + utc_offset_minutes * kMillisPerMinute)
      .substr(0, kIsoDateLength);
}

// The item of a drawn kind: its spec from the tables. `offer` items carry an expiry date.
ItemSpec DrawItem(Random& random, std::string_view kind, std::span<const WeightedFlow> flows,
                  std::span<const Weighted> ventilator_types, bool offer, UnixMillis now) {
  ItemSpec item;
  item.kind = std::string(kind);
  if (kind == "concentrator") {
    std::vector<int> weights;
    for (const WeightedFlow& flow : flows) weights.push_back(flow.weight);
    item.flow_lpm = flows[random.Weighted<int>(weights)].flow_lpm;
  } else if (kind == "ventilator") {
    std::vector<int> weights;
    for (const Weighted& type : ventilator_types) weights.push_back(type.weight);
    item.ventilator_type = std::string(ventilator_types[random.Weighted<int>(weights)].name);
  } else if (kind == "medicine") {
    const SeedMedicine& medicine =
        Draw(random, kMedicines, offer ? &SeedMedicine::offer_weight : &SeedMedicine::need_weight);
    item.medicine_name = std::string(medicine.name);
    item.strength = std::string(medicine.strength);
    if (offer) {
      item.expiry_date =
          DateAfter(now, random.Between(medicine.min_shelf_days, medicine.max_shelf_days),
                    ExchangeOptions{}.local_utc_offset_minutes);
    }
  } else if (kind == "other") {
    item.description = std::string(offer ? Draw(random, kOtherItemsOffered).name
                                         : Draw(random, kOtherItemsNeeded).name);
  }
  return item;
}

// "王女士": how a household signs a public offer, from the first character of the name.
std::string SignedName(const scenario::Resident& resident) {
  const auto lead = static_cast<unsigned char>(resident.display_name.front());
  std::size_t length = 1;
  if (lead >= kUtf8FourByteLead) {
    length = 4;
  } else if (lead >= kUtf8ThreeByteLead) {
    length = 3;
  } else if (lead >= kUtf8TwoByteLead) {
    length = 2;
  }
  return resident.display_name.substr(0, length) +
         (resident.sex == scenario::Sex::kFemale ? "女士" : "先生");
}

const scenario::Resident& DrawAdult(Random& random, std::span<const scenario::Resident> residents) {
  const scenario::Resident* chosen = &residents[random.Below(residents.size())];
  for (int draw = 1; draw < kResidentDraws; ++draw) {
    if (scenario::kScenarioYear - chosen->birth_year >= kAdultAge) break;
    chosen = &residents[random.Below(residents.size())];
  }
  return *chosen;
}

NewOffer HouseholdOffer(Random& random, const scenario::Resident& resident, UnixMillis now) {
  const OfferProfile& profile = Draw(random, kHouseholdOffers);
  NewOffer offer;
  offer.offerer_kind = "person";
  offer.offerer_name = SignedName(resident);
  offer.contact_phone = resident.phone;
  offer.location = resident.location;
  offer.district_code = resident.district_code;
  offer.address = scenario::DrawStreet(random, resident.district_code);
  offer.item = DrawItem(random, profile.kind, kHouseholdFlows, kVentilatorTypesOffered, true, now);
  offer.quantity = random.Between(profile.min_quantity, profile.max_quantity);
  offer.mode = random.ChancePerMille(profile.lend_per_mille) ? "lend" : "give";
  offer.condition =
      offer.item.kind == "medicine" ? "new" : std::string(Draw(random, kHouseholdConditions).name);
  return offer;
}

NewOffer OrganisationOffer(Random& random, std::span<const scenario::District> districts,
                           scenario::PhoneBook& phones, UnixMillis now) {
  std::vector<std::int64_t> populations;
  for (const scenario::District& district : districts) populations.push_back(district.population);
  const scenario::District& district = districts[random.Weighted<std::int64_t>(populations)];
  const OfferProfile& profile = Draw(random, kOrganisationOffers);
  NewOffer offer;
  offer.offerer_kind = "organisation";
  offer.offerer_name =
      std::string(random.Pick<std::string_view>(kOrganisations)) + "（" + district.name_zh + "）";
  offer.contact_phone = phones.Draw(random);
  offer.location = scenario::DrawLocation(random, district);
  offer.district_code = district.code;
  offer.address = scenario::DrawStreet(random, district.code);
  offer.item =
      DrawItem(random, profile.kind, kOrganisationFlows, kVentilatorTypesOffered, true, now);
  offer.quantity = random.Between(profile.min_quantity, profile.max_quantity);
  offer.mode = random.ChancePerMille(profile.lend_per_mille) ? "lend" : "give";
  offer.condition = std::string(Draw(random, kOrganisationConditions).name);
  return offer;
}

struct StoredCase {
  std::int64_t id = 0;
  std::string nhc_severity;
  std::string who_severity;
  std::uint32_t needs = 0;
};

bool IsGrave(const std::string& severity) { return severity == "severe" || severity == "critical"; }

// A case's needs at home: a concentrator sized by its severity when it is grave or needs
// oxygen, an oximeter (always when there is no concentrator), sometimes a medicine.
std::vector<NewNeed> CaseNeeds(std::uint64_t seed, const StoredCase& stored, UnixMillis now) {
  Random random(scenario::StreamSeed(seed, kCaseNeedStream, static_cast<std::uint64_t>(stored.id)));
  std::vector<NewNeed> needs;
  NewNeed base;
  base.source = "case";
  base.case_id = stored.id;
  base.needed_by = now + kCaseNeedWithin;
  const bool critical = stored.nhc_severity == "critical" || stored.who_severity == "critical";
  const bool grave = IsGrave(stored.nhc_severity) || IsGrave(stored.who_severity);
  if (grave || (stored.needs & triage::kNeedOxygen) != 0) {
    NewNeed need = base;
    need.item.kind = "concentrator";
    need.item.flow_lpm = critical ? 10 : (grave ? 5 : 3);
    need.quantity = 1;
    needs.push_back(std::move(need));
  }
  if (needs.empty() || random.ChancePerMille(kCaseOximeterPerMille)) {
    NewNeed need = base;
    need.item.kind = "oximeter";
    need.quantity = 1;
    needs.push_back(std::move(need));
  }
  if (random.ChancePerMille(kCaseMedicinePerMille)) {
    NewNeed need = base;
    need.item = DrawItem(random, "medicine", {}, {}, false, now);
    need.quantity = random.Between(1, kCaseMedicineMaxBoxes);
    needs.push_back(std::move(need));
  }
  return needs;
}

struct StoredHospital {
  std::int64_t id = 0;
  std::string kind;  // "designated", "shelter", "general"
  std::int64_t beds = 0;
};

// Designated hospitals treat the gravest patients; shelter hospitals keep high-flow oxygen for
// those waiting for a transfer.
std::vector<Weighted> VentilatorTypesFor(const StoredHospital& hospital) {
  if (hospital.kind == "designated") return {{"invasive", 50}, {"non_invasive", 50}};
  if (hospital.kind == "shelter") return {{"high_flow", 1}};
  return {{"non_invasive", 50}, {"high_flow", 50}};
}

NewNeed HospitalNeed(Random& random, std::span<const StoredHospital> hospitals,
                     std::span<const std::int64_t> beds, UnixMillis now) {
  const StoredHospital& hospital = hospitals[random.Weighted<std::int64_t>(beds)];
  const NeedProfile& profile = Draw(random, kHospitalNeeds);
  const Urgency& urgency = Draw(random, kUrgencies);
  NewNeed need;
  need.source = "hospital";
  need.hospital_id = hospital.id;
  need.urgency = std::string(urgency.name);
  need.item =
      DrawItem(random, profile.kind, kHospitalFlows, VentilatorTypesFor(hospital), false, now);
  need.quantity = random.Between(profile.min_quantity, profile.max_quantity);
  need.needed_by = now + urgency.within;
  return need;
}

Result<std::vector<StoredCase>> GraveOpenCases(Database& database) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   database.Query("SELECT id, nhc_severity, who_severity, needs FROM clinic_cases "
                                  "WHERE status = 'open' ORDER BY id"));
  std::vector<StoredCase> cases;
  for (const Row& row : found.rows) {
    StoredCase stored{row.Int(0), row.Text(1), row.Text(2), static_cast<std::uint32_t>(row.Int(3))};
    if (IsGrave(stored.nhc_severity) || IsGrave(stored.who_severity) ||
        (stored.needs & triage::kNeedBed) != 0) {
      cases.push_back(std::move(stored));
    }
  }
  return cases;
}

Result<std::vector<StoredHospital>> Hospitals(Database& database) {
  ASSIGN_OR_RETURN(
      const QueryResult found,
      database.Query("SELECT id, kind, beds FROM hospitals WHERE beds > 0 ORDER BY id"));
  std::vector<StoredHospital> hospitals;
  for (const Row& row : found.rows) hospitals.push_back({row.Int(0), row.Text(1), row.Int(2)});
  return hospitals;
}

}  // namespace

Result<ExchangeSeedReport> SeedExchange(Database& database, const std::string& sealing_key,
                                        const ExchangeSeedOptions& options) {
  const UnixMillis now = options.now != 0 ? options.now : NowMillis();
  ExchangeOptions exchange_options;
  exchange_options.clock = [now] { return now; };
  ExchangeService exchange(database, sealing_key, exchange_options);
  ExchangeSeedReport report;
  ASSIGN_OR_RETURN(const bool empty, exchange.IsEmpty());
  if (!empty) {
    report.skipped = true;
    return report;
  }

  const scenario::Scenario city = scenario::GenerateScenario(
      {.seed = options.seed, .residents = options.residents, .volunteers = options.volunteers});
  ExchangeImport batch;
  if (!city.residents.empty()) {
    for (int index = 0; index < options.household_offers; ++index) {
      Random random(scenario::StreamSeed(options.seed, kHouseholdOfferStream,
                                         static_cast<std::uint64_t>(index)));
      batch.offers.push_back(HouseholdOffer(random, DrawAdult(random, city.residents), now));
    }
  }
  scenario::PhoneBook organisation_phones;
  for (int index = 0; index < options.organisation_offers; ++index) {
    Random random(scenario::StreamSeed(options.seed, kOrganisationOfferStream,
                                       static_cast<std::uint64_t>(index)));
    batch.offers.push_back(OrganisationOffer(random, city.districts, organisation_phones, now));
  }

  ASSIGN_OR_RETURN(const std::vector<StoredCase> cases, GraveOpenCases(database));
  for (const StoredCase& stored : cases) {
    for (NewNeed& need : CaseNeeds(options.seed, stored, now))
      batch.needs.push_back(std::move(need));
  }
  report.case_needs = static_cast<std::int64_t>(batch.needs.size());
  ASSIGN_OR_RETURN(const std::vector<StoredHospital> hospitals, Hospitals(database));
  if (!hospitals.empty()) {
    std::vector<std::int64_t> beds;
    for (const StoredHospital& hospital : hospitals) beds.push_back(hospital.beds);
    for (int index = 0; index < options.hospital_needs; ++index) {
      Random random(scenario::StreamSeed(options.seed, kHospitalNeedStream,
                                         static_cast<std::uint64_t>(index)));
      batch.needs.push_back(HospitalNeed(random, hospitals, beds, now));
    }
  }
  report.hospital_needs = static_cast<std::int64_t>(batch.needs.size()) - report.case_needs;
  for (const NewOffer& offer : batch.offers) {
    (offer.offerer_kind == "person" ? report.household_offers : report.organisation_offers) += 1;
    report.offered_quantity += offer.quantity;
  }
  for (const NewNeed& need : batch.needs) report.needed_quantity += need.quantity;

  const Actor actor = Actor::CommandLine();
  RETURN_IF_ERROR(exchange.Import(actor, batch).status());
  ASSIGN_OR_RETURN(const Proposal proposal, exchange.Propose(actor, {}));
  report.proposal_id = proposal.id;
  report.proposed_matches = static_cast<std::int64_t>(proposal.matches.size());
  report.unmet_quantity = proposal.unmet_quantity;
  return report;
}

}  // namespace lifeline
