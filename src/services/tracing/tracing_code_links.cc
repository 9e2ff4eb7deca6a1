// A person's private code link: a random token the tracers hand to the person, which shows them
// their own health code (and a venue at the gate only its colour) without an account.

#include <utility>

#include "core/crypto.h"
#include "services/tracing/tracing_internal.h"
#include "services/tracing/tracing_service.h"

namespace lifeline {

using namespace tracing_internal;  // the helpers of tracing_internal.h

namespace {

// 256 random bits from libsodium, hex: url-safe as it is, and as hard to guess as a session.
constexpr std::size_t kTokenBytes = 32;
// Domain separation: the deployment key also hashes phones.
constexpr std::string_view kTokenHashPurpose = "tracing-code-link:";

std::string TokenKey(const std::string& key, std::string_view token) {
  std::string data(kTokenHashPurpose);
  data.append(token.data(), token.size());
  return KeyedHashHex(key, data);
}

bool IsWellFormedToken(const std::string& token) {
  return token.size() == 2 * kTokenBytes &&
         token.find_first_not_of("0123456789abcdef") == std::string::npos;
}

Status UnknownLink() { return Status(ErrorCode::kNotFound, "error.tracing.code_link_unknown"); }

// The first character of `name`, then one '*' for each further character (UTF-8 aware, so a
// Chinese name keeps its surname: "张三丰" is "张**").
std::string MaskName(const std::string& name) {
  std::string masked;
  bool first = true;
  for (std::size_t index = 0; index < name.size();) {
    std::size_t length = 1;
    while (index + length < name.size() &&
           (static_cast<unsigned char>(name[index + length]) & 0xC0) == 0x80) {
      ++length;
    }
    if (first) {
      masked.append(name, index, length);
      first = false;
    } else {
      masked.push_back('*');
    }
    index += length;
  }
  return masked;
}

// The person behind a link (without their phone: a public read needs none) and what their code
// is computed from; NotFound for an unknown one.
Result<std::pair<TracingPerson, tracing::CodeFacts>> LinkedPerson(Connection& connection,
                                                                  const std::string& key,
                                                                  const std::string& token) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query("SELECT person_id FROM tracing_code_links "
                                    "WHERE token_key = $1",
                                    {TokenKey(key, token)}));
  if (found.rows.empty()) return UnknownLink();
  ASSIGN_OR_RETURN(TracingPerson person,
                   LoadPerson(connection, found.rows[0].Int(0), key, /*open_phone=*/false));
  ASSIGN_OR_RETURN(auto facts, LoadCodeFacts(connection, {person}));
  tracing::CodeFacts own = std::move(facts[person.id]);
  return std::make_pair(std::move(person), std::move(own));
}

}  // namespace

Result<std::string> TracingService::MakeCodeLink(const Actor& actor, std::int64_t person_id) {
  RETURN_IF_ERROR(CheckTracer(actor));
  const std::string token = RandomHex(kTokenBytes);
  const UnixMillis now = Now();
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    RETURN_IF_ERROR(LoadPerson(connection, person_id, pseudonym_key_, false).status());
    // A new link replaces the old one: whoever had the old token sees nothing any more.
    RETURN_IF_ERROR(
        connection.Execute("DELETE FROM tracing_code_links WHERE person_id = $1", {person_id})
            .status());
    RETURN_IF_ERROR(connection
                        .Execute("INSERT INTO tracing_code_links (person_id, token_key, "
                                 "token_sealed, created_by, created_at) VALUES ($1, $2, $3, $4, "
                                 "$5)",
                                 {person_id, TokenKey(pseudonym_key_, token),
                                  SealText(pseudonym_key_, token), actor.user_id, now})
                        .status());
    return Audit(connection, actor, "create", "tracing_code_link", std::to_string(person_id));
  }));
  return token;
}

Result<TracingPublicCode> TracingService::CodeByLink(const Actor& actor, const std::string& token) {
  if (!IsWellFormedToken(token)) return UnknownLink();
  TracingPublicCode code;
  tracing::CodeFacts facts;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(auto linked, LinkedPerson(connection, pseudonym_key_, token));
    code.name_masked = MaskName(linked.first.name);
    facts = std::move(linked.second);
    // The person's own look at their code, through their link (the actor is the public).
    return Audit(connection, actor, "read", "health_code", std::to_string(linked.first.id),
                 "code link");
  }));
  const UnixMillis now = Now();
  code.now = tracing::CodeAt(facts, now, options_.codes);
  code.history = tracing::CodeHistory(facts, now, options_.codes);
  return code;
}

Result<tracing::CodeColour> TracingService::GateByLink(const Actor& actor,
                                                       const std::string& token) {
  if (!IsWellFormedToken(token)) return UnknownLink();
  tracing::CodeFacts facts;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(auto linked, LinkedPerson(connection, pseudonym_key_, token));
    facts = std::move(linked.second);
    return Audit(connection, actor, "read", "health_code", std::to_string(linked.first.id),
                 "gate check");
  }));
  return tracing::CodeAt(facts, Now(), options_.codes).colour;
}

}  // namespace lifeline
