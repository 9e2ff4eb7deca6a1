// The contact-tracing desk's companion runs (docs/tracing.md, "Companion runs"): start the
// companion engine as a job on cell-tower data in the server's companion data folder, follow its
// progress, read what it found; upload data into the folder. Tracers and admins only (the
// service checks the role again and audits every start and read).

#include <httplib.h>

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/i18n.h"
#include "core/json_fields.h"
#include "core/time.h"
#include "core/validation.h"
#include "http/routes.h"
#include "http/tracing_http.h"
#include "services/tracing/companion_runs.h"

namespace lifeline {

using namespace tracing_http;  // the helpers of tracing_http.h

namespace {

constexpr int kDefaultRunsListed = 50;
constexpr int kDefaultFindingsListed = 100;

nlohmann::json RunJson(const CompanionRun& run, const std::string& locale) {
  std::int64_t percent = run.status == "done" ? 100 : 0;
  if (run.status != "done" && run.total > 0) {
    percent = std::clamp<std::int64_t>(run.done * 100 / run.total, 0, 100);
  }
  nlohmann::json error = nullptr;
  if (!run.error.ok()) {
    error = Catalogue::Builtin().Render(locale, run.error.message_id(), run.error.args());
  }
  return {{"id", run.id},
          {"status", run.status},
          {"stage", run.stage},
          {"done", run.done},
          {"total", run.total},
          {"percent", percent},
          {"created_by", run.created_by},
          {"created_at", FormatIso8601(run.created_at)},
          {"started_at", Instant(run.started_at)},
          {"finished_at", Instant(run.finished_at)},
          {"cells", run.cells},
          {"records", run.records},
          {"store", run.store},
          {"case_ids", run.case_ids},
          {"gap_s", run.gap_s},
          {"companions", run.companions},
          {"people_added", run.people_added},
          {"exposures_added", run.exposures_added},
          {"rows_read", run.rows_read},
          {"bad_rows", run.bad_rows},
          {"error", error},
          {"log", run.log}};
}

nlohmann::json FileJson(const CompanionDataFile& file) {
  return {
      {"name", file.name}, {"bytes", file.bytes}, {"modified_at", FormatIso8601(file.modified_at)}};
}

Result<CompanionRunRequest> ParseRunRequest(const nlohmann::json& body) {
  CompanionRunRequest request;
  ASSIGN_OR_RETURN(const std::optional<std::string> cells, OptionalString(body, "cells"));
  ASSIGN_OR_RETURN(const std::optional<std::string> records, OptionalString(body, "records"));
  ASSIGN_OR_RETURN(const std::optional<std::string> store, OptionalString(body, "store"));
  request.cells = cells.value_or("");
  request.records = records.value_or("");
  request.store = store.value_or("");
  if (!body.contains("case_ids") || body["case_ids"].is_null()) return FieldRequired("case_ids");
  const nlohmann::json& ids = body["case_ids"];
  if (!ids.is_array()) return FieldInvalid("case_ids", "an array of person ids");
  for (const nlohmann::json& id : ids) {
    if (!id.is_number_integer() || id.get<std::int64_t>() <= 0) {
      return FieldInvalid("case_ids", "an array of person ids");
    }
    request.case_ids.push_back(id.get<std::int64_t>());
  }
  ASSIGN_OR_RETURN(request.gap_s, OptionalInt(body, "gap_s"));
  return request;
}

}  // namespace

void AddTracingCompanionRoutes(Router& router, Services& services) {
  CompanionRunService& runs = services.companion_runs;
  const std::string runs_path = Path("/companion-runs");
  const std::string data_path = Path("/companion-data");

  router.Add(Method::kPost, runs_path, Tracers(),
             [&runs](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(CompanionRunRequest run_request, ParseRunRequest(body));
               run_request.locale = request.locale();
               ASSIGN_OR_RETURN(const CompanionRun run, runs.Start(request.actor(), run_request));
               return ApiResponse{202, RunJson(run, request.locale())};
             });

  router.Add(Method::kGet, runs_path, Tracers(),
             [&runs](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const int limit, PageParam(request, "limit", kDefaultRunsListed, 1,
                                                           kMaxCompanionRunsListed));
               ASSIGN_OR_RETURN(const std::vector<CompanionRun> listed,
                                runs.List(request.actor(), limit));
               nlohmann::json list = nlohmann::json::array();
               for (const CompanionRun& run : listed) {
                 list.push_back(RunJson(run, request.locale()));
               }
               return ApiResponse::Ok({{"runs", list}});
             });

  router.Add(Method::kGet, runs_path + R"(/(\d+))", Tracers(),
             [&runs](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const CompanionRun run, runs.Get(request.actor(), id));
               return ApiResponse::Ok(RunJson(run, request.locale()));
             });

  router.Add(
      Method::kGet, runs_path + R"(/(\d+)/findings)", Tracers(),
      [&runs](const ApiRequest& request) -> Result<ApiResponse> {
        ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
        ASSIGN_OR_RETURN(const int offset,
                         PageParam(request, "offset", 0, 0, std::numeric_limits<int>::max()));
        ASSIGN_OR_RETURN(const int limit, PageParam(request, "limit", kDefaultFindingsListed, 1,
                                                    kMaxCompanionRunFindingsListed));
        ASSIGN_OR_RETURN(const CompanionRunFindings page,
                         runs.Findings(request.actor(), id, offset, limit));
        nlohmann::json list = nlohmann::json::array();
        for (const CompanionRunFinding& finding : page.findings) {
          list.push_back({{"case_id", finding.case_id},
                          {"companion_id", finding.companion_id},
                          {"companion_added", finding.companion_added},
                          {"exposure_id", finding.exposure_id},
                          {"exposure_added", finding.exposure_added},
                          {"co_stays", finding.co_stays},
                          {"longest_overlap_s", finding.longest_overlap_s},
                          {"first_overlap_start", FormatIso8601(finding.first_overlap_start)},
                          {"start_at", FormatIso8601(finding.exposure_start)},
                          {"end_at", FormatIso8601(finding.exposure_end)},
                          {"evidence", finding.evidence}});
        }
        return ApiResponse::Ok({{"findings", list}, {"total", page.total}});
      });

  router.Add(
      Method::kGet, data_path, Tracers(),
      [&runs](const ApiRequest& request) -> Result<ApiResponse> {
        ASSIGN_OR_RETURN(const std::vector<CompanionDataFile> files,
                         runs.ListData(request.actor()));
        nlohmann::json list = nlohmann::json::array();
        for (const CompanionDataFile& file : files) list.push_back(FileJson(file));
        return ApiResponse::Ok({{"files", list}, {"max_upload_bytes", runs.max_upload_bytes()}});
      });

  // The body is the file itself (CSV), not JSON.
  router.Add(Method::kPost, data_path + "/([^/]+)", Tracers(),
             [&runs](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(
                   const CompanionDataFile file,
                   runs.Upload(request.actor(), request.PathParam(1), request.http().body));
               return ApiResponse::Created(FileJson(file));
             });
}

}  // namespace lifeline
