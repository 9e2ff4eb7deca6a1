#pragma once

#include <string>
#include <string_view>
#include <unordered_set>

#include "engines/scenario/random.h"
#include "engines/scenario/scenario.h"

namespace lifeline::scenario {

// Building blocks for synthetic people: names, phone numbers, affiliations. Every draw comes
// from the caller's Random, so the caller decides which stream a person is keyed to.

// A common Chinese surname, drawn with its approximate national frequency.
std::string_view DrawSurname(Random& random);

// A full name, surname first: the surname and a one- or two-character given name whose
// characters lean towards those commonly given to `sex`.
std::string DrawFullName(Random& random, std::string_view surname, Sex sex);

// Hands out synthetic mainland mobile numbers (11 digits, prefixes 13x, 15x, 18x), never the
// same one twice. Not thread-safe; one per scenario.
class PhoneBook {
 public:
  std::string Draw(Random& random);

 private:
  std::unordered_set<std::string> issued_;
};

// A uniform point in the district's core disc (ScatterRadiusMeters), rounded as homes are.
LatLon DrawLocation(Random& random, const District& district);

// A synthetic address on a real road of the district: road, number, compound, building, unit.
// An unknown code gets a road of the first district.
std::string DrawStreet(Random& random, const std::string& district_code);

// The Chinese name of a Wuhan teaching hospital a volunteer doctor or nurse works at. The
// institutions are public; the affiliation of any synthetic volunteer is invented.
std::string_view DrawVolunteerHospital(Random& random);

}  // namespace lifeline::scenario
